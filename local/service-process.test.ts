import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './ports.ts';
import { isHealthy, ServiceStartError, startService } from './service-process.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wikiplatform-service-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('service process', () => {
  it('reports a child that dies at start by name, with the end of its log', async () => {
    const port = await freePort();
    const error = await startService({
      name: 'instance9 origin',
      command: process.execPath,
      args: ['-e', 'console.error("DATABASE_URL is not set"); process.exit(3)'],
      env: { PATH: process.env.PATH },
      cwd: dir,
      logFile: join(dir, 'dies.log'),
      health: { url: `http://127.0.0.1:${port}/healthz` },
    }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ServiceStartError);
    expect((error as ServiceStartError).message).toBe('instance9 origin failed to start: exited early (code 3)');
    expect((error as ServiceStartError).logTail).toContain('DATABASE_URL is not set');
  });

  it('waits for the health check, then stops the child and its process group', async () => {
    const port = await freePort();
    const script = `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`;
    const service = await startService({
      name: 'probe',
      command: process.execPath,
      args: ['-e', script],
      env: { PATH: process.env.PATH },
      cwd: dir,
      logFile: join(dir, 'probe.log'),
      health: { url: `http://127.0.0.1:${port}/healthz` },
    });
    expect(await isHealthy(`http://127.0.0.1:${port}/`)).toBe(true);
    await service.stop();
    expect(alive(service.pid)).toBe(false);
    expect(await isHealthy(`http://127.0.0.1:${port}/`)).toBe(false);
  });
});
