import { describe, expect, it } from 'vitest';
import { completionRefusal, contentSha256Refusal, multipartEtag, partNumberRefusal, type StoredPart } from './s3-multipart-rules.ts';

const MiB = 1024 ** 2;
const stored = (...sizes: number[]) => new Map<number, StoredPart>(sizes.map((size, i) => [i + 1, { size, etag: `e${i + 1}` }]));
const listed = (n: number) => Array.from({ length: n }, (_, i) => ({ number: i + 1, etag: `"e${i + 1}"` }));

describe('multipart rules', () => {
  it('lets a single part of any size complete, and a last part as large as the others', () => {
    expect(completionRefusal(listed(1), stored(1))).toBeNull();
    expect(completionRefusal(listed(3), stored(5 * MiB, 5 * MiB, 5 * MiB))).toBeNull();
    expect(completionRefusal(listed(2), stored(8 * MiB, 1))).toBeNull();
  });

  it('names the first rule a list breaks: order, then missing parts, then size', () => {
    expect(completionRefusal([{ number: 2, etag: 'e2' }, { number: 2, etag: 'e2' }], stored(5 * MiB, 5 * MiB))?.code).toBe('InvalidPartOrder');
    expect(completionRefusal(listed(3), stored(5 * MiB, 5 * MiB))?.detail).toMatchObject({ PartNumber: 3 });
    expect(completionRefusal(listed(2), stored(5 * MiB - 1, 1))).toMatchObject({ code: 'EntityTooSmall', detail: { ProposedSize: 5 * MiB - 1, PartNumber: 1 } });
    expect(completionRefusal(listed(3), stored(6 * MiB, 5 * MiB, 1))).toMatchObject({ code: 'InvalidPart', message: 'All non-trailing parts must have the same length.' });
  });

  it('takes part numbers 1 to 10000 only, written as plain digits', () => {
    expect(['1', '10000'].map(partNumberRefusal)).toEqual([null, null]);
    expect(['0', '10001', '1e3', ' 1', undefined].map((v) => partNumberRefusal(v)?.code)).toEqual(Array(5).fill('InvalidArgument'));
  });

  it('compares a declared body hash only when there is one', () => {
    expect(contentSha256Refusal('UNSIGNED-PAYLOAD', 'a'.repeat(64))).toBeNull();
    expect(contentSha256Refusal('A'.repeat(64), 'a'.repeat(64))).toBeNull();
    expect(contentSha256Refusal('b'.repeat(64), 'a'.repeat(64))).toMatchObject({ code: 'XAmzContentSHA256Mismatch', status: 400 });
  });

  it("computes a joined object's ETag as R2's documentation shows", () => {
    expect(multipartEtag(['"bce6bf66aeb76c7040fdd5f4eccb78e6"', '8165449fc15bbf43d3b674595cbcc406'])).toBe('f77dc0eecdebcd774a2a22cb393ad2ff-2');
  });
});
