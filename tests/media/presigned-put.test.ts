// The presigned PUT against the real SigV4-checking S3 server: whatever the browser changes, the
// storage itself refuses (403). No part of this is mocked.
import { createHash } from 'node:crypto';
import { AwsClient } from 'aws4fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignUpload } from '../../edge/media/presign-upload.ts';
import type { UploadGrant } from '#shared/media-contract';
import { buildUploadKey, objectUrl } from '#shared/media-key';
import { UPLOAD_URL_TTL_SECONDS } from '#shared/media-policy';
import { startTestS3, type TestS3 } from './local-s3.ts';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3?.stop();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
let counter = 0;

function grantFor(body: Uint8Array<ArrayBuffer>, contentType = 'image/png', filename = 'photo.png', checksum: string | null = null): UploadGrant {
  counter += 1;
  const key = buildUploadKey({
    instanceId: 'instance1',
    filename,
    allowedExtensions: contentType === 'image/png' ? ['png'] : ['txt'],
    randomId: `abcdef0123456789${String(counter).padStart(4, '0')}`,
    now: new Date(),
  });
  return { key, contentType, size: body.byteLength, checksum, expiresAt: nowSeconds() + UPLOAD_URL_TTL_SECONDS, maxBytes: body.byteLength };
}

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);

async function put(url: string, headers: Record<string, string>, body: Uint8Array<ArrayBuffer>) {
  const res = await fetch(url, { method: 'PUT', headers, body });
  const text = await res.text();
  return { status: res.status, text };
}

/** What the storage holds under a key, asked with the server's own credentials. */
function head(key: string) {
  const client = new AwsClient({ accessKeyId: s3.settings.accessKeyId, secretAccessKey: s3.settings.secretAccessKey, service: 's3', region: 'auto' });
  return client.fetch(objectUrl(s3.settings.endpoint, s3.settings.bucket, key), { method: 'HEAD' });
}

describe('presigned upload URLs at the local S3 server', () => {
  it('accept the exact PUT they were signed for, storing the signed type and length', async () => {
    const body = bytes(1234);
    const grant = grantFor(body);
    const signed = await presignUpload(s3.settings, grant, { nowSeconds: nowSeconds() });
    expect(signed.method).toBe('PUT');
    expect(signed.headers).toEqual({ 'content-type': 'image/png' });
    const url = new URL(signed.url);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(UPLOAD_URL_TTL_SECONDS));

    expect((await put(signed.url, signed.headers, body)).status).toBe(200);
    const stored = await head(grant.key);
    expect(stored.status).toBe(200);
    expect(stored.headers.get('content-type')).toBe('image/png');
    expect(stored.headers.get('content-length')).toBe('1234');
  });

  it('refuse a body of a different length', async () => {
    const grant = grantFor(bytes(1000));
    const signed = await presignUpload(s3.settings, grant, { nowSeconds: nowSeconds() });
    const res = await put(signed.url, signed.headers, bytes(1001));
    expect(res.status).toBe(403);
    expect(res.text).toContain('SignatureDoesNotMatch');
    expect((await head(grant.key)).status).toBe(404);
  });

  it('refuse a different content type', async () => {
    const body = bytes(100);
    const grant = grantFor(body);
    const signed = await presignUpload(s3.settings, grant, { nowSeconds: nowSeconds() });
    const res = await put(signed.url, { 'content-type': 'text/html' }, body);
    expect(res.status).toBe(403);
    expect((await head(grant.key)).status).toBe(404);
  });

  it('refuse the same signature used for another key', async () => {
    const body = bytes(100);
    const grant = grantFor(body);
    const signed = await presignUpload(s3.settings, grant, { nowSeconds: nowSeconds() });
    const other = signed.url.replace('/instance1/', '/instance2/');
    expect(other).not.toBe(signed.url);
    expect((await put(other, signed.headers, body)).status).toBe(403);
  });

  it('refuse an expired URL', async () => {
    const body = bytes(100);
    const signedAt = nowSeconds() - UPLOAD_URL_TTL_SECONDS - 5;
    const grant = { ...grantFor(body), expiresAt: signedAt + UPLOAD_URL_TTL_SECONDS };
    const signed = await presignUpload(s3.settings, grant, { nowSeconds: signedAt });
    const res = await put(signed.url, signed.headers, body);
    expect(res.status).toBe(403);
    expect(res.text).toContain('Request has expired');
  });

  it('refuse a tampered signature, and a lengthened expiry', async () => {
    const body = bytes(100);
    const grant = grantFor(body);
    const signed = await presignUpload(s3.settings, grant, { nowSeconds: nowSeconds() });
    const url = new URL(signed.url);
    const sig = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
    expect((await put(url.toString(), signed.headers, body)).status).toBe(403);
    const longer = new URL(signed.url);
    longer.searchParams.set('X-Amz-Expires', '86400');
    expect((await put(longer.toString(), signed.headers, body)).status).toBe(403);
  });

  it('refuse a PUT that drops or changes the signed checksum header', async () => {
    const body = bytes(256, 3);
    const checksum = createHash('sha256').update(body).digest('base64');
    const grant = grantFor(body, 'image/png', 'c.png', checksum);
    const signed = await presignUpload(s3.settings, grant, { nowSeconds: nowSeconds() });
    expect(signed.headers['x-amz-checksum-sha256']).toBe(checksum);
    expect((await put(signed.url, { 'content-type': 'image/png' }, body)).status).toBe(403);
    const wrong = createHash('sha256').update('other').digest('base64');
    expect((await put(signed.url, { ...signed.headers, 'x-amz-checksum-sha256': wrong }, body)).status).toBe(403);
    expect((await put(signed.url, signed.headers, body)).status).toBe(200);
  });

  it('work for keys holding letters of any script', async () => {
    const body = bytes(10);
    const grant = grantFor(body, 'image/png', 'Ünïcödé 日本語 фото.png');
    expect(grant.key).toMatch(/\/Ünïcödé-日本語-фото\.png$/);
    const signed = await presignUpload(s3.settings, grant, { nowSeconds: nowSeconds() });
    expect((await put(signed.url, signed.headers, body)).status).toBe(200);
    expect((await head(grant.key)).status).toBe(200);
  });
});
