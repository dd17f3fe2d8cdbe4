// `platform backup` of a dump above the multipart threshold (lowered to 5 MiB parts through the store's
// options; the CLI's default is 64 MiB) against a real Postgres 15 and the local S3 server with R2's multipart
// rules, through a proxy that records the requests and fails the ones a test picks: the parts, their retries,
// the abort when a part keeps failing, the single PUT below the threshold, and a restore of what went up.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MiB } from '../../scripts/ops/upload-plan.ts';
import { backupInProcess, bucket, platform, registryJson, seededDatabase, snapshot, startHarness, type Harness, type TestDatabase } from '../support/backup-harness.ts';
import { describeRequest, startFaultProxy, type Fault, type FaultProxy, type SeenRequest } from '../support/s3-fault-proxy.ts';

const IN_PARTS = { multipartAbove: 5 * MiB, partSize: 5 * MiB };

let h: Harness;
let proxy: FaultProxy;
beforeAll(async () => {
  h = await startHarness();
  proxy = await startFaultProxy(h.s3.endpoint);
});
afterAll(async () => {
  await proxy?.close();
  await h?.stop();
});
beforeEach(() => {
  proxy.seen.length = 0;
  proxy.fault = () => null;
});

/** A seeded wiki plus 12 MiB that do not compress, so its dump takes three 5 MiB parts. */
async function bigDatabase(): Promise<TestDatabase> {
  const db = await seededDatabase(h);
  await db.sql`create table ballast (id int primary key, data bytea not null)`;
  await db.sql`insert into ballast values (1, ${randomBytes(12 * MiB)})`;
  return db;
}
const ballastMd5 = async (db: TestDatabase) => (await db.sql<{ md5: string }[]>`select md5(data) from ballast`)[0]!.md5;

/** Backs up `id` through the proxy with 5 MiB parts; the printed key, size and sha256 when it worked. */
async function backUpInParts(id: string, db: TestDatabase) {
  const result = await backupInProcess(h, id, { INSTANCES: registryJson([id]), [`DATABASE_URL_${id.toUpperCase()}`]: db.url, S3_ENDPOINT: proxy.endpoint }, IN_PARTS);
  const made = new RegExp(`${id}: backed up to (\\S+) \\([\\d.]+ [kM]?B, (\\d+) bytes, sha256 ([0-9a-f]{64})\\)`).exec(result.stdout);
  return { ...result, key: made?.[1], size: Number(made?.[2]), sha256: made?.[3], requests: proxy.seen.map(describeRequest) };
}

/** Fails the first `times` tries of a request matching `which` with `fault`. */
function failFirst(times: number, fault: Fault, which: (req: SeenRequest) => boolean): (req: SeenRequest, seen: readonly SeenRequest[]) => Fault | null {
  return (req, seen) => (which(req) && seen.filter((s) => describeRequest(s) === describeRequest(req)).length <= times ? fault : null);
}
const part = (n: number) => (req: SeenRequest) => req.method === 'PUT' && req.query.get('partNumber') === String(n);
const partsUpTo = (n: number) => Array.from({ length: n }, (_, i) => `PUT part ${i + 1}`);

