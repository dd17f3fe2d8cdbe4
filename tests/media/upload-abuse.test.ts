// Two ways an editor could abuse presigned uploads, closed: reserving the instance's whole quota without
// uploading anything (each user's unconfirmed reservations are capped), and putting a deleted file back
// with its still-valid, reusable PUT URL (the key is tombstoned and the sweeper deletes it again).
// Real Postgres, the real SigV4-checking S3 server, the edge's signing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresignedUpload } from '#shared/media-contract';
import { PENDING_GRACE_SECONDS, UPLOAD_URL_TTL_SECONDS } from '#shared/media-policy';
import { presignUpload } from '../../edge/media/presign-upload.ts';
import { memoryLimiter } from '../../edge/rate-limit.ts';
import { sweepMedia } from '../../origin/instance/media/sweeper.ts';
import { startTestS3, type TestS3 } from './local-s3.ts';
import { person, startMediaHarness, type MediaHarness } from './media-harness.ts';

let s3: TestS3;
let h: MediaHarness;
// Small caps so the allowance is easy to reach: PRO may have 2 × 1000 bytes unconfirmed, STARTER 2 × 100.
const PLAN_CAPS = { STARTER: 100, PRO: 1000, ENTERPRISE: 4000 };
const QUOTA = 100_000;

const hoarder = person('hugo', 'PRO');
const colleague = person('carla', 'PRO');
const starter = person('stan', 'STARTER');
const uploader = person('uma', 'PRO');

beforeAll(async () => {
  s3 = await startTestS3();
  h = await startMediaHarness(s3, { quotaBytes: QUOTA, planCaps: PLAN_CAPS });
});
afterAll(async () => {
  await h?.close();
  await s3?.stop();
});

type SignAnswer = PresignedUpload & { error: { code: string; message: string; details: any } };

async function sign(who: ReturnType<typeof person>, size: number, contentType = 'image/png') {
  const res = await h.edge('/_media/uploads', who, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'a.png', contentType, size }),
  });
  return { status: res.status, body: (await res.json()) as SignAnswer };
}

const put = (signed: PresignedUpload, size: number, fill = 7) => fetch(signed.url, { method: 'PUT', headers: signed.headers, body: new Uint8Array(size).fill(fill) });

async function confirm(key: string, who: ReturnType<typeof person>) {
  const res = await h.origin('/api/media', who, { method: 'POST', body: JSON.stringify({ key }) });
  return { status: res.status, body: (await res.json()) as any };
}

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);
const URL_OVER = UPLOAD_URL_TTL_SECONDS + PENDING_GRACE_SECONDS + 1;
const tombstones = async (key: string) => (await h.database.sql<{ n: number }[]>`select count(*)::int as n from media_tombstones where key = ${key}`)[0]!.n;

describe("each user's pending allowance", () => {
  it("refuses a user's reservations past 2× their plan's per-file cap with 429 naming the limit, while others can still reserve", async () => {
    expect((await sign(hoarder, 1000)).status).toBe(201);
    expect((await sign(hoarder, 999)).status).toBe(201);
    const refused = await sign(hoarder, 2);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(refused.body.error.message).toContain('not yet finished');
    expect(refused.body.error.message).toContain('2.0 KB');
    expect(refused.body.error.message).toContain("2× your plan's 1000 bytes per-file cap");
    expect(refused.body.error.details).toMatchObject({ pendingBytes: 1999, limitBytes: 2000 });
    expect(refused.body.error.details.retryAfterSeconds).toBeGreaterThan(UPLOAD_URL_TTL_SECONDS);
    // Exactly up to the limit is fine.
    expect((await sign(hoarder, 1)).status).toBe(201);
    expect((await sign(hoarder, 1)).status).toBe(429);

    // The instance quota is nowhere near full: the others are not affected.
    expect((await sign(colleague, 1000)).status).toBe(201);
    expect((await sign(colleague, 1000)).status).toBe(201);
    // A STARTER's allowance follows their own, smaller cap.
    expect((await sign(starter, 100)).status).toBe(201);
    expect((await sign(starter, 100)).status).toBe(201);
    expect((await sign(starter, 1)).status).toBe(429);
  });

  it('is given back when an upload is confirmed, and when reservations expire', async () => {
    const signed = await sign(colleague, 10);
    expect(signed.status).toBe(429);
    // Finish one of the colleague's reservations: confirmation moves its bytes from pending to stored.
    const [pending] = await h.database.sql<{ key: string }[]>`
      select u.key from media_uploads u join users on users.id = u.user_id where users.sub = ${colleague.sub} order by u.id limit 1`;
    const landed = await presignUpload(s3.settings, { key: pending!.key, contentType: 'image/png', size: 1000, checksum: null, expiresAt: Math.floor(Date.now() / 1000) + 60, maxBytes: 1000 }, { nowSeconds: Math.floor(Date.now() / 1000) });
    expect((await put(landed, 1000)).status).toBe(200);
    expect((await confirm(pending!.key, colleague)).status).toBe(201);
    expect((await sign(colleague, 1000)).status).toBe(201);

    // Expired reservations stop counting (the sweep removes them later).
    await h.database.sql`update media_uploads set expires_at = now() - interval '1 second'
      where user_id = (select id from users where sub = ${hoarder.sub})`;
    expect((await sign(hoarder, 1000)).status).toBe(201);
  });

  it('still answers 413 when the instance quota, not the user, is the limit', async () => {
    await h.database.sql`update media_uploads set expires_at = now() - interval '1 second'`;
    await h.database.sql`insert into media (key, filename, content_type, size) values ('tenants/instance1/uploads/2026/01/filler0000000000/f.png', 'f.png', 'image/png', ${QUOTA - 500})`;
    const full = await sign(uploader, 1000);
    expect(full.status).toBe(413);
    expect(full.body.error.code).toBe('payload_too_large');
    expect(full.body.error.message).toContain('left of');
    await h.database.sql`delete from media where key = 'tenants/instance1/uploads/2026/01/filler0000000000/f.png'`;
    await sweepMedia({ db: h.db, store: h.store, now: () => new Date() });
  });
});

