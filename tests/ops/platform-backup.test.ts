// `platform backup` and `platform backups` against a real Postgres (15, as this machine's pg_dump) and the
// SigV4-checking local S3: the object lands at the right key with its size and sha256, retention deletes
// exactly what the policy says, --all goes on past a dead database, and nothing secret is ever printed.
import { createHash } from 'node:crypto';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports.ts';
import { bucket, PG_BIN_DIR, platform, registryJson, seededDatabase, startHarness, type Harness } from '../support/backup-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const STAMP = /\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z/;
/** The CLI's temp directories left in its TMPDIR (tsx keeps its own cache there too). */
const backupTempDirs = async (tmp: string) => (await readdir(tmp)).filter((name) => name.startsWith('wikiplatform-backup-'));

describe('platform backup', () => {
  it('dumps an instance into a private temp file, uploads it to its key with size and sha256, and cleans up', async () => {
    const db = await seededDatabase(h);
    // A pg_dump that records how it was called and what it could see, then runs the real one.
    const spy = join(h.dir, 'pg-dump-spy.sh');
    const seen = join(h.dir, 'pg-dump-seen.txt');
    await writeFile(
      spy,
      `#!/bin/sh\nif [ "$1" != "--version" ]; then { echo "args: $*"; env | grep -c '^S3_' ; stat -c '%a %n' "$TMPDIR"/wikiplatform-backup-* "$TMPDIR"/wikiplatform-backup-*/*; } > '${seen}' 2>&1; fi\nexec '${PG_BIN_DIR}/pg_dump' "$@"\n`,
    );
    await chmod(spy, 0o755);

    const result = await platform(h, ['backup', 'alpha'], { INSTANCES: registryJson(['alpha']), DATABASE_URL_ALPHA: db.url, PG_DUMP: spy });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const line = /\[1\/1\] alpha: backed up to (tenants\/alpha\/backups\/\S+\.dump) \([\d.]+ kB, (\d+) bytes, sha256 ([0-9a-f]{64})\)/.exec(result.stdout);
    expect(line, result.stdout).not.toBeNull();
    const [, key, size, sha256] = line!;
    expect(key).toMatch(new RegExp(`^tenants/alpha/backups/${STAMP.source}\\.dump$`));
    expect(result.stdout).toMatch(/alpha \(instance, postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/wiki_\w+\): backing up…/);
    expect(result.stdout).toMatch(/alpha: dumping… \(pg_dump 15\.\d+, server 15\.\d+\)/);
    expect(result.stdout).toMatch(/alpha: retention \(keep 7 daily, 4 weekly\): 1 kept, 0 deleted/);
    expect(result.stdout).toContain('1 of 1 database backed up');

    const object = await bucket(h).get(key!);
    expect(object.status).toBe(200);
    expect(object.body.length).toBe(Number(size));
    expect(createHash('sha256').update(object.body).digest('hex')).toBe(sha256);
    expect(object.metadata).toMatchObject({ sha256, 'pg-dump-version': expect.stringMatching(/^15\./), 'server-version': expect.stringMatching(/^15\./) });
    expect(object.body.subarray(0, 5).toString()).toBe('PGDMP');

    // pg_dump saw no password in its arguments and no bucket variable; the dump went to a 0600 file in a 0700 directory.
    const spied = await readFile(seen, 'utf8');
    expect(spied).toMatch(/^args: --format=custom --no-password --dbname=postgres:\/\/postgres@127\.0\.0\.1:\d+\/wiki_\w+\n0\n700 .*wikiplatform-backup-\w+\n600 .*backup\.dump\n$/);
    expect(await backupTempDirs(result.tmp)).toEqual([]);
    await db.sql.end();
  });

  it('backs up the portal under portal/backups/ and lists backups newest first with time and size', async () => {
    const portal = await seededDatabase(h, 'portal');
    const env = { INSTANCES: registryJson(['alpha']), DATABASE_URL_PORTAL: portal.url };
    await bucket(h).put('portal/backups/2020-03-01T03-00-00Z.dump', 'old dump', { sha256: '0'.repeat(64) });
    await bucket(h).put('portal/backups/README.txt', 'not a backup');
    const result = await platform(h, ['backup', 'portal'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`portal: backed up to portal/backups/${STAMP.source}\\.dump`));

    const listed = await platform(h, ['backups', 'portal'], env);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toBe('Backups of portal (portal/backups/), newest first:');
    expect(lines[1]).toMatch(new RegExp(`^  \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z +[\\d.]+ kB  portal/backups/${STAMP.source}\\.dump$`));
    expect(lines[2]).toBe('  2020-03-01T03:00:00Z        8 B  portal/backups/2020-03-01T03-00-00Z.dump');
    expect(lines[3]).toMatch(/^2 backups, [\d.]+ kB$/);
    expect(lines[4]).toBe('(1 other object under portal/backups/ not named like a backup: left alone by retention)');
    await portal.sql.end();
  });

  it('applies retention after the backup: deletes exactly what the policy says, never the new backup nor other objects', async () => {
    const db = await seededDatabase(h);
    const env = { INSTANCES: registryJson(['gamma']), DATABASE_URL_GAMMA: db.url };
    const prefix = 'tenants/gamma/backups/';
    // 2020-03-09 is a Monday. Older than the backup about to be made, in other weeks than today's.
    const old = ['2020-03-10T03-00-00Z', '2020-03-09T03-00-00Z', '2020-03-08T03-00-00Z', '2020-03-08T01-00-00Z', '2020-03-01T03-00-00Z'];
    for (const stamp of old) await bucket(h).put(`${prefix}${stamp}.dump`, `dump of ${stamp}`, { sha256: '0'.repeat(64) });
    await bucket(h).put(`${prefix}notes.txt`, 'kept by hand');

    // Daily 2: today's new backup and 03-10. Weekly 3: today's week, 03-09…03-15 (03-10), 03-02…03-08 (03-08 03:00).
    const result = await platform(h, ['backup', 'gamma', '--keep-daily', '2', '--keep-weekly', '3'], env);
    expect(result.code).toBe(0);
    const made = /gamma: backed up to (\S+)/.exec(result.stdout)![1]!;
    const deleted = ['2020-03-09T03-00-00Z', '2020-03-08T01-00-00Z', '2020-03-01T03-00-00Z'].map((s) => `${prefix}${s}.dump`);
    expect(result.stdout).toContain(`gamma: retention (keep 2 daily, 3 weekly): 3 kept, 3 deleted: ${deleted.join(', ')}`);
    expect(await bucket(h).keys(prefix)).toEqual([`${prefix}2020-03-08T03-00-00Z.dump`, `${prefix}2020-03-10T03-00-00Z.dump`, made, `${prefix}notes.txt`].sort());

    // Nothing to keep by the policy: still the backup just made survives, and so does the foreign object.
    const env0 = { ...env, BACKUP_KEEP_DAILY: '0', BACKUP_KEEP_WEEKLY: '0' };
    await new Promise((r) => setTimeout(r, 1_000)); // a new second, so a new key
    const again = await platform(h, ['backup', 'gamma'], env0);
    expect(again.code).toBe(0);
    const newest = /gamma: backed up to (\S+)/.exec(again.stdout)![1]!;
    expect(again.stdout).toMatch(/retention \(keep 0 daily, 0 weekly\): 1 kept, 3 deleted/);
    expect(await bucket(h).keys(prefix)).toEqual([newest, `${prefix}notes.txt`].sort());
    await db.sql.end();
  });

  it('with --all backs up every instance and the portal, goes on past an unreachable database or a missing URL, and exits 1', async () => {
    const [one, portal] = await Promise.all([seededDatabase(h), seededDatabase(h, 'portal')]);
    const deadPassword = 'dead-db-password-never-printed';
    const env = {
      // theta has no DATABASE_URL_THETA yet: that fails theta alone.
      INSTANCES: registryJson(['delta', 'epsilon', 'theta']),
      DATABASE_URL_DELTA: `postgres://delta:${deadPassword}@127.0.0.1:${await freePort()}/delta`,
      DATABASE_URL_EPSILON: one.url,
      DATABASE_URL_PORTAL: portal.url,
    };
    const result = await platform(h, ['backup', '--all'], env);
    expect(result.stdout).toMatch(/\[1\/4\] delta: FAILED: .*ECONNREFUSED/);
    expect(result.stdout).toMatch(/\[2\/4\] epsilon: backed up to tenants\/epsilon\/backups\//);
    expect(result.stdout).toContain('[3/4] theta: FAILED: DATABASE_URL_THETA: not set (the database URL of theta)');
    expect(result.stdout).toMatch(/\[4\/4\] portal: backed up to portal\/backups\//);
    expect(result.stdout).toContain('2 of 4 databases backed up; failed: delta, theta');
    expect(result.stdout + result.stderr).not.toContain(deadPassword);
    expect(result.code).toBe(1);
    expect(await bucket(h).keys('tenants/delta/')).toEqual([]);
    await Promise.all([one.sql.end(), portal.sql.end()]);
  });

  it('refuses a pg_dump older than the server, naming the package and PG_DUMP', async () => {
    const db = await seededDatabase(h);
    const old = join(h.dir, 'old-pg-dump.sh');
    await writeFile(old, '#!/bin/sh\necho "pg_dump (PostgreSQL) 14.12 (Debian 14.12-1.pgdg120+1)"\n');
    await chmod(old, 0o755);
    const result = await platform(h, ['backup', 'zeta'], { INSTANCES: registryJson(['zeta']), DATABASE_URL_ZETA: db.url, PG_DUMP: old });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /zeta: FAILED: pg_dump 14\.12 is older than the server of zeta \(15\.\d+\) and cannot work with it: install the PostgreSQL 15 client tools \(Debian\/Ubuntu: postgresql-client-15 from the PGDG apt repository\) or set PG_DUMP to a pg_dump of version 15 or newer/,
    );
    expect(await bucket(h).keys('tenants/zeta/')).toEqual([]);
    await db.sql.end();
  });

  it('reports a bucket that refuses the credentials or is missing, without printing the secret or a signature, and leaves no temp file', async () => {
    const db = await seededDatabase(h);
    const result = await platform(h, ['backup', 'eta'], { INSTANCES: registryJson(['eta']), DATABASE_URL_ETA: db.url, S3_SECRET_ACCESS_KEY: 'wrong-secret-never-printed' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/eta: FAILED: storage HEAD tenants\/eta\/backups\/\S+ failed: HTTP 403/);

    // A bucket that is not there fails only at the upload, after the dump: its temp file goes all the same.
    const missing = await platform(h, ['backup', 'eta'], { INSTANCES: registryJson(['eta']), DATABASE_URL_ETA: db.url, S3_BUCKET: 'no-such-bucket' });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/eta: uploading [\d.]+ kB to tenants\/eta\/backups\/\S+…/);
    expect(missing.stdout).toMatch(/eta: FAILED: storage PUT tenants\/eta\/backups\/\S+ failed: HTTP 404 NoSuchBucket/);
    expect(await backupTempDirs(missing.tmp)).toEqual([]);
    await db.sql.end();
  });

  it('exits 2 and does nothing on wrong usage or missing inputs, naming each', async () => {
    const env = { INSTANCES: registryJson(['alpha']), DATABASE_URL_ALPHA: 'postgres://u:p@127.0.0.1:1/x' };
    const both = await platform(h, ['backup', 'alpha', '--all'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('backup: give one instance name (or "portal"), or --all');

    const unknown = await platform(h, ['backup', 'omega'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('"omega": not an instance of the registry nor "portal" (known: alpha, portal)');

    const missing = await platform(h, ['backup', 'alpha', '--keep-daily', 'seven'], { ...env, S3_BUCKET: '' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('S3_BUCKET: must be a bucket name');
    expect(missing.stderr).toContain('--keep-daily: must be a whole number from 0 to 1000 (got "seven")');
    expect(missing.stdout).toBe('');
  });
});
