// Starts the platform for a test exactly as `npm start` does, on free ports and a throwaway state directory.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startPlatform, type RunningPlatform } from '../../local/platform.ts';
import { LOCAL_INSTANCES, type PlatformPorts } from '../../local/platform-config.ts';
import { freePort } from '../../local/ports.ts';

export const ROOT_DIR = resolve(import.meta.dirname, '../..');

export async function freePlatformPorts(): Promise<PlatformPorts> {
  const instances: Record<string, number> = {};
  for (const inst of LOCAL_INSTANCES) instances[inst.id] = await freePort();
  return {
    edge: await freePort(),
    postgres: await freePort(),
    s3: await freePort(),
    idp: await freePort(),
    portal: await freePort(),
    instances,
    inspector: await freePort(),
    stripe: await freePort(),
    mailgun: await freePort(),
  };
}

export interface TestPlatform {
  platform: RunningPlatform;
  stateDir: string;
  ports: PlatformPorts;
  restart(options?: { reset?: boolean }): Promise<RunningPlatform>;
  stop(): Promise<void>;
}

export async function startTestPlatform(): Promise<TestPlatform> {
  const stateDir = await mkdtemp(join(tmpdir(), 'wikiplatform-e2e-'));
  // Traversable by the postgres user Postgres runs as when we are root.
  await chmod(stateDir, 0o755);
  const ports = await freePlatformPorts();
  const start = (reset = false) =>
    startPlatform({ rootDir: ROOT_DIR, stateDir, ports, reset, progress: (line) => process.stderr.write(`[platform] ${line}\n`) });
  const handle: TestPlatform = {
    platform: await start(),
    stateDir,
    ports,
    async restart(options) {
      await handle.platform.stop();
      handle.platform = await start(options?.reset ?? false);
      return handle.platform;
    },
    async stop() {
      await handle.platform.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
  return handle;
}
