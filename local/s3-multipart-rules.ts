// What R2 refuses in a multipart upload, in the words of S3's and R2's documentation: part numbers 1 to
// 10,000, parts of at most 5 GiB, parts listed in ascending order with the ETags their uploads returned,
// every part but the last at least 5 MiB (S3), all of one size with the last no larger (R2's own rule,
// checked at completion). Pure; local/s3-multipart.ts applies it to requests.
import { createHash } from 'node:crypto';

export const MIN_PART_BYTES = 5 * 1024 ** 2;
export const MAX_PART_BYTES = 5 * 1024 ** 3;
export const MAX_PART_NUMBER = 10_000;

/** An S3 error answer: its code, HTTP status, message and the detail elements S3 adds to the document. */
export interface S3Refusal {
  code: string;
  status: number;
  message: string;
  detail?: Record<string, string | number>;
}

export interface ListedPart {
  number: number;
  etag: string;
}

export interface StoredPart {
  size: number;
  etag: string;
}

export function partNumberRefusal(value: unknown): S3Refusal | null {
  const text = typeof value === 'string' ? value : '';
  const n = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (n >= 1 && n <= MAX_PART_NUMBER) return null;
  return {
    code: 'InvalidArgument',
    status: 400,
    message: `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
    detail: { ArgumentName: 'partNumber', ArgumentValue: text },
  };
}

export function partSizeRefusal(bytes: number): S3Refusal | null {
  if (!(bytes > MAX_PART_BYTES)) return null;
  return { code: 'EntityTooLarge', status: 400, message: 'Your proposed upload exceeds the maximum allowed size', detail: { ProposedSize: bytes, MaxSizeAllowed: MAX_PART_BYTES } };
}

export function contentSha256Refusal(declared: string, computed: string): S3Refusal | null {
  // UNSIGNED-PAYLOAD and the streaming forms carry no hash of the whole body to compare.
  if (!/^[0-9a-fA-F]{64}$/.test(declared) || declared.toLowerCase() === computed) return null;
  return {
    code: 'XAmzContentSHA256Mismatch',
    status: 400,
    message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    detail: { ClientComputedContentSHA256: declared, S3ComputedContentSHA256: computed },
  };
}

/** ETags compare without their quotes, as S3 does. */
export function bareEtag(etag: string): string {
  return etag.replace(/&quot;|"/g, '').trim().toLowerCase();
}

/** Why CompleteMultipartUpload must refuse this list of parts, or null when it may join them. */
export function completionRefusal(listed: readonly ListedPart[], stored: ReadonlyMap<number, StoredPart>): S3Refusal | null {
  for (let i = 1; i < listed.length; i += 1) {
    if (!(listed[i]!.number > listed[i - 1]!.number)) {
      return { code: 'InvalidPartOrder', status: 400, message: 'The list of parts was not in ascending order. The parts list must be specified in order by part number.' };
    }
  }
  const sizes: number[] = [];
  for (const part of listed) {
    const found = stored.get(part.number);
    if (!found || bareEtag(found.etag) !== bareEtag(part.etag)) {
      return {
        code: 'InvalidPart',
        status: 400,
        message: "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.",
        detail: { PartNumber: part.number, ETag: part.etag },
      };
    }
    sizes.push(found.size);
  }
  const last = sizes.length - 1;
  for (let i = 0; i < last; i += 1) {
    if (sizes[i]! < MIN_PART_BYTES) {
      return {
        code: 'EntityTooSmall',
        status: 400,
        message: 'Your proposed upload is smaller than the minimum allowed object size.',
        detail: { ProposedSize: sizes[i]!, MinSizeAllowed: MIN_PART_BYTES, PartNumber: listed[i]!.number, ETag: listed[i]!.etag },
      };
    }
  }
  for (let i = 1; i <= last; i += 1) {
    if (i < last ? sizes[i] !== sizes[0] : sizes[i]! > sizes[0]!) {
      return { code: 'InvalidPart', status: 400, message: 'All non-trailing parts must have the same length.' };
    }
  }
  return null;
}

/** S3's ETag of an object joined from parts: the md5 of the parts' binary md5s, a dash, the number of parts. */
export function multipartEtag(partEtags: readonly string[]): string {
  const md5 = createHash('md5');
  for (const etag of partEtags) md5.update(Buffer.from(bareEtag(etag), 'hex'));
  return `${md5.digest('hex')}-${partEtags.length}`;
}
