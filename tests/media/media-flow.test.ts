// The media flow end to end below the browser: edge signing → browser PUT to storage → confirmation →
// list, download, delete, usage, on real Postgres and the real SigV4-checking S3 server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresignedUpload } from '#shared/media-contract';
import { MEDIA_AUTHORIZE_PATH } from '#shared/media-contract';
import { startTestS3, type TestS3 } from './local-s3.ts';
import { person, startMediaHarness, type MediaHarness } from './media-harness.ts';

const MiB = 1024 * 1024;
let s3: TestS3;
let h: MediaHarness;

const editor = person('edith', 'PRO');
const reader = person('rita', 'PRO');
const admin = person('ada', 'ENTERPRISE');
const starter = person('sam', 'STARTER');
const otherEditor = person('otto', 'PRO');

beforeAll(async () => {
  s3 = await startTestS3();
  h = await startMediaHarness(s3);
  await h.setRole(reader, 'reader');
  await h.setRole(admin, 'admin');
});
afterAll(async () => {
  await h?.close();
  await s3?.stop();
});

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function sign(who = editor, description: Record<string, unknown> = {}, host?: string) {
  const res = await h.edge('/_media/uploads', who, { ...json({ filename: 'photo.png', contentType: 'image/png', size: 64, ...description }), host });
  return { status: res.status, body: (await res.json()) as PresignedUpload & { error: { code: string; message: string; requestId: string } } };
}

async function upload(signed: PresignedUpload, body: Uint8Array<ArrayBuffer>) {
  return fetch(signed.url, { method: signed.method, headers: signed.headers, body });
}

async function confirm(key: string, who = editor) {
  const res = await h.origin('/api/media', who, { method: 'POST', body: JSON.stringify({ key }) });
  return { status: res.status, body: (await res.json()) as any };
}

/** Signs, uploads and confirms one file; returns the media record. */
async function stored(filename: string, contentType: string, size: number, who = editor) {
  const signed = await sign(who, { filename, contentType, size });
  expect(signed.status).toBe(201);
  expect((await upload(signed.body, new Uint8Array(size).fill(42))).status).toBe(200);
  const done = await confirm(signed.body.key, who);
  expect(done.status).toBe(201);
  return done.body;
}