describe('platform backup in parts', () => {
  it('uploads a dump above the threshold in parts of one size, and restore brings back its bytes and rows exactly', async () => {
    const db = await bigDatabase();
    const [rows, ballast] = [await snapshot(db.sql), await ballastMd5(db)];
    const result = await backUpInParts('alpha', db);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const parts = Math.ceil(result.size / (5 * MiB));
    expect(parts).toBeGreaterThanOrEqual(3);
    expect(result.stdout).toMatch(new RegExp(`alpha: uploading [\\d.]+ MB to ${result.key} in ${parts} parts of 5 MiB…`));
    expect(result.requests).toEqual(['HEAD', 'POST ?uploads', ...partsUpTo(parts), 'POST ?uploadId', 'GET ?list']);

    const object = await bucket(h).get(result.key!);
    expect(object.body.length).toBe(result.size);
    expect(object.metadata.sha256).toBe(result.sha256);
    expect(await bucket(h).uploads('tenants/alpha/')).toEqual([]);

    await db.sql`update pages set content = 'vandalised'`;
    await db.sql`update ballast set data = 'gone'`;
    const stamp = result.key!.slice(result.key!.lastIndexOf('/') + 1, -'.dump'.length);
    const restored = await platform(h, ['restore', 'alpha', '--from', stamp, '--yes'], { INSTANCES: registryJson(['alpha']), DATABASE_URL_ALPHA: db.url });
    expect(restored.code, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`alpha: sha256 verified (${result.sha256})`);
    expect(await snapshot(db.sql)).toEqual(rows);
    expect(await ballastMd5(db)).toBe(ballast);
    await db.sql.end();
  });

  it('retries a part that fails once, a dropped connection or a 500, and the backup succeeds', async () => {
    const db = await bigDatabase();
    const once = [failFirst(1, 'internal-error', part(1)), failFirst(1, 'drop-connection', part(2))];
    proxy.fault = (req, seen) => once.map((f) => f(req, seen)).find(Boolean) ?? null;
    const result = await backUpInParts('beta', db);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const parts = Math.ceil(result.size / (5 * MiB));
    expect(result.requests).toEqual(['HEAD', 'POST ?uploads', 'PUT part 1', 'PUT part 1', 'PUT part 2', 'PUT part 2', ...partsUpTo(parts).slice(2), 'POST ?uploadId', 'GET ?list']);
    const object = await bucket(h).get(result.key!);
    expect(object.metadata.sha256).toBe(result.sha256);
    expect(object.body.length).toBe(result.size);
    await db.sql.end();
  });

  it('aborts the upload when a part fails every time: exit 1, the part and the reason named, no object and no upload left', async () => {
    const db = await bigDatabase();
    proxy.fault = (req) => (part(2)(req) ? 'internal-error' : null);
    const result = await backUpInParts('gamma', db);
    expect(result.code).toBe(1);
    const failed = /gamma: FAILED: storage PUT (tenants\/gamma\/backups\/\S+\.dump) part 2 of (\d+) failed: HTTP 500 InternalError \(tried 3 times\); the multipart upload was aborted, no part is left in the bucket/.exec(result.stdout);
    expect(failed, result.stdout).not.toBeNull();
    expect(result.stdout).toContain('0 of 1 database backed up; failed: gamma');
    expect(result.requests).toEqual(['HEAD', 'POST ?uploads', 'PUT part 1', 'PUT part 2', 'PUT part 2', 'PUT part 2', 'DELETE ?uploadId']);
    expect(await bucket(h).uploads('tenants/gamma/')).toEqual([]);
    expect(await bucket(h).keys('tenants/gamma/')).toEqual([]);

    // A connection that keeps dropping is named as such.
    proxy.seen.length = 0;
    proxy.fault = (req) => (part(1)(req) ? 'drop-connection' : null);
    const dropped = await backUpInParts('gamma', db);
    expect(dropped.code).toBe(1);
    expect(dropped.stdout).toMatch(/gamma: FAILED: storage PUT \S+ part 1 of \d+ failed: network error: .+ \(tried 3 times\); the multipart upload was aborted/);
    expect(await bucket(h).uploads('tenants/gamma/')).toEqual([]);
    await db.sql.end();
  });

  it('says the parts stay billed when the abort fails too', async () => {
    const db = await bigDatabase();
    proxy.fault = (req) => (part(2)(req) || req.method === 'DELETE' ? 'internal-error' : null);
    const result = await backUpInParts('delta', db);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /delta: FAILED: storage PUT \S+ part 2 of \d+ failed: HTTP 500 InternalError \(tried 3 times\); aborting the multipart upload failed too \(storage DELETE \S+ \(abort multipart upload\) failed: HTTP 500 InternalError \(tried 3 times\)\): its parts stay in the bucket, billed, until the bucket's lifecycle rule aborts it \(R2's default: after 7 days\)/,
    );
    expect(await bucket(h).uploads('tenants/delta/')).toHaveLength(1);
    await db.sql.end();
  });

  it('sends a dump at or below the threshold with one PUT, retried after a dropped connection', async () => {
    const db = await seededDatabase(h);
    proxy.fault = failFirst(1, 'drop-connection', (req) => req.method === 'PUT');
    const result = await backUpInParts('epsilon', db);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.size).toBeLessThan(5 * MiB);
    expect(result.stdout).toMatch(/epsilon: uploading [\d.]+ kB to \S+…\n/);
    expect(result.requests).toEqual(['HEAD', 'PUT', 'PUT', 'GET ?list']);
    expect((await bucket(h).get(result.key!)).metadata.sha256).toBe(result.sha256);
    await db.sql.end();
  });
});
