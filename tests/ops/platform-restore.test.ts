// `platform restore` against a real Postgres (15, as this machine's pg_restore) and the SigV4-checking local
// S3: rows come back exactly, --from picks the right backup, a tampered object or a missing --yes changes
// nothing, and the operator is told to put the instance in maintenance around it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucket, platform, registryJson, seededDatabase, snapshot, startHarness, type Harness, type TestDatabase } from '../support/backup-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** Backs up `id` and returns the key it printed. */
async function backUp(id: string, env: Record<string, string>): Promise<string> {
  const result = await platform(h, ['backup', id], env);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return new RegExp(`${id}: backed up to (\\S+)`).exec(result.stdout)![1]!;
}

/** What people might do to a wiki after its backup: edit a page, delete one, add a user. */
async function vandalise(db: TestDatabase): Promise<void> {
  await db.sql`update pages set content = 'vandalised', title = 'Oops' where path = 'home'`;
  await db.sql`delete from pages where path = 'guide/setup'`;
  await db.sql`insert into users (sub, username, email, name) values ('sub-2', 'eve', 'eve@example.com', 'Eve')`;
}

const stampOf = (key: string) => key.slice(key.lastIndexOf('/') + 1, -'.dump'.length);

describe('platform restore', () => {
  it('brings back exactly the rows of the backup after rows were changed and deleted', async () => {
    const db = await seededDatabase(h);
    const env = { INSTANCES: registryJson(['alpha']), DATABASE_URL_ALPHA: db.url };
    const before = await snapshot(db.sql);
    const key = await backUp('alpha', env);
    await vandalise(db);
    expect(await snapshot(db.sql)).not.toEqual(before);

    const result = await platform(h, ['restore', 'alpha', '--from', stampOf(key), '--yes'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await snapshot(db.sql)).toEqual(before);
    expect(result.stdout).toContain(`Restore alpha from ${key}`);
    expect(result.stdout).toMatch(/alpha: sha256 verified \([0-9a-f]{64}\)/);
    expect(result.stdout).toMatch(/alpha: restoring into the database \(pg_restore 15\.\d+ --clean --if-exists --no-owner --single-transaction --exit-on-error, server 15\.\d+\)…/);
    expect(result.stdout).toMatch(new RegExp(`alpha: restored from ${key}`));
    expect(result.stdout).toContain('Before: put alpha in maintenance at the edge');
    expect(result.stdout).toContain('After: take alpha out of maintenance (npm run platform -- instance resume alpha, wrangler deploy --env production)');

    // The restored wiki works on: its sequences carry on after the restored rows.
    const [user] = await db.sql<{ id: number }[]>`insert into users (sub, username, email, name) values ('sub-3', 'bob', 'bob@example.com', 'Bob') returning id`;
    expect(user!.id).toBe(2);
    await db.sql.end();
  });

  it('without --yes says what it would do, exits 2 and changes nothing', async () => {
    const db = await seededDatabase(h);
    const env = { INSTANCES: registryJson(['beta']), DATABASE_URL_BETA: db.url };
    const key = await backUp('beta', env);
    await vandalise(db);
    const changed = await snapshot(db.sql);

    const result = await platform(h, ['restore', 'beta', '--from', 'latest'], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`Restore beta from ${key}`);
    expect(result.stdout).toMatch(/database: {2}postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/wiki_\w+ \(DATABASE_URL_BETA\)/);
    expect(result.stdout).toContain('drops and recreates every table, sequence and function the backup holds: whatever was written');
    expect(result.stdout).toContain('(The registry this command was given has "beta" out of maintenance.)');
    expect(result.stderr).toContain('Not restoring: this replaces the database of beta. Nothing was changed; run again with --yes to restore.');
    expect(await snapshot(db.sql)).toEqual(changed);
    await db.sql.end();
  });

  it('with --from latest takes the newest backup, and with a stamp the one named', async () => {
    const db = await seededDatabase(h);
    const env = { INSTANCES: registryJson(['gamma']), DATABASE_URL_GAMMA: db.url };
    const first = await backUp('gamma', env);
    const atFirst = await snapshot(db.sql);
    await db.sql`update pages set content = 'second version' where path = 'home'`;
    await new Promise((r) => setTimeout(r, 1_000)); // a new second, so a new key
    const second = await backUp('gamma', env);
    const atSecond = await snapshot(db.sql);
    await vandalise(db);

    const latest = await platform(h, ['restore', 'gamma', '--from', 'latest', '--yes'], env);
    expect(latest.code).toBe(0);
    expect(latest.stdout).toContain(`Restore gamma from ${second}`);
    expect(await snapshot(db.sql)).toEqual(atSecond);

    // The ISO form of the stamp, as `backups` prints the time, works too.
    const iso = stampOf(first).replace(/T(\d{2})-(\d{2})-(\d{2})Z/, 'T$1:$2:$3Z');
    const named = await platform(h, ['restore', 'gamma', '--from', iso, '--yes'], env);
    expect(named.code, named.stdout + named.stderr).toBe(0);
    expect(named.stdout).toContain(`Restore gamma from ${first}`);
    expect(await snapshot(db.sql)).toEqual(atFirst);

    const unknown = await platform(h, ['restore', 'gamma', '--from', '2020-01-01T00-00-00Z', '--yes'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`--from 2020-01-01T00-00-00Z: no such backup under tenants/gamma/backups/ (newest: ${stampOf(second)}, ${stampOf(first)})`);
    await db.sql.end();
  });

  it('refuses a backup whose bytes no longer match its sha256, exits 1 and leaves the database untouched', async () => {
    const db = await seededDatabase(h);
    const env = { INSTANCES: registryJson(['delta']), DATABASE_URL_DELTA: db.url };
    const key = await backUp('delta', env);
    // One byte changed in the bucket, size and recorded metadata as they were.
    const original = await bucket(h).get(key);
    const tampered = Buffer.from(original.body);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 0xff, tampered.length - 1);
    await bucket(h).put(key, tampered, original.metadata);
    await vandalise(db);
    const changed = await snapshot(db.sql);

    const result = await platform(h, ['restore', 'delta', '--from', stampOf(key), '--yes'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`delta: restore FAILED: ${key} does not match what was backed up \\(sha256 [0-9a-f]{64}, \\d+ bytes; recorded sha256 ${original.metadata.sha256}, \\d+ bytes\\): the object was changed or damaged in the bucket; not restoring, the database was not touched`),
    );
    expect(result.stdout).not.toContain('restoring into the database');
    expect(await snapshot(db.sql)).toEqual(changed);
    await db.sql.end();
  });

  it('says when there is nothing to restore, and refuses an object without a recorded sha256', async () => {
    const db = await seededDatabase(h);
    const env = { INSTANCES: registryJson(['epsilon']), DATABASE_URL_EPSILON: db.url };
    const none = await platform(h, ['restore', 'epsilon', '--from', 'latest', '--yes'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('epsilon: nothing to restore: no backups under tenants/epsilon/backups/');

    await bucket(h).put('tenants/epsilon/backups/2020-01-01T00-00-00Z.dump', 'PGDMP not ours');
    const unverifiable = await platform(h, ['restore', 'epsilon', '--from', 'latest', '--yes'], env);
    expect(unverifiable.code).toBe(1);
    expect(unverifiable.stdout).toContain('has no sha256 metadata, so it cannot be verified');

    await db.sql.end();
  });

  it('rolls back a pg_restore that fails halfway: the database stays as it was', async () => {
    const db = await seededDatabase(h);
    const env = { INSTANCES: registryJson(['zeta']), DATABASE_URL_ZETA: db.url };
    const key = await backUp('zeta', env);
    await vandalise(db);
    // A view the backup does not know depends on pages: --clean cannot drop pages, after dropping other things.
    await db.sql`create schema reports`;
    await db.sql`create view reports.page_titles as select title from public.pages`;
    const before = await snapshot(db.sql);

    const result = await platform(h, ['restore', 'zeta', '--from', stampOf(key), '--yes'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/zeta: restore FAILED: pg_restore failed \(exit 1\): .*depend.* \(the restore ran in one transaction and was rolled back: the database is as it was\)/);
    expect(await snapshot(db.sql)).toEqual(before);
    await db.sql.end();
  });

  it('restores the portal with its own instructions: stop the portal origin, not a maintenance flag', async () => {
    const portal = await seededDatabase(h, 'portal');
    const env = { INSTANCES: registryJson(['alpha']), DATABASE_URL_PORTAL: portal.url };
    await backUp('portal', env);
    const result = await platform(h, ['restore', 'portal', '--from', 'latest'], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('Before: stop the portal origin so nothing writes during the restore (the portal has no maintenance flag):');
    expect(result.stdout).toContain('docker compose stop portal');
    await portal.sql.end();
  });

  it('exits 2 without --from, naming it', async () => {
    const result = await platform(h, ['restore', 'alpha'], { INSTANCES: registryJson(['alpha']) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('restore: --from <stamp|latest> is required');
  });
});