describe('signing an upload at the edge', () => {
  it('gives an editor a PUT URL for a key the server chose under the instance uploads prefix', async () => {
    const { status, body } = await sign(editor, { filename: '../../secret/../Holiday photo.png' });
    expect(status).toBe(201);
    expect(body.method).toBe('PUT');
    expect(body.key).toMatch(/^tenants\/instance1\/uploads\/\d{4}\/\d{2}\/[a-f0-9]{32}\/Holiday-photo\.png$/);
    expect(body.headers).toEqual({ 'content-type': 'image/png' });
    const expires = Date.parse(body.expiresAt) - Date.now();
    expect(expires).toBeGreaterThan(9 * 60_000);
    expect(expires).toBeLessThanOrEqual(10 * 60_000);
  });

  it('refuses a reader with 403, and reserves nothing', async () => {
    const before = await h.database.sql`select count(*)::int as n from media_uploads`;
    const { status, body } = await sign(reader);
    expect(status).toBe(403);
    expect(body.error.code).toBe('forbidden');
    const after = await h.database.sql`select count(*)::int as n from media_uploads`;
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('refuses a STARTER user on instance2 with 403 before asking any origin', async () => {
    const originBefore = h.originBytesIn();
    const { status, body } = await sign(starter, {}, 'instance2');
    expect(status).toBe(403);
    expect(body.error.code).toBe('plan_required');
    expect(h.originBytesIn()).toBe(originBefore);
  });

  it('refuses a type outside the allow-list with 415, naming the type', async () => {
    for (const contentType of ['text/html', 'image/svg+xml']) {
      const { status, body } = await sign(editor, { filename: 'x.html', contentType });
      expect(status).toBe(415);
      expect(body.error.message).toContain(contentType);
    }
  });

  it("refuses a file over the plan's cap with 413: 10 MB for STARTER, 100 MB for PRO", async () => {
    expect((await sign(starter, { size: 10 * MiB })).status).toBe(201);
    const over = await sign(starter, { size: 10 * MiB + 1 });
    expect(over.status).toBe(413);
    expect(over.body.error.message).toContain('10 MB');
    expect((await sign(editor, { size: 100 * MiB + 1 })).status).toBe(413);
  });

  it('answers 400 naming the problem for a malformed description', async () => {
    const missing = await sign(editor, { size: undefined });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('size');
    const negative = await sign(editor, { size: -1 });
    expect(negative.body.error.message).toContain('size');
    expect((await sign(editor, { extra: true })).status).toBe(400);
    expect((await sign(editor, { checksum: 'nope' })).body.error.message).toContain('checksum');
    const notJson = await h.edge('/_media/uploads', editor, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    const form = await h.edge('/_media/uploads', editor, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    expect(form.status).toBe(400);
    expect((await sign(editor, { size: 0 })).status).toBe(400);
  });

  it('is not reachable by a browser through the proxy: the authorize route wants an assertion signed for that purpose', async () => {
    const body = JSON.stringify({ filename: 'a.png', contentType: 'image/png', size: 1 });
    // An ordinary assertion, as every proxied request carries: refused, whatever headers come with it.
    expect((await h.origin(MEDIA_AUTHORIZE_PATH, editor, { method: 'POST', body })).status).toBe(404);
    const withOldHeader = await h.origin(MEDIA_AUTHORIZE_PATH, editor, { method: 'POST', body, headers: { 'x-wikiplatform-media-authorize': '1' } });
    expect(withOldHeader.status).toBe(404);
    // The edge's own call signs it for `media-authorize` and is answered.
    expect((await sign(editor, { filename: 'a.png', contentType: 'image/png', size: 1 })).status).toBe(201);
  });

  it('never logs the presigned URL or its signature', async () => {
    await sign(editor);
    const all = [...h.edgeLog, ...h.originLog].join('\n');
    expect(all).not.toContain('X-Amz-Signature');
    expect(all).not.toContain('X-Amz-Credential');
    expect(all).toContain('upload signed');
  });
});

describe('confirming an upload at the instance', () => {
  it('records the file once the object is in storage with the signed size and type', async () => {
    const record = await stored('report.pdf', 'application/pdf', 1000);
    expect(record).toMatchObject({ filename: 'report.pdf', contentType: 'application/pdf', size: 1000, uploadedBy: { name: 'Edith' } });
    expect(record.url).toBe(`/_media/${record.key}`);
    expect(record.markdown).toBe(`[report.pdf](/_media/${record.key})`);
    const image = await stored('Chart 1.png', 'image/png', 10);
    expect(image.markdown).toBe(`![Chart 1](/_media/${image.key})`);
  });

  it('answers 409 while the object has not arrived, and the same record when confirmed twice', async () => {
    const signed = await sign(editor, { size: 5 });
    expect((await confirm(signed.body.key)).status).toBe(409);
    await upload(signed.body, new Uint8Array(5));
    const first = await confirm(signed.body.key);
    const again = await confirm(signed.body.key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it('refuses a confirmation not sent as application/json with 415, and records nothing', async () => {
    const signed = await sign(editor, { size: 5 });
    await upload(signed.body, new Uint8Array(5));
    const body = JSON.stringify({ key: signed.body.key });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await h.origin('/api/media', editor, { method: 'POST', headers: { 'content-type': type }, body });
      expect(res.status, type).toBe(415);
      expect(((await res.json()) as any).error.code).toBe('unsupported_media_type');
    }
    // Nothing was recorded: the first JSON confirmation creates the record.
    expect((await confirm(signed.body.key)).status).toBe(201);
  });

  it("refuses a key outside this instance's prefix, and a key nobody signed for this user", async () => {
    const signed = await sign(editor, { size: 5 });
    await upload(signed.body, new Uint8Array(5));
    const foreign = signed.body.key.replace('tenants/instance1/', 'tenants/instance2/');
    expect((await confirm(foreign)).status).toBe(400);
    expect((await confirm('tenants/instance1/backups/db.sql.gz')).status).toBe(400);
    expect((await confirm(signed.body.key, otherEditor)).status).toBe(404);
  });
});

describe('downloading through the edge', () => {
  it('streams an image inline with its type, ETag, nosniff and a sandboxing CSP', async () => {
    const record = await stored('pic.png', 'image/png', 300);
    const res = await h.edge(record.url, reader);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="pic.png"; filename*=UTF-8''pic.png`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('etag')).toBeTruthy();
    expect((await res.arrayBuffer()).byteLength).toBe(300);

    const again = await h.edge(record.url, reader, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('serves byte ranges', async () => {
    const record = await stored('clip.mp4', 'video/mp4', 1000);
    const res = await h.edge(record.url, reader, { headers: { range: 'bytes=100-199' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect((await res.arrayBuffer()).byteLength).toBe(100);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it("answers 404 for a key of instance1 requested on instance2's host, not 403", async () => {
    const record = await stored('private.png', 'image/png', 10);
    const res = await h.edge(record.url, admin, { host: 'instance2' });
    expect(res.status).toBe(404);
  });

  it('answers 404 for traversal tricks, backups and keys that do not exist', async () => {
    const record = await stored('x.png', 'image/png', 10);
    const encoded = record.url.replace('/uploads/', '/uploads/%2e%2e/');
    expect((await h.edge(encoded, admin)).status).toBe(404);
    expect((await h.edge('/_media/tenants/instance1/backups/2026/04/db.sql.gz', admin)).status).toBe(404);
    expect((await h.edge(record.url.replace(/[a-f0-9]{32}/, 'f'.repeat(32)), admin)).status).toBe(404);
  });
});

describe('listing, deleting and usage', () => {
  it('lists the files newest first with the uploader, to any user of the instance', async () => {
    const record = await stored('newest.txt', 'text/plain', 12);
    const res = await h.origin('/api/media?limit=2', reader);
    const body = (await res.json()) as any;
    expect(res.status).toBe(200);
    expect(body.items[0]).toMatchObject({ id: record.id, filename: 'newest.txt', uploadedBy: { name: 'Edith' } });
    expect(body.items).toHaveLength(2);
    expect(body.next).toBe(body.items[1].id);
  });

  it('lets the uploader delete a file, object included; another editor may not, an admin may', async () => {
    const mine = await stored('mine.png', 'image/png', 10);
    expect((await h.origin(`/api/media/${mine.id}`, otherEditor, { method: 'DELETE' })).status).toBe(403);
    expect((await h.origin(`/api/media/${mine.id}`, editor, { method: 'DELETE' })).status).toBe(204);
    expect(await h.store.head(mine.key)).toBeNull();
    expect((await h.edge(mine.url, editor)).status).toBe(404);
    expect((await h.origin(`/api/media/${mine.id}`, editor, { method: 'DELETE' })).status).toBe(404);

    const theirs = await stored('theirs.png', 'image/png', 10);
    expect((await h.origin(`/api/media/${theirs.id}`, admin, { method: 'DELETE' })).status).toBe(204);
  });

  it('shows storage usage against the quota to admins only', async () => {
    const res = await h.origin('/api/media/usage', admin);
    const usage = (await res.json()) as any;
    expect(res.status).toBe(200);
    const [sum] = await h.database.sql`select coalesce(sum(size),0)::bigint as s, count(*)::int as n from media`;
    expect(usage).toMatchObject({ files: sum!.n, storedBytes: Number(sum!.s), quotaBytes: 1024 * MiB });
    expect(usage.pendingBytes).toBeGreaterThan(0);
    expect((await h.origin('/api/media/usage', editor)).status).toBe(403);
  });
});
