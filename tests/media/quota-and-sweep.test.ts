// The instance's storage quota counts stored files and uploads in flight; abandoned uploads are swept,
// stray objects included, and stop counting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresignedUpload } from '#shared/media-contract';
import { PENDING_GRACE_SECONDS, UPLOAD_URL_TTL_SECONDS } from '#shared/media-policy';
import { sweepAbandonedUploads } from '../../origin/instance/media/sweeper.ts';
import { startTestS3, type TestS3 } from './local-s3.ts';
import { person, startMediaHarness, type MediaHarness } from './media-harness.ts';

let s3: TestS3;
let h: MediaHarness;
const editor = person('edith', 'PRO');

beforeAll(async () => {
  s3 = await startTestS3();
  h = await startMediaHarness(s3, { quotaBytes: 1000 });
});
afterAll(async () => {
  await h?.close();
  await s3?.stop();
});

async function sign(size: number) {
  const res = await h.edge('/_media/uploads', editor, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'a.png', contentType: 'image/png', size }),
  });
  return { status: res.status, body: (await res.json()) as PresignedUpload & { error: { message: string; details: any } } };
}

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

describe('the instance storage quota', () => {
  it('counts uploads in flight, so two signatures cannot share the last free bytes', async () => {
    expect((await sign(600)).status).toBe(201);
    const second = await sign(600);
    expect(second.status).toBe(413);
    expect(second.body.error.details).toMatchObject({ quotaBytes: 1000, usedBytes: 600 });
    expect(second.body.error.message).toContain('left of');
    expect((await sign(400)).status).toBe(201);
  });

  it('is freed by the sweep once abandoned uploads outlive their URL, which also deletes objects that landed', async () => {
    const landed = await h.database.sql<{ key: string }[]>`select key from media_uploads order by id limit 1`;
    const key = landed[0]!.key;
    // One of the reservations did receive its bytes (signed here with the server's credentials).
    const { presignUpload } = await import('../../edge/media/presign-upload.ts');
    const signed = await presignUpload(s3.settings, { key, contentType: 'image/png', size: 600, checksum: null, expiresAt: Math.floor(Date.now() / 1000) + 60, maxBytes: 600 }, { nowSeconds: Math.floor(Date.now() / 1000) });
    expect((await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: new Uint8Array(600) })).status).toBe(200);
    expect(await h.store.head(key)).not.toBeNull();

    // Not yet: the URL may still be in use.
    expect(await sweepAbandonedUploads({ db: h.db, store: h.store, now: () => later(UPLOAD_URL_TTL_SECONDS) })).toBe(0);
    const removed = await sweepAbandonedUploads({ db: h.db, store: h.store, now: () => later(UPLOAD_URL_TTL_SECONDS + PENDING_GRACE_SECONDS + 1) });
    expect(removed).toBe(2);
    expect(await h.store.head(key)).toBeNull();
    const left = await h.database.sql`select count(*)::int as n from media_uploads`;
    expect(left[0]!.n).toBe(0);
    expect((await sign(1000)).status).toBe(201);
  });

  it('keeps a reservation whose object cannot be deleted, for the next sweep', async () => {
    const failing = { head: h.store.head, delete: async () => Promise.reject(new Error('storage down')) };
    const errors: string[] = [];
    const removed = await sweepAbandonedUploads({ db: h.db, store: failing, now: () => later(UPLOAD_URL_TTL_SECONDS + PENDING_GRACE_SECONDS + 1), onError: (k) => errors.push(k) });
    expect(removed).toBe(0);
    expect(errors).toHaveLength(1);
    const left = await h.database.sql`select count(*)::int as n from media_uploads`;
    expect(left[0]!.n).toBe(1);
  });
});
