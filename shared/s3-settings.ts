// Where media objects live: the S3_* variables the edge and the instance origins both read (R2's S3 API
// in production, the local SigV4-checking server in development). Parsed once, with readable errors.
import { z } from 'zod';
import { formatIssues } from './format-issues.ts';

export interface S3Settings {
  /** Base URL without the bucket (path-style addressing): https://<account>.r2.cloudflarestorage.com */
  endpoint: string;
  bucket: string;
  /** "auto" for R2. */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const S3EnvSchema = z.object({
  S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL like https://<account>.r2.cloudflarestorage.com' }),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name (3-63 lower-case letters, digits, dots, dashes)'),
  S3_REGION: z.preprocess((v) => (v === '' || v === undefined ? 'auto' : v), z.string().min(1)),
  S3_ACCESS_KEY_ID: z.string().min(1, 'is required'),
  S3_SECRET_ACCESS_KEY: z.string().min(1, 'is required'),
});

/** On failure: `message` for a log or an error page, `problems` one line per variable ("S3_BUCKET: must be …"). */
export type S3SettingsResult = { ok: true; settings: S3Settings } | { ok: false; message: string; problems: string[] };

/** Reads S3_* from an env-like record. Messages name variables, never values (one of them is a secret). */
export function loadS3Settings(env: Readonly<Record<string, unknown>>): S3SettingsResult {
  const parsed = S3EnvSchema.safeParse({
    S3_ENDPOINT: env.S3_ENDPOINT,
    S3_BUCKET: env.S3_BUCKET,
    S3_REGION: env.S3_REGION,
    S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID,
    S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY,
  });
  if (!parsed.success) {
    return { ok: false, message: formatIssues('media storage configuration', parsed.error.issues), problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  }
  const v = parsed.data;
  return {
    ok: true,
    settings: {
      endpoint: v.S3_ENDPOINT.replace(/\/+$/, ''),
      bucket: v.S3_BUCKET,
      region: v.S3_REGION,
      accessKeyId: v.S3_ACCESS_KEY_ID,
      secretAccessKey: v.S3_SECRET_ACCESS_KEY,
    },
  };
}
