import { describe, expect, it } from 'vitest';
import { MAX_OBJECT_BYTES, MAX_PARTS, MiB, planUpload, type Part } from './upload-plan.ts';

const sizes = (parts: Part[]) => parts.map((p) => p.end - p.start);

describe('planUpload', () => {
  it('sends a file up to the threshold (default: one 64 MiB part) with a single PUT', () => {
    expect(planUpload(0)).toEqual({ kind: 'single-put' });
    expect(planUpload(64 * MiB)).toEqual({ kind: 'single-put' });
    expect(planUpload(12 * MiB, { multipartAbove: 12 * MiB, partSize: 5 * MiB })).toEqual({ kind: 'single-put' });
  });

  it('cuts a larger file into parts of the part size that cover it exactly, the last one smaller', () => {
    const plan = planUpload(64 * MiB + 1);
    expect(plan).toMatchObject({ kind: 'multipart', partSize: 64 * MiB });
    if (plan.kind !== 'multipart') return;
    expect(plan.parts).toEqual([
      { number: 1, start: 0, end: 64 * MiB },
      { number: 2, start: 64 * MiB, end: 64 * MiB + 1 },
    ]);
    const small = planUpload(12 * MiB, { multipartAbove: 5 * MiB, partSize: 5 * MiB });
    expect(small.kind === 'multipart' && sizes(small.parts)).toEqual([5 * MiB, 5 * MiB, 2 * MiB]);
  });

  it('grows the part size in whole MiBs so no file needs more than 10,000 parts', () => {
    const size = 1024 ** 4; // 1 TiB: 16,384 parts of 64 MiB
    const plan = planUpload(size);
    if (plan.kind !== 'multipart') throw new Error(plan.kind);
    expect(plan.partSize).toBe(105 * MiB);
    expect(plan.parts.length).toBeLessThanOrEqual(MAX_PARTS);
    expect(plan.parts.at(-1)!.end).toBe(size);
    const largest = planUpload(MAX_OBJECT_BYTES);
    expect(largest.kind === 'multipart' && largest.parts.length).toBeLessThanOrEqual(MAX_PARTS);
  });

  it("refuses a file larger than R2's largest object", () => {
    expect(planUpload(MAX_OBJECT_BYTES + 1)).toEqual({ kind: 'too-large', limit: MAX_OBJECT_BYTES });
  });

  it('throws a TypeError for a part size R2 would refuse or a threshold above a single PUT', () => {
    expect(() => planUpload(1, { partSize: 5 * MiB - 1 })).toThrow(TypeError);
    expect(() => planUpload(1, { partSize: 6 * 1024 ** 3 })).toThrow(TypeError);
    expect(() => planUpload(1, { multipartAbove: 6 * 1024 ** 3 })).toThrow(TypeError);
  });
});
