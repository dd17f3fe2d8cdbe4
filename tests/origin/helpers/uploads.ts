// An upload as a browser makes it, against a harness started with `media: true`: the instance grants a
// key (the edge's authorize call), the bytes go to the SigV4-checking storage, the instance confirms.
import { AwsClient } from 'aws4fetch';
import { expect } from 'vitest';
import type { Identity } from '#shared/identity';
import { MEDIA_AUTHORIZE_PATH } from '#shared/media-contract';
import { objectUrl } from '#shared/media-key';
import type { InstanceHarness } from './instance-harness.ts';

export interface Uploaded {
  id: number;
  key: string;
  filename: string;
  size: number;
}

/** A storage client with the harness's credentials (what the edge signs with). */
export function storageClient(h: InstanceHarness): AwsClient {
  const s = h.s3!.settings;
  return new AwsClient({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, service: 's3', region: s.region });
}

export const objectAt = (h: InstanceHarness, key: string) => objectUrl(h.s3!.settings.endpoint, h.s3!.settings.bucket, key);

/** `body`: the bytes, or a size to fill with sevens. */
export async function uploadFile(h: InstanceHarness, who: Identity, filename: string, contentType: string, body: Uint8Array<ArrayBuffer> | number): Promise<Uploaded> {
  const bytes = typeof body === 'number' ? new Uint8Array(body).fill(7) : body;
  const grant = await h.api(MEDIA_AUTHORIZE_PATH, { method: 'POST', as: who, purpose: 'media-authorize', body: { filename, contentType, size: bytes.length } });
  expect(grant.status).toBe(201);
  const put = await storageClient(h).fetch(objectAt(h, grant.body.key), { method: 'PUT', headers: { 'content-type': contentType }, body: bytes });
  expect(put.status).toBe(200);
  const confirmed = await h.api('/api/media', { method: 'POST', as: who, body: { key: grant.body.key } });
  expect(confirmed.status).toBe(201);
  return { id: confirmed.body.id, key: confirmed.body.key, filename, size: bytes.length };
}
