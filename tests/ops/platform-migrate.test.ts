// `platform migrate` against real Postgres: good databases are migrated, a broken one is reported and
// does not stop the others, the exit code says so, and a second run finds everything current.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports.ts';
import { migrateDatabases } from '../../scripts/ops/migrate-databases.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);
const journalSize = (folder: string) => (JSON.parse(readFileSync(join(ROOT, folder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
const INSTANCE_MIGRATIONS = journalSize('origin/instance/drizzle') + journalSize('origin/instance/media/drizzle');
const PORTAL_MIGRATIONS = journalSize('origin/portal/drizzle');
const registry = ['instance1', 'instance2', 'instance3'].map((id) => ({ id, origin: `https://${id}.origin.example`, maintenance: false }));

async function platform(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/platform.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let good1: TestDatabase;
let good2: TestDatabase;
let portal: TestDatabase;
let env: Record<string, string>;
const PASSWORD = 'never-print-me';
beforeAll(async () => {
  [good1, good2, portal] = await Promise.all([createTestDatabase('ops_i1'), createTestDatabase('ops_i2'), createTestDatabase('ops_portal')]);
  // Nothing listens there: connection refused, with a password that must not show up in the output.
  const unreachable = `postgres://instance3:${PASSWORD}@127.0.0.1:${await freePort()}/instance3`;
  env = {
    INSTANCES: JSON.stringify(registry),
    DATABASE_URL_INSTANCE1: good1.url,
    DATABASE_URL_INSTANCE2: good2.url,
    DATABASE_URL_INSTANCE3: unreachable,
    DATABASE_URL_PORTAL: portal.url,
  };
});
afterAll(async () => {
  await Promise.all([good1, good2, portal].map((d) => d?.drop()));
});

async function tableExists(url: string, table: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ present: boolean }[]>`select to_regclass(${table}) is not null as present`;
    return row!.present;
  } finally {
    await sql.end();
  }
}

describe('platform migrate', () => {
  it('migrates the good databases, reports the unreachable one, exits 1, then finds the good ones current', async () => {
    const first = await platform(['migrate'], env);
    expect(first.stdout).toContain(`instance1: applied ${INSTANCE_MIGRATIONS} migrations`);
    expect(first.stdout).toContain(`instance2: applied ${INSTANCE_MIGRATIONS} migrations`);
    expect(first.stdout).toMatch(/\[3\/4\] instance3: FAILED: .*ECONNREFUSED/);
    expect(first.stdout).toContain(`portal: applied ${PORTAL_MIGRATIONS} migration`);
    expect(first.stdout).toMatch(/\[1\/4\] instance1 \(instance, postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/ops_i1_\w+\): migrating…/);
    expect(first.stdout).toContain('3 of 4 databases migrated or current; failed: instance3');
    expect(first.stdout + first.stderr).not.toContain(PASSWORD);
    expect(first.code).toBe(1);
    expect(await tableExists(good1.url, 'pages')).toBe(true);
    expect(await tableExists(good2.url, 'pages')).toBe(true);

    const second = await platform(['migrate'], env);
    expect(second.stdout).toMatch(/instance1: already current/);
    expect(second.stdout).toMatch(/instance2: already current/);
    expect(second.stdout).toMatch(/portal: already current/);
    expect(second.stdout).toMatch(/instance3: FAILED/);
    expect(second.code).toBe(1);
  });

  it('exits 0 when every selected database succeeds, and --only touches no other database', async () => {
    const fresh = await createTestDatabase('ops_only');
    try {
      const result = await platform(['migrate', '--only', 'instance2'], { ...env, DATABASE_URL_INSTANCE2: fresh.url });
      expect(result.stdout).toContain(`[1/1] instance2: applied ${INSTANCE_MIGRATIONS} migrations`);
      expect(result.stdout).not.toContain('instance3');
      expect(result.code).toBe(0);
    } finally {
      await fresh.drop();
    }
  });

  it('reports a database whose migration fails and still migrates the next one', async () => {
    const [broken, next] = await Promise.all([createTestDatabase('ops_broken'), createTestDatabase('ops_next')]);
    try {
      // A table in the way of the first migration: the database answers, the migration cannot apply.
      const sql = postgres(broken.url, { max: 1, onnotice: () => {} });
      await sql`create table pages (nonsense text)`;
      await sql.end();
      const outcomes = await migrateDatabases([
        { name: 'instance1', role: 'instance', url: broken.url, variable: 'DATABASE_URL_INSTANCE1' },
        { name: 'instance2', role: 'instance', url: next.url, variable: 'DATABASE_URL_INSTANCE2' },
      ]);
      expect(outcomes[0]).toMatchObject({ name: 'instance1', status: 'failed', reason: expect.stringContaining('already exists') });
      expect(outcomes[1]).toMatchObject({ name: 'instance2', status: 'applied', count: INSTANCE_MIGRATIONS });
    } finally {
      await Promise.all([broken.drop(), next.drop()]);
    }
  });

  it('exits 2 and migrates nothing when a database URL is missing', async () => {
    const result = await platform(['migrate'], { ...env, DATABASE_URL_PORTAL: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL_PORTAL: not set');
    expect(result.stdout).not.toContain('migrating');
  });
});
