// The point of presigned uploads: the file goes from the browser to storage. This counts every byte the
// origin and the edge receive while a 20 MB file is signed, uploaded and confirmed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PresignedUpload } from '#shared/media-contract';
import { startTestS3, type TestS3 } from './local-s3.ts';
import { person, startMediaHarness, type MediaHarness } from './media-harness.ts';

const SIZE = 20 * 1024 * 1024;
let s3: TestS3;
let h: MediaHarness;
const editor = person('edith', 'PRO');

beforeAll(async () => {
  s3 = await startTestS3();
  h = await startMediaHarness(s3);
});
afterAll(async () => {
  await h?.close();
  await s3?.stop();
});

it('carries none of a 20 MB upload through the edge or the origin', async () => {
  const edgeBefore = h.edgeBytesIn();
  const originBefore = h.originBytesIn();

  const signRes = await h.edge('/_media/uploads', editor, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'big.mp4', contentType: 'video/mp4', size: SIZE }),
  });
  expect(signRes.status).toBe(201);
  const signed = (await signRes.json()) as PresignedUpload;
  const put = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: new Uint8Array(SIZE).fill(1) });
  expect(put.status).toBe(200);
  const confirmed = await h.origin('/api/media', editor, { method: 'POST', body: JSON.stringify({ key: signed.key }) });
  expect(confirmed.status).toBe(201);
  expect((await h.store.head(signed.key))?.size).toBe(SIZE);

  const edgeBytes = h.edgeBytesIn() - edgeBefore;
  const originBytes = h.originBytesIn() - originBefore;
  console.log(`20 MB upload: edge received ${edgeBytes} bytes, origin received ${originBytes} bytes, storage holds ${SIZE}`);
  // A few kilobytes of JSON and headers (assertion JWTs included), never the file.
  expect(edgeBytes).toBeGreaterThan(0);
  expect(originBytes).toBeGreaterThan(0);
  expect(edgeBytes).toBeLessThan(16 * 1024);
  expect(originBytes).toBeLessThan(16 * 1024);
});
