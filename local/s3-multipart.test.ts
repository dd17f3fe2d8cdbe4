// The local S3 server's multipart uploads over real HTTP with SigV4-signed requests: what it joins, and each
// refusal R2 and S3 document (status and error code), so a client that passes here follows R2's rules.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClient } from 'aws4fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './ports.ts';
import { LOCAL_S3_CREDENTIALS, startS3, type LocalS3 } from './s3.ts';

const MiB = 1024 ** 2;
const sha256 = (body: Buffer | string) => createHash('sha256').update(body).digest('hex');
const md5 = (body: Buffer) => createHash('md5').update(body).digest('hex');

let s3: LocalS3;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wikiplatform-s3-multipart-'));
  s3 = await startS3({ port: await freePort(), dataDir: dir, bucket: 'multipart-test' });
});
afterAll(async () => {
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

const client = (secretAccessKey: string = LOCAL_S3_CREDENTIALS.secretAccessKey) => new AwsClient({ accessKeyId: LOCAL_S3_CREDENTIALS.accessKeyId, secretAccessKey, service: 's3', region: 'auto', retries: 0 });
const url = (key: string, query = '') => `${s3.endpoint}/${s3.bucket}/${key}${query}`;
const errorCode = async (res: Response) => /<Code>([^<]+)<\/Code>/.exec(await res.text())?.[1];

async function create(key: string, metadata: Record<string, string> = {}): Promise<string> {
  const headers = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [`x-amz-meta-${k}`, v]));
  const res = await client().fetch(url(key, '?uploads'), { method: 'POST', headers });
  expect(res.status).toBe(200);
  return /<UploadId>([^<]+)<\/UploadId>/.exec(await res.text())![1]!;
}

function putPart(key: string, uploadId: string, partNumber: number | string, body: Buffer, contentSha256 = sha256(body)): Promise<Response> {
  return client().fetch(url(key, `?partNumber=${partNumber}&uploadId=${uploadId}`), { method: 'PUT', body: new Uint8Array(body), headers: { 'x-amz-content-sha256': contentSha256 } });
}

/** Uploads each body as the next part; returns their ETags. */
async function putParts(key: string, uploadId: string, bodies: Buffer[]): Promise<{ number: number; etag: string }[]> {
  const parts = [];
  for (const [i, body] of bodies.entries()) {
    const res = await putPart(key, uploadId, i + 1, body);
    expect(res.status, await res.clone().text()).toBe(200);
    parts.push({ number: i + 1, etag: res.headers.get('etag')! });
  }
  return parts;
}

