// The two storage calls an instance makes itself: HEAD (did the browser's PUT land, as signed?) and
// DELETE. Bodies never pass through here.
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
  return {
    async head(key) {
      const res = await client.fetch(url(key), { method: 'HEAD' });
      if (res.status === 404) return null;
      if (!res.ok) throw new StorageError('HEAD', res.status);
      return {
        size: Number(res.headers.get('content-length') ?? Number.NaN),
        contentType: res.headers.get('content-type') ?? '',
        etag: res.headers.get('etag'),
      };
    },
    async delete(key) {
      const res = await client.fetch(url(key), { method: 'DELETE' });
      await res.body?.cancel();
      if (!res.ok && res.status !== 404) throw new StorageError('DELETE', res.status);
    },
  };
}
