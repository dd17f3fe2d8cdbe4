// Streams one stored object back to a browser from the S3 API. The response says what it is
// (Content-Type as stored), how to treat it (inline only for raster images), and cannot become a page
// of ours: nosniff, a CSP that forbids everything, sandboxed.
import { AwsV4Signer } from 'aws4fetch';
import { objectUrl } from '#shared/media-key';
import { contentDisposition, isInlineSafe, normalizeContentType } from '#shared/media-policy';
import type { S3Settings } from '#shared/s3-settings';

/** Request headers a download passes to storage: ranges and revalidation. */
const FORWARDED_REQUEST_HEADERS = ['range', 'if-none-match', 'if-modified-since', 'if-range', 'if-match', 'if-unmodified-since'];
/** Storage response headers a browser gets back as they are. */
const PASSED_RESPONSE_HEADERS = ['content-length', 'content-range', 'accept-ranges', 'etag', 'last-modified'];

export const MEDIA_CSP = "default-src 'none'; sandbox";
/** Keys are immutable (a random id per upload), but a deleted file should not linger for long in caches. */
export const MEDIA_CACHE_CONTROL = 'private, max-age=3600';

export async function fetchObject(
  storage: S3Settings,
  key: string,
  method: 'GET' | 'HEAD',
  inbound: Headers,
  keyCache?: Map<string, ArrayBuffer>,
): Promise<Response> {
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = inbound.get(name);
    if (value !== null) headers.set(name, value);
  }
  const signer = new AwsV4Signer({
    method,
    url: objectUrl(storage.endpoint, storage.bucket, key),
    headers,
    accessKeyId: storage.accessKeyId,
    secretAccessKey: storage.secretAccessKey,
    service: 's3',
    region: storage.region,
    cache: keyCache,
  });
  const signed = await signer.sign();
  return fetch(signed.url.toString(), { method, headers: signed.headers });
}

export type DownloadOutcome = { ok: true; response: Response } | { ok: false; reason: 'missing' | 'storage_error'; status: number };

/** Turns storage's answer into ours; `filename` is the key's (sanitised) last segment. */
export function downloadResponse(upstream: Response, filename: string): DownloadOutcome {
  const status = upstream.status;
  // 403 too: R2 and S3 answer 403 for a missing key when listing is not granted.
  if (status === 404 || status === 403) return { ok: false, reason: 'missing', status };
  if (![200, 206, 304, 412, 416].includes(status)) return { ok: false, reason: 'storage_error', status };
  const headers = new Headers();
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const stored = normalizeContentType(upstream.headers.get('content-type') ?? '');
  // Whatever was stored, a type a browser would run as a document is downloaded as bytes.
  const type = stored && (isInlineSafe(stored) || !isDocumentType(stored)) ? stored : 'application/octet-stream';
  headers.set('content-type', type);
  headers.set('content-disposition', contentDisposition(type, filename));
  headers.set('x-content-type-options', 'nosniff');
  headers.set('content-security-policy', MEDIA_CSP);
  headers.set('cross-origin-resource-policy', 'same-origin');
  headers.set('cache-control', MEDIA_CACHE_CONTROL);
  if (!headers.has('accept-ranges') && status !== 304) headers.set('accept-ranges', 'bytes');
  const body = status === 304 || status === 412 ? null : upstream.body;
  return { ok: true, response: new Response(body, { status, headers }) };
}

const DOCUMENT_TYPES = /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|.*javascript.*|text\/xsl)$/;

function isDocumentType(type: string): boolean {
  return DOCUMENT_TYPES.test(type);
}