function complete(key: string, uploadId: string, parts: { number: number; etag: string }[]): Promise<Response> {
  const xml = `<CompleteMultipartUpload>${parts.map((p) => `<Part><PartNumber>${p.number}</PartNumber><ETag>${p.etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  return client().fetch(url(key, `?uploadId=${uploadId}`), { method: 'POST', body: xml, headers: { 'x-amz-content-sha256': sha256(xml) } });
}

const abort = (key: string, uploadId: string) => client().fetch(url(key, `?uploadId=${uploadId}`), { method: 'DELETE' });

async function uploads(prefix = ''): Promise<{ key: string; uploadId: string }[]> {
  const res = await client().fetch(`${s3.endpoint}/${s3.bucket}?uploads&prefix=${encodeURIComponent(prefix)}`);
  expect(res.status).toBe(200);
  const xml = await res.text();
  expect(xml).toContain('<ListMultipartUploadsResult>');
  return [...xml.matchAll(/<Upload><Key>([^<]+)<\/Key><UploadId>([^<]+)<\/UploadId>/g)].map((m) => ({ key: m[1]!, uploadId: m[2]! }));
}

describe('local S3 multipart uploads', () => {
  it('joins parts of one size and a smaller last one into the object, with the metadata given at creation and an S3-style ETag', async () => {
    const bodies = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(MiB + 7)];
    const id = await create('joined/a.dump', { sha256: sha256(Buffer.concat(bodies)) });
    expect(await uploads('joined/')).toEqual([{ key: 'joined/a.dump', uploadId: id }]);
    const parts = await putParts('joined/a.dump', id, bodies);
    expect(parts.map((p) => p.etag)).toEqual(bodies.map((b) => `"${md5(b)}"`));

    const res = await complete('joined/a.dump', id, parts);
    expect(res.status).toBe(200);
    const etag = `"${createHash('md5').update(Buffer.concat(bodies.map((b) => createHash('md5').update(b).digest()))).digest('hex')}-3"`;
    // S3 writes the ETag's quotes as &quot; here.
    expect((await res.text()).replaceAll('&quot;', '"')).toMatch(new RegExp(`<CompleteMultipartUploadResult>.*<Key>joined/a.dump</Key><ETag>${etag}</ETag>`));

    const object = await client().fetch(url('joined/a.dump'));
    expect(object.headers.get('etag')).toBe(etag);
    expect(object.headers.get('x-amz-meta-sha256')).toBe(sha256(Buffer.concat(bodies)));
    expect(Buffer.from(await object.arrayBuffer()).equals(Buffer.concat(bodies))).toBe(true);
    expect(await uploads('joined/')).toEqual([]);
  });

  it('refuses to complete with a part under 5 MiB that is not the last (EntityTooSmall), leaving the upload open', async () => {
    const id = await create('small/a.dump');
    const parts = await putParts('small/a.dump', id, [randomBytes(MiB), randomBytes(MiB)]);
    const res = await complete('small/a.dump', id, parts);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('EntityTooSmall');
    expect(await uploads('small/')).toEqual([{ key: 'small/a.dump', uploadId: id }]);
    expect((await client().fetch(url('small/a.dump'), { method: 'HEAD' })).status).toBe(404);
    expect((await abort('small/a.dump', id)).status).toBe(204);
  });

  it('refuses parts of different sizes, or a last part larger than the others, as R2 does (InvalidPart)', async () => {
    for (const sizes of [[6 * MiB, 5 * MiB, MiB], [5 * MiB, 5 * MiB + 1]]) {
      const id = await create('uneven/a.dump');
      const parts = await putParts('uneven/a.dump', id, sizes.map((n) => randomBytes(n)));
      const res = await complete('uneven/a.dump', id, parts);
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/<Code>InvalidPart<\/Code><Message>All non-trailing parts must have the same length.<\/Message>/);
      expect((await abort('uneven/a.dump', id)).status).toBe(204);
    }
  });

  it('refuses a listed part never uploaded or with another ETag (InvalidPart) and parts out of order (InvalidPartOrder)', async () => {
    const id = await create('listed/a.dump');
    const [one, two] = await putParts('listed/a.dump', id, [randomBytes(5 * MiB), randomBytes(MiB)]);
    for (const parts of [[one!, { number: 3, etag: two!.etag }], [one!, { ...two!, etag: `"${'0'.repeat(32)}"` }]]) {
      const res = await complete('listed/a.dump', id, parts);
      expect([res.status, await errorCode(res)]).toEqual([400, 'InvalidPart']);
    }
    const reversed = await complete('listed/a.dump', id, [two!, one!]);
    expect([reversed.status, await errorCode(reversed)]).toEqual([400, 'InvalidPartOrder']);
    // The upload is still whole after the refusals.
    expect((await complete('listed/a.dump', id, [one!, two!])).status).toBe(200);
  });

  it('refuses a part whose body does not match its x-amz-content-sha256, keeping the part uploaded before', async () => {
    const id = await create('tampered/a.dump');
    const body = randomBytes(MiB);
    const [good] = await putParts('tampered/a.dump', id, [body]);
    const res = await putPart('tampered/a.dump', id, 1, randomBytes(MiB), sha256(randomBytes(16)));
    expect([res.status, await errorCode(res)]).toEqual([400, 'XAmzContentSHA256Mismatch']);
    expect((await complete('tampered/a.dump', id, [good!])).status).toBe(200);
    expect(Buffer.from(await (await client().fetch(url('tampered/a.dump'))).arrayBuffer()).equals(body)).toBe(true);
  });

  it('refuses a part number outside 1 to 10,000 (InvalidArgument)', async () => {
    const id = await create('numbers/a.dump');
    for (const n of ['0', '10001', 'x', '']) {
      const res = await putPart('numbers/a.dump', id, n, randomBytes(10));
      expect([res.status, await errorCode(res)], `partNumber=${n}`).toEqual([400, 'InvalidArgument']);
    }
    expect((await putPart('numbers/a.dump', id, 10_000, randomBytes(10))).status).toBe(200);
    await abort('numbers/a.dump', id);
  });

  it('aborts an upload: its parts go, it is no longer listed, and no object appears', async () => {
    const id = await create('aborted/a.dump');
    const parts = await putParts('aborted/a.dump', id, [randomBytes(5 * MiB), randomBytes(10)]);
    expect((await abort('aborted/a.dump', id)).status).toBe(204);
    expect(await uploads('aborted/')).toEqual([]);
    const late = await complete('aborted/a.dump', id, parts);
    expect([late.status, await errorCode(late)]).toEqual([404, 'NoSuchUpload']);
    expect((await client().fetch(url('aborted/a.dump'), { method: 'HEAD' })).status).toBe(404);
  });

  it('answers NoSuchUpload (404) to a part, a completion or an abort naming an unknown upload or another key', async () => {
    const id = await create('known/a.dump');
    for (const [key, uploadId] of [['known/a.dump', 'f'.repeat(32)], ['known/a.dump', '../../etc'], ['known/other.dump', id]] as const) {
      const part = await putPart(key, uploadId, 1, randomBytes(10));
      expect([part.status, await errorCode(part)], `${key} ${uploadId}`).toEqual([404, 'NoSuchUpload']);
      const done = await complete(key, uploadId, [{ number: 1, etag: '"x"' }]);
      expect([done.status, await errorCode(done)]).toEqual([404, 'NoSuchUpload']);
      const aborted = await abort(key, uploadId);
      expect([aborted.status, await errorCode(aborted)]).toEqual([404, 'NoSuchUpload']);
    }
    await abort('known/a.dump', id);
  });

  it('lists only the in-progress uploads under the prefix, by key', async () => {
    const b = await create('listing/b.dump');
    const a = await create('listing/a.dump');
    await create('elsewhere/c.dump');
    expect(await uploads('listing/')).toEqual([
      { key: 'listing/a.dump', uploadId: a },
      { key: 'listing/b.dump', uploadId: b },
    ]);
  });

  it('checks the signature of multipart requests and refuses unsigned ones', async () => {
    const id = await create('signed/a.dump');
    const forged = await client('not-the-secret').fetch(url('signed/a.dump', `?partNumber=1&uploadId=${id}`), { method: 'PUT', body: 'x', headers: { 'x-amz-content-sha256': sha256('x') } });
    expect([forged.status, await errorCode(forged)]).toEqual([403, 'SignatureDoesNotMatch']);
    const listing = await client('not-the-secret').fetch(`${s3.endpoint}/${s3.bucket}?uploads`);
    expect([listing.status, await errorCode(listing)]).toEqual([403, 'SignatureDoesNotMatch']);
    const unsigned = await fetch(url('signed/a.dump', `?uploadId=${id}`), { method: 'DELETE' });
    expect([unsigned.status, await errorCode(unsigned)]).toEqual([403, 'AccessDenied']);
    expect(await uploads('signed/')).toEqual([{ key: 'signed/a.dump', uploadId: id }]);
  });
});