describe('a deleted file put back with its old upload URL', () => {
  it('is deleted by every sweep while the URL is usable, and once more after it expired, then the tombstone goes', async () => {
    const signed = await sign(uploader, 300);
    expect(signed.status).toBe(201);
    expect((await put(signed.body, 300)).status).toBe(200);
    const record = (await confirm(signed.body.key, uploader)).body;
    expect((await h.origin(`/api/media/${record.id}`, uploader, { method: 'DELETE' })).status).toBe(204);
    expect(await h.store.head(record.key)).toBeNull();
    expect(await tombstones(record.key)).toBe(1);

    // The URL is still valid and reusable: the object comes back, with no media row and no reservation.
    expect((await put(signed.body, 300, 9)).status).toBe(200);
    expect(await h.store.head(record.key)).not.toBeNull();
    expect((await h.database.sql`select 1 from media where key = ${record.key} union all select 1 from media_uploads where key = ${record.key}`).length).toBe(0);

    // The next sweep deletes it again; the tombstone stays while the URL could still be used.
    const now = await sweepMedia({ db: h.db, store: h.store, now: () => new Date() });
    expect(now).toMatchObject({ restoredRemoved: 1, dropped: 0 });
    expect(await h.store.head(record.key)).toBeNull();
    expect((await h.edge(record.url, uploader)).status).toBe(404);
    expect(await tombstones(record.key)).toBe(1);

    // Put back once more (a PUT started just before the URL expired may land late): the sweep after
    // expiry still removes it, then forgets the key.
    expect((await put(signed.body, 300, 5)).status).toBe(200);
    expect(await sweepMedia({ db: h.db, store: h.store, now: () => later(UPLOAD_URL_TTL_SECONDS) })).toMatchObject({ restoredRemoved: 1, dropped: 0 });
    expect((await put(signed.body, 300, 5)).status).toBe(200);
    expect(await sweepMedia({ db: h.db, store: h.store, now: () => later(URL_OVER) })).toMatchObject({ restoredRemoved: 1, dropped: 1 });
    expect(await h.store.head(record.key)).toBeNull();
    expect(await tombstones(record.key)).toBe(0);
  });

  it('tombstones a refused upload too: its URL cannot put an untracked object back', async () => {
    const signed = await sign(uploader, 200);
    // Something of another length lands under the key (written with the server's own credentials).
    const nowSeconds = Math.floor(Date.now() / 1000);
    const wrong = await presignUpload(s3.settings, { key: signed.body.key, contentType: 'image/png', size: 50, checksum: null, expiresAt: nowSeconds + 60, maxBytes: 50 }, { nowSeconds });
    expect((await put(wrong, 50)).status).toBe(200);
    expect((await confirm(signed.body.key, uploader)).status).toBe(409);
    expect(await tombstones(signed.body.key)).toBe(1);

    expect((await put(signed.body, 200)).status).toBe(200);
    expect((await confirm(signed.body.key, uploader)).status).toBe(404);
    expect(await sweepMedia({ db: h.db, store: h.store, now: () => later(URL_OVER) })).toMatchObject({ restoredRemoved: 1, dropped: 1 });
    expect(await h.store.head(signed.body.key)).toBeNull();
  });

  it('leaves no tombstone for a file whose URL is long over, and never deletes an object a media record owns', async () => {
    const old = await sign(uploader, 20);
    await put(old.body, 20);
    const oldRecord = (await confirm(old.body.key, uploader)).body;
    await h.database.sql`update media set created_at = now() - ${`${URL_OVER} seconds`}::interval where id = ${oldRecord.id}`;
    expect((await h.origin(`/api/media/${oldRecord.id}`, uploader, { method: 'DELETE' })).status).toBe(204);
    expect(await tombstones(oldRecord.key)).toBe(0);

    const kept = await sign(uploader, 20);
    await put(kept.body, 20);
    const keptRecord = (await confirm(kept.body.key, uploader)).body;
    await h.database.sql`insert into media_tombstones (key, expires_at) values (${keptRecord.key}, now() - interval '1 second')`;
    expect(await sweepMedia({ db: h.db, store: h.store, now: () => new Date() })).toMatchObject({ restoredRemoved: 0, dropped: 1 });
    expect(await h.store.head(keptRecord.key)).not.toBeNull();
  });
});

describe('upload signing per user and instance', () => {
  let limited: MediaHarness;
  beforeAll(async () => {
    limited = await startMediaHarness(s3, { instanceId: 'instance2', quotaBytes: QUOTA, planCaps: PLAN_CAPS, signLimiter: memoryLimiter(2, 60_000) });
  });
  afterAll(() => limited?.close());

  it('answers 429 rate_limited past the limit, before any reservation, and leaves other users alone', async () => {
    const signAs = (who: ReturnType<typeof person>) =>
      limited.edge('/_media/uploads', who, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'a.png', contentType: 'image/png', size: 10 }) });
    expect((await signAs(uploader)).status).toBe(201);
    expect((await signAs(uploader)).status).toBe(201);
    const refused = await signAs(uploader);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as SignAnswer).error.code).toBe('rate_limited');
    const reserved = await limited.database.sql<{ n: number }[]>`select count(*)::int as n from media_uploads`;
    expect(reserved[0]!.n).toBe(2);
    expect((await signAs(colleague)).status).toBe(201);
  });
});
