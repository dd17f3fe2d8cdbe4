// Vitest global setup for tests on real Postgres: one throwaway cluster per run, on a free port.
// Each test file creates its own database from it (see tests/support/test-database.ts), so no test
// depends on another's data.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../local/ports.ts';
import { startPostgres } from '../../local/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'wikiplatform-test-pg-'));
  // mkdtemp makes the directory 0700; as root, Postgres runs as the postgres user and must traverse it.
  await chmod(dir, 0o755);
  const pg = await startPostgres({ dataDir: join(dir, 'cluster'), port: await freePort(), databases: [] });
  project.provide('postgresAdminUrl', pg.urlFor('postgres'));
  return async () => {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
