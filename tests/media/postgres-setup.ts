// Global setup for the media tests on real Postgres: one throwaway cluster per run, provided under the
// same name tests/support/test-database.ts injects. Unlike tests/support/postgres-global-setup.ts it
// opens the temp directory to the `postgres` user, which initdb needs when the tests run as root.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../local/ports.ts';
import { startPostgres } from '../../local/postgres.ts';

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'wikiplatform-media-pg-'));
  await chmod(dir, 0o755);
  const pg = await startPostgres({ dataDir: join(dir, 'cluster'), port: await freePort(), databases: [] });
  project.provide('postgresAdminUrl', pg.urlFor('postgres'));
  return async () => {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
