// What may be uploaded, how big, and how it is served back. Pure: the edge and the instance origin both
// decide with these tables, so a type allowed at signing is the type recorded and served.
import type { Plan } from './plan-matrix.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export interface MediaType {
  /** Extensions accepted for this type; the first is the one appended when a filename has none of them. */
  extensions: readonly string[];
  /** Shown inline when opened directly. Only raster images: they cannot carry script. */
  inline: boolean;
}

/**
 * The allow-list. Absent on purpose: text/html, image/svg+xml, application/xhtml+xml, JavaScript and
 * anything else a browser could execute on our origin.
 */
export const MEDIA_TYPES: Readonly<Record<string, MediaType>> = {
  'image/png': { extensions: ['png'], inline: true },
  'image/jpeg': { extensions: ['jpg', 'jpeg'], inline: true },
  'image/gif': { extensions: ['gif'], inline: true },
  'image/webp': { extensions: ['webp'], inline: true },
  'image/avif': { extensions: ['avif'], inline: true },
  'application/pdf': { extensions: ['pdf'], inline: false },
  'text/plain': { extensions: ['txt', 'log'], inline: false },
  'text/markdown': { extensions: ['md', 'markdown'], inline: false },
  'text/csv': { extensions: ['csv'], inline: false },
  'application/msword': { extensions: ['doc'], inline: false },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { extensions: ['docx'], inline: false },
  'application/vnd.ms-excel': { extensions: ['xls'], inline: false },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { extensions: ['xlsx'], inline: false },
  'application/vnd.ms-powerpoint': { extensions: ['ppt'], inline: false },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { extensions: ['pptx'], inline: false },
  'application/vnd.oasis.opendocument.text': { extensions: ['odt'], inline: false },
  'application/vnd.oasis.opendocument.spreadsheet': { extensions: ['ods'], inline: false },
  'application/vnd.oasis.opendocument.presentation': { extensions: ['odp'], inline: false },
  'video/mp4': { extensions: ['mp4', 'm4v'], inline: false },
  'video/webm': { extensions: ['webm'], inline: false },
  'video/quicktime': { extensions: ['mov'], inline: false },
};

/** Largest single upload per plan (configuration may replace it: MEDIA_PLAN_CAPS). */
export type PlanCaps = Readonly<Record<Plan, number>>;
export const DEFAULT_PLAN_CAPS: PlanCaps = { STARTER: 10 * MiB, PRO: 100 * MiB, ENTERPRISE: 1 * GiB };

/** Storage one instance may hold, uploads in flight included (configuration: MEDIA_QUOTA_BYTES). */
export const DEFAULT_INSTANCE_QUOTA_BYTES = 5 * GiB;

/** Lifetime of a presigned PUT URL: long enough for a slow 1 GB upload to start, short enough to be useless if leaked. */
export const UPLOAD_URL_TTL_SECONDS = 600;

/**
 * A pending upload outlives its URL by this much before the sweeper removes it, so a PUT that started
 * just before the URL expired can still be completed.
 */
export const PENDING_GRACE_SECONDS = 15 * 60;

/** Lower-case, parameters dropped: `Image/PNG; charset=x` → `image/png`. The signed header carries this form. */
export function normalizeContentType(value: string): string {
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}

export function mediaTypeOf(contentType: string): MediaType | undefined {
  const type = normalizeContentType(contentType);
  return Object.hasOwn(MEDIA_TYPES, type) ? MEDIA_TYPES[type] : undefined;
}

/** The cap for a plan; platform admins without a plan get the largest. Null: this subject may not upload. */
export function uploadCapFor(plan: Plan | null, platformAdmin: boolean, caps: PlanCaps = DEFAULT_PLAN_CAPS): number | null {
  if (plan) return caps[plan];
  return platformAdmin ? Math.max(...Object.values(caps)) : null;
}

export type UploadRefusal =
  | { reason: 'empty_file' }
  | { reason: 'type_not_allowed'; contentType: string }
  | { reason: 'over_plan_cap'; capBytes: number }
  | { reason: 'no_plan' };

/** Checks type and size of a requested upload against the allow-list and the cap. Quota is checked where usage is known. */
export function checkUpload(input: { contentType: string; size: number; capBytes: number | null }): UploadRefusal | null {
  const type = normalizeContentType(input.contentType);
  if (!mediaTypeOf(type)) return { reason: 'type_not_allowed', contentType: type };
  if (input.capBytes === null) return { reason: 'no_plan' };
  if (input.size <= 0) return { reason: 'empty_file' };
  if (input.size > input.capBytes) return { reason: 'over_plan_cap', capBytes: input.capBytes };
  return null;
}

/** A byte count a person reads: 10485760 → "10 MB" (binary units, as the caps are defined). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = unit === 0 || Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${rounded} ${units[unit]}`;
}

/** Types never rendered by the browser from our origin, whatever the allow-list says today. */
const NEVER_INLINE = new Set(['text/html', 'application/xhtml+xml', 'image/svg+xml', 'text/xml', 'application/xml', 'text/javascript', 'application/javascript']);

/** Inline only for allow-listed raster images; everything else downloads. */
export function isInlineSafe(contentType: string): boolean {
  const type = normalizeContentType(contentType);
  if (NEVER_INLINE.has(type)) return false;
  return mediaTypeOf(type)?.inline === true;
}

/**
 * A Content-Disposition value. RFC 6266: an ASCII `filename` for old clients and an RFC 5987
 * `filename*` carrying the real (UTF-8) name. The name is already a sanitised key segment.
 */
export function contentDisposition(contentType: string, filename: string): string {
  const kind = isInlineSafe(contentType) ? 'inline' : 'attachment';
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
