// Worker script for bench/presign.ts: runs N presigns (or N baseline HMACs) inside workerd per request.
// workerd freezes Date.now() while code runs without I/O, so the caller times requests from outside.
import { presignUpload } from '../edge/media/presign-upload.ts';
import type { S3Settings } from '../shared/s3-settings.ts';

const storage: S3Settings = {
  endpoint: 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com',
  bucket: 'wikiplatform-media',
  region: 'auto',
  accessKeyId: 'AKIDEXAMPLE0123456789',
  secretAccessKey: 'bench-secret-not-a-credential-0123456789',
};
const keyCache = new Map<string, ArrayBuffer>();
const encoder = new TextEncoder();
let hmacKey: CryptoKey | undefined;

export async function presignMany(n: number, nowSeconds: number): Promise<number> {
  let length = 0;
  for (let i = 0; i < n; i += 1) {
    const key = `tenants/instance1/uploads/2026/04/${(i + 1e15).toString(16).padStart(32, '0')}/photo.png`;
    const signed = await presignUpload(storage, { key, contentType: 'image/png', size: 1_048_576, checksum: null, expiresAt: nowSeconds + 600, maxBytes: 1_048_576 }, { nowSeconds, keyCache });
    length += signed.url.length;
  }
  return length;
}

/** Baseline: one bare HMAC-SHA256 with an already imported key over a string-to-sign of the same shape. */
export async function hmacMany(n: number, nowSeconds: number): Promise<number> {
  hmacKey ??= await crypto.subtle.importKey('raw', encoder.encode('AWS4bench-secret'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  let length = 0;
  for (let i = 0; i < n; i += 1) {
    const stringToSign = `AWS4-HMAC-SHA256\n${nowSeconds}\n20260426/auto/s3/aws4_request\n${(i + 1e15).toString(16).padStart(64, '0')}`;
    length += (await crypto.subtle.sign('HMAC', hmacKey, encoder.encode(stringToSign))).byteLength;
  }
  return length;
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n') ?? 1000);
    const now = Math.floor(Date.now() / 1000);
    const out = url.searchParams.get('mode') === 'hmac' ? await hmacMany(n, now) : await presignMany(n, now);
    return new Response(String(out));
  },
};
