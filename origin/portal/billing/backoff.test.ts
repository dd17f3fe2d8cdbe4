import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.ts';

describe('retryDelayMs', () => {
  it('doubles from the base after each failure and stops at the cap', () => {
    const o = { baseMs: 1000, capMs: 10_000 };
    expect([1, 2, 3, 4, 5, 1000].map((n) => retryDelayMs(n, o))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('refuses a non-positive attempt count as a programming error', () => {
    expect(() => retryDelayMs(0)).toThrow(TypeError);
  });
});
