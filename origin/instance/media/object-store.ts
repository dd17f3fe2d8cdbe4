// The storage calls an instance makes itself: HEAD (did the browser's PUT land, as signed?), DELETE, GET
// for a wiki export and PUT for a wiki import (the only times file bytes pass through an origin: uploads
// and downloads do not).
import { AwsClient } from 'aws4fetch';
import { objectUrl } from '#shared/media-key';
import type { S3Settings } from '#shared/s3-settings';

export interface StoredObject {
  size: number;
  contentType: string;
  etag: string | null;
}

export interface ObjectStore {
  head(key: string): Promise<StoredObject | null>;
  /** The object's bytes as a stream, unread; null when there is no such object. */
  get(key: string): Promise<(StoredObject & { body: ReadableStream<Uint8Array> }) | null>;
  /** Stores bytes the origin holds (a wiki import's files); answers the object's ETag. */
  put(key: string, body: Uint8Array, contentType: string): Promise<{ etag: string | null }>;
  /** Idempotent: deleting a missing object succeeds, as in S3. */
  delete(key: string): Promise<void>;
}

export class StorageError extends Error {
  constructor(readonly operation: string, readonly status: number) {
    super(`storage ${operation} failed with HTTP ${status}`);
    this.name = 'StorageError';
  }
}

export function createObjectStore(storage: S3Settings): ObjectStore {
  const client = new AwsClient({
    accessKeyId: storage.accessKeyId,
    secretAccessKey: storage.secretAccessKey,
    service: 's3',
    region: storage.region,
    retries: 2,
  });
  const url = (key: string) => objectUrl(storage.endpoint, storage.bucket, key);
  const described = (res: Response): StoredObject => ({
    size: Number(res.headers.get('content-length') ?? Number.NaN),
    contentType: res.headers.get('content-type') ?? '',
    etag: res.headers.get('etag'),
  });
  return {
    async head(key) {
      const res = await client.fetch(url(key), { method: 'HEAD' });
      if (res.status === 404) return null;
      if (!res.ok) throw new StorageError('HEAD', res.status);
      return described(res);
    },
    async get(key) {
      const res = await client.fetch(url(key));
      if (res.status === 404 || !res.body) {
        await res.body?.cancel();
        return null;
      }
      if (!res.ok) {
        await res.body.cancel();
        throw new StorageError('GET', res.status);
      }
      return { ...described(res), body: res.body };
    },
    async put(key, body, contentType) {
      // aws4fetch signs the payload's sha256, so storage refuses bytes altered on the way.
      const res = await client.fetch(url(key), { method: 'PUT', headers: { 'content-type': contentType }, body: body as Uint8Array<ArrayBuffer> });
      await res.body?.cancel();
      if (!res.ok) throw new StorageError('PUT', res.status);
      return { etag: res.headers.get('etag') };
    },
    async delete(key) {
      const res = await client.fetch(url(key), { method: 'DELETE' });
      await res.body?.cancel();
      if (!res.ok && res.status !== 404) throw new StorageError('DELETE', res.status);
    },
  };
}
