// The bucket calls the backup commands make (R2 through its S3 API, or any S3): list, head, streamed
// upload and download, delete. Every request is signed in headers with aws4fetch; no URL is presigned, so
// nothing printed can carry a signature. Errors name the operation, the key and S3's error code, never a
// credential.
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AwsClient } from 'aws4fetch';
import { objectUrl } from '#shared/media-key';
import type { S3Settings } from '#shared/s3-settings';
import { hashingStream } from './hashing-stream.ts';
import { parseListObjectsV2, s3ErrorCode, type ListedObject } from './s3-xml.ts';

/** A single PUT's limit on S3 and R2 (5 GiB); larger dumps would need a multipart upload. */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

export interface StoredBackup {
  size: number;
  /** x-amz-meta-* headers, names without the prefix (sha256, pg-dump-version, …). */
  metadata: Record<string, string>;
}

export interface Transfer {
  size: number;
  sha256: string;
}

export interface BackupStore {
  /** Every object under the prefix, across pages. */
  list(prefix: string): Promise<ListedObject[]>;
  head(key: string): Promise<StoredBackup | null>;
  /** Streams the file up; its sha256 signs the payload, so the bucket refuses a body that changed on the way. */
  upload(key: string, file: string, content: Transfer, metadata: Record<string, string>, onProgress?: (bytes: number) => void): Promise<void>;
  /** Streams the object into `file` (created 0600, must not exist), hashing it on the way. */
  download(key: string, file: string, onProgress?: (bytes: number) => void): Promise<Transfer & StoredBackup>;
  /** Idempotent, as in S3. */
  delete(key: string): Promise<void>;
}

export class StoreError extends Error {
  constructor(operation: string, key: string, status: number, code: string | null) {
    super(`storage ${operation} ${key} failed: HTTP ${status}${code ? ` ${code}` : ''}`);
    this.name = 'StoreError';
  }
}

export function createBackupStore(settings: S3Settings): BackupStore {
  const client = new AwsClient({
    accessKeyId: settings.accessKeyId,
    secretAccessKey: settings.secretAccessKey,
    service: 's3',
    region: settings.region,
    retries: 2,
  });
  const url = (key: string) => objectUrl(settings.endpoint, settings.bucket, key);
  const fail = async (operation: string, key: string, res: Response): Promise<never> => {
    throw new StoreError(operation, key, res.status, s3ErrorCode(await res.text().catch(() => '')));
  };

  return {
    async list(prefix) {
      const objects: ListedObject[] = [];
      let token: string | null = null;
      do {
        const query = new URLSearchParams({ 'list-type': '2', prefix });
        if (token) query.set('continuation-token', token);
        const res = await client.fetch(`${settings.endpoint}/${encodeURIComponent(settings.bucket)}?${query}`);
        if (!res.ok) await fail('LIST', prefix, res);
        const page = parseListObjectsV2(await res.text());
        objects.push(...page.objects);
        token = page.nextContinuationToken;
      } while (token);
      return objects;
    },

    async head(key) {
      const res = await client.fetch(url(key), { method: 'HEAD' });
      if (res.status === 404) return null;
      if (!res.ok) await fail('HEAD', key, res);
      return { size: Number(res.headers.get('content-length')), metadata: metadataOf(res.headers) };
    },

    async upload(key, file, content, metadata, onProgress) {
      if (content.size > MAX_SINGLE_PUT_BYTES) throw new Error(`${key}: ${content.size} bytes is more than a single upload takes (5 GiB); multipart upload is not implemented`);
      const headers: Record<string, string> = {
        'content-type': 'application/octet-stream',
        'content-length': String(content.size),
        // The real hash instead of UNSIGNED-PAYLOAD: S3 and R2 check the body against it.
        'x-amz-content-sha256': content.sha256,
      };
      for (const [name, value] of Object.entries(metadata)) headers[`x-amz-meta-${name}`] = value;
      // Not through client.fetch's retries: a stream is spent after one attempt, so each try opens the file anew.
      for (let attempt = 1; ; attempt += 1) {
        const body = Readable.toWeb(Readable.from(counted(file, onProgress))) as ReadableStream<Uint8Array>;
        const res = await fetch(await client.sign(url(key), { method: 'PUT', headers, body }));
        if (res.ok) {
          await res.body?.cancel();
          return;
        }
        if (attempt >= 3 || (res.status < 500 && res.status !== 429)) await fail('PUT', key, res);
        await res.body?.cancel();
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    },

    async download(key, file, onProgress) {
      const res = await client.fetch(url(key));
      if (!res.ok || !res.body) await fail('GET', key, res);
      const hashing = hashingStream(onProgress);
      await pipeline(Readable.fromWeb(res.body as never), hashing.stream, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      return { ...hashing.result(), metadata: metadataOf(res.headers) };
    },

    async delete(key) {
      const res = await client.fetch(url(key), { method: 'DELETE' });
      if (!res.ok && res.status !== 404) await fail('DELETE', key, res);
      await res.body?.cancel();
    },
  };
}

function metadataOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name.startsWith('x-amz-meta-')) out[name.slice('x-amz-meta-'.length)] = value;
  });
  return out;
}

/** The file's bytes, reporting the running total; a read error fails the upload. */
async function* counted(file: string, onProgress?: (bytes: number) => void): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    total += chunk.length;
    onProgress?.(total);
    yield chunk;
  }
}
