import { createServer } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_INSTANCES } from './platform-config.ts';
import { startPlatform } from './platform.ts';
import { freePort, isPortFree, PortInUseError } from './ports.ts';

describe('local platform start', () => {
  it('refuses to start when a port is taken, names it, and starts nothing', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'wikiplatform-busy-'));
    const instances = Object.fromEntries(await Promise.all(LOCAL_INSTANCES.map(async (i) => [i.id, await freePort()] as const)));
    const ports = { edge: await freePort(), postgres: await freePort(), s3: await freePort(), idp: await freePort(), portal: await freePort(), instances, inspector: await freePort(), stripe: await freePort(), mailgun: await freePort() };
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(ports.idp, '127.0.0.1', r));
    try {
      const error = await startPlatform({ rootDir: resolve(import.meta.dirname, '..'), stateDir, ports }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toContain(`Port ${ports.idp} (idp)`);
      expect(await isPortFree(ports.postgres)).toBe(true);
      expect(await isPortFree(ports.edge)).toBe(true);
      expect(await readdir(stateDir)).toEqual(['logs']);
    } finally {
      busy.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
