// Presigns the one PUT an upload grant allows. Content-Type, Content-Length and (when given) the
// SHA-256 checksum are signed headers, so R2 refuses any other type, length or body; the key is in
// the signed path and the expiry in the signed query.
import { AwsV4Signer } from 'aws4fetch';
import type { PresignedUpload, UploadGrant } from '#shared/media-contract';
import { objectUrl } from '#shared/media-key';
import { UPLOAD_URL_TTL_SECONDS } from '#shared/media-policy';
import type { S3Settings } from '#shared/s3-settings';

/** SigV4's timestamp form: 20260426T101500Z. */
export function amzDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/[:-]|\.\d{3}/g, '');
}

export interface PresignOptions {
  /** Signing time, Unix seconds (tests sign in the past to get an expired URL). */
  nowSeconds: number;
  /** aws4fetch's derived-key cache: one HMAC chain per day instead of four HMACs per URL. */
  keyCache?: Map<string, ArrayBuffer>;
}

export async function presignUpload(storage: S3Settings, grant: UploadGrant, options: PresignOptions): Promise<PresignedUpload> {
  const { nowSeconds } = options;
  const ttl = Math.max(1, Math.min(UPLOAD_URL_TTL_SECONDS, grant.expiresAt - nowSeconds));
  const url = new URL(objectUrl(storage.endpoint, storage.bucket, grant.key));
  url.searchParams.set('X-Amz-Expires', String(ttl));
  const headers: Record<string, string> = { 'content-type': grant.contentType, 'content-length': String(grant.size) };
  if (grant.checksum) headers['x-amz-checksum-sha256'] = grant.checksum;
  const signer = new AwsV4Signer({
    method: 'PUT',
    url: url.toString(),
    headers,
    accessKeyId: storage.accessKeyId,
    secretAccessKey: storage.secretAccessKey,
    service: 's3',
    region: storage.region,
    cache: options.keyCache,
    datetime: amzDate(nowSeconds),
    signQuery: true,
    // Without this, aws4fetch leaves content-type and content-length out of the signature.
    allHeaders: true,
  });
  const signed = await signer.sign();
  // The browser sets Content-Length itself (scripts may not); it still has to match the signed value.
  const { 'content-length': _length, ...browserHeaders } = headers;
  return {
    key: grant.key,
    url: signed.url.toString(),
    method: 'PUT',
    headers: browserHeaders,
    expiresAt: new Date((nowSeconds + ttl) * 1000).toISOString(),
  };
}
