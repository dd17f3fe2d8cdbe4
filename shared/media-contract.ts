// The wire shapes of the media flow, between browser, edge and instance origin.
//   browser ─POST /_media/uploads {filename, contentType, size, checksum?}─▶ edge
//   edge ─POST /api/media/uploads/authorize (same body, edge assertion + internal header)─▶ origin
//   origin ─{key, contentType, size, checksum, expiresAt}─▶ edge ─presigned PUT─▶ browser ─PUT─▶ R2
//   browser ─POST /api/media {key}─▶ origin (HEAD on R2, then the media record)
import { z } from 'zod';

export const UploadRequestSchema = z.strictObject({
  // Any text: the server sanitises it into the key; an empty name becomes "file.<ext>".
  filename: z.string().max(1024, 'must be at most 1024 characters'),
  contentType: z.string().min(1, 'is required').max(255, 'must be at most 255 characters'),
  size: z.number('must be a number of bytes').int('must be a whole number of bytes').min(0, 'cannot be negative').max(Number.MAX_SAFE_INTEGER),
  /** Base64 SHA-256 of the file; when given, R2 refuses a body that does not match it. */
  checksum: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be the base64 SHA-256 of the file (44 characters)')
    .optional(),
});
export type UploadRequest = z.infer<typeof UploadRequestSchema>;

/** The origin's answer to the edge: exactly what the edge may sign. */
export const UploadGrantSchema = z.strictObject({
  key: z.string().min(1).max(1024),
  contentType: z.string().min(1).max(255),
  size: z.number().int().min(1),
  checksum: z.string().nullable(),
  /** Unix seconds after which the URL must not be valid. */
  expiresAt: z.number().int(),
  maxBytes: z.number().int(),
});
export type UploadGrant = z.infer<typeof UploadGrantSchema>;

/** What the browser gets from POST /_media/uploads. */
export interface PresignedUpload {
  key: string;
  url: string;
  method: 'PUT';
  /** Send exactly these (the browser adds Content-Length itself); they are inside the signature. */
  headers: Record<string, string>;
  /** ISO time after which the URL is refused by the storage. */
  expiresAt: string;
}

export const CompleteUploadSchema = z.strictObject({
  key: z.string().min(1, 'is required').max(1024),
});

/**
 * Path of the origin's route that only the edge may call: its assertion must carry the `media-authorize`
 * purpose (shared/edge-assertion.ts), which the edge signs only for its own authorize call.
 */
export const MEDIA_AUTHORIZE_PATH = '/api/media/uploads/authorize';

/** Public path of a stored object on an instance host. */
export function mediaPath(key: string): string {
  return `/_media/${key.split('/').map(encodeURIComponent).join('/')}`;
}
