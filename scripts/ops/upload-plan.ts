// How a dump goes to the bucket: one PUT up to a threshold; above it a multipart upload in parts R2 takes
// (5 MiB to 5 GiB, all but the last of one size, the last no larger, at most 10,000). Pure.

export const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
/** A single PUT's limit on S3 and R2. */
export const MAX_SINGLE_PUT_BYTES = 5 * GiB;
export const MIN_PART_BYTES = 5 * MiB;
export const MAX_PART_BYTES = 5 * GiB;
export const MAX_PARTS = 10_000;
/** R2's largest object: 5 TiB less 5 GiB. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 4 - 5 * GiB;
export const DEFAULT_PART_BYTES = 64 * MiB;

export interface UploadOptions {
  /** Files larger than this go up in parts; at most 5 GiB (a single PUT's limit). Default: the part size. */
  multipartAbove?: number;
  /** The part size wanted (default 64 MiB), grown when the file would otherwise need more than 10,000 parts. */
  partSize?: number;
}

/** Bytes [start, end) of the file. */
export interface Part {
  number: number;
  start: number;
  end: number;
}

export type UploadPlan = { kind: 'single-put' } | { kind: 'multipart'; partSize: number; parts: Part[] } | { kind: 'too-large'; limit: number };

export function planUpload(size: number, options: UploadOptions = {}): UploadPlan {
  const wanted = options.partSize ?? DEFAULT_PART_BYTES;
  const threshold = options.multipartAbove ?? wanted;
  if (!Number.isSafeInteger(wanted) || wanted < MIN_PART_BYTES || wanted > MAX_PART_BYTES) throw new TypeError(`partSize must be a whole number of bytes from 5 MiB to 5 GiB (got ${wanted})`);
  if (!Number.isSafeInteger(threshold) || threshold < 0 || threshold > MAX_SINGLE_PUT_BYTES) throw new TypeError(`multipartAbove must be a whole number of bytes up to 5 GiB (got ${threshold})`);
  if (size <= threshold) return { kind: 'single-put' };
  if (size > MAX_OBJECT_BYTES) return { kind: 'too-large', limit: MAX_OBJECT_BYTES };
  // Grown in whole MiBs, so the size reads plainly in the progress line.
  const partSize = Math.max(wanted, Math.ceil(size / MAX_PARTS / MiB) * MiB);
  const parts: Part[] = [];
  for (let start = 0; start < size; start += partSize) parts.push({ number: parts.length + 1, start, end: Math.min(start + partSize, size) });
  return { kind: 'multipart', partSize, parts };
}

/** "64 MiB", "5.5 MiB". */
export function formatMiB(bytes: number): string {
  return `${Number((bytes / MiB).toFixed(2))} MiB`;
}
