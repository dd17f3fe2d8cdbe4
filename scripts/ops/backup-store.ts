// The bucket calls the backup commands make (R2 through its S3 API, or any S3): list, head, upload (one
// streamed PUT, or a multipart upload above a threshold: multipart-upload.ts), streamed download, delete.
// Every request is signed in headers with aws4fetch; no URL is presigned, so nothing printed can carry a
// signature. Each is retried on a network error, a 5xx or a 429 (bucket-request.ts). Errors name the
// operation, the key (and part) and S3's error code or the network's reason, never a credential.
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AwsClient } from 'aws4fetch';
import { objectUrl } from '#shared/media-key';
import type { S3Settings } from '#shared/s3-settings';
import { refused, sendWithRetries } from './bucket-request.ts';
import { rangeBody } from './file-range.ts';
import { hashingStream } from './hashing-stream.ts';
import { uploadInParts } from './multipart-upload.ts';
import { parseListObjectsV2, type ListedObject } from './s3-xml.ts';
import { planUpload, type UploadOptions, type UploadPlan } from './upload-plan.ts';

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
  /** How `upload` sends a file of `size` bytes: one PUT, or a multipart upload in these parts. */
  planUpload(size: number): UploadPlan;
  /**
   * Streams the file up with `metadata` on the object. Each request is signed with the sha256 of the bytes it
   * carries (the whole dump's, or a part's), so the bucket refuses a body that changed on the way.
   */
  upload(key: string, file: string, content: Transfer, metadata: Record<string, string>, onProgress?: (bytes: number) => void): Promise<void>;
  /** Streams the object into `file` (created 0600, must not exist), hashing it on the way. */
  download(key: string, file: string, onProgress?: (bytes: number) => void): Promise<Transfer & StoredBackup>;
  /** Idempotent, as in S3. */
  delete(key: string): Promise<void>;
}

/** `options` sets when and how dumps go up in parts (tests lower the threshold); defaults in upload-plan.ts. */
export function createBackupStore(settings: S3Settings, options: UploadOptions = {}): BackupStore {
  // Retries are sendWithRetries', which also retries when the network fails.
  const client = new AwsClient({
    accessKeyId: settings.accessKeyId,
    secretAccessKey: settings.secretAccessKey,
    service: 's3',
    region: settings.region,
    retries: 0,
  });
  const url = (key: string) => objectUrl(settings.endpoint, settings.bucket, key);
  const send = (operation: string, key: string, target: string, init?: RequestInit) => sendWithRetries(operation, key, () => client.fetch(target, init));
  // Checked before anything is dumped, so a bad option fails at once.
  planUpload(0, options);

  return {
    async list(prefix) {
      const objects: ListedObject[] = [];
      let token: string | null = null;
      do {
        const query = new URLSearchParams({ 'list-type': '2', prefix });
        if (token) query.set('continuation-token', token);
        const res = await send('LIST', prefix, `${settings.endpoint}/${encodeURIComponent(settings.bucket)}?${query}`);
        if (!res.ok) await refused('LIST', prefix, res);
        const page = parseListObjectsV2(await res.text());
        objects.push(...page.objects);
        token = page.nextContinuationToken;
      } while (token);
      return objects;
    },

    async head(key) {
      const res = await send('HEAD', key, url(key), { method: 'HEAD' });
      if (res.status === 404) return null;
      if (!res.ok) await refused('HEAD', key, res);
      return { size: Number(res.headers.get('content-length')), metadata: metadataOf(res.headers) };
    },

    planUpload: (size) => planUpload(size, options),

    async upload(key, file, content, metadata, onProgress) {
      const plan = planUpload(content.size, options);
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
      for (const [name, value] of Object.entries(metadata)) headers[`x-amz-meta-${name}`] = value;
      switch (plan.kind) {
        case 'too-large':
          throw new Error(`${key}: ${content.size} bytes is more than R2 stores in one object (${plan.limit} bytes, 5 TiB less 5 GiB)`);
        case 'multipart':
          return uploadInParts({ client, url: url(key), key, file, sha256: content.sha256, parts: plan.parts, headers, onProgress });
        case 'single-put': {
          // The real hash instead of UNSIGNED-PAYLOAD: S3 and R2 check the body against it.
          const put = { ...headers, 'content-length': String(content.size), 'x-amz-content-sha256': content.sha256 };
          // Not client.fetch: a stream is spent after one try, so each try opens the file anew.
          const res = await sendWithRetries('PUT', key, async () => fetch(await client.sign(url(key), { method: 'PUT', headers: put, body: rangeBody(file, 0, content.size, onProgress) })));
          if (!res.ok) await refused('PUT', key, res);
          await res.body?.cancel();
        }
      }
    },

    async download(key, file, onProgress) {
      const res = await send('GET', key, url(key));
      if (!res.ok || !res.body) await refused('GET', key, res);
      const hashing = hashingStream(onProgress);
      await pipeline(Readable.fromWeb(res.body as never), hashing.stream, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      return { ...hashing.result(), metadata: metadataOf(res.headers) };
    },

    async delete(key) {
      const res = await send('DELETE', key, url(key), { method: 'DELETE' });
      if (!res.ok && res.status !== 404) await refused('DELETE', key, res);
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
