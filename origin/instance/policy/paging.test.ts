import { describe, expect, it } from 'vitest';
import { AppError } from '#shared/errors';
import { decodeKeyCursor, encodeKeyCursor, numberQuery, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, pageOf, pageSize, textCursor } from './paging.ts';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
  return 'accepted';
};

describe('list paging policy', () => {
  it('takes a page size from 1 to the maximum, the default when absent, and refuses what is not a whole number', () => {
    expect(pageSize(undefined)).toBe(PAGE_SIZE_DEFAULT);
    expect(pageSize('')).toBe(PAGE_SIZE_DEFAULT);
    expect(pageSize('7')).toBe(7);
    expect(pageSize('0')).toBe(1);
    expect(pageSize('100000')).toBe(PAGE_SIZE_MAX);
    for (const raw of ['1.5', '-1', 'ten', '1e3', '99999999999']) expect(refusal(() => pageSize(raw)), raw).toBe('validation_failed');
    expect(refusal(() => numberQuery('3000000000', 'before'))).toBe('validation_failed');
  });

  it('gives back the values of a key cursor it made, exactly, with the shape it was made with', () => {
    const micros = 1_718_000_000_123_456; // microseconds since 1970: beyond int4, exact in a double
    expect(decodeKeyCursor(encodeKeyCursor([micros, 42]), 'before', ['number', 'number'])).toEqual([micros, 42]);
    expect(decodeKeyCursor(encodeKeyCursor(['zoë "quoted" / ünïcode', 7]), 'after', ['text', 'number'])).toEqual(['zoë "quoted" / ünïcode', 7]);
    expect(decodeKeyCursor(undefined, 'after', ['text', 'number'])).toBeUndefined();
    expect(decodeKeyCursor('', 'after', ['text', 'number'])).toBeUndefined();
  });

  it('refuses a key cursor it did not make with a 400, never an exception of another kind', () => {
    const shape = ['text', 'number'] as const;
    const made = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const raw of [
      'not base64!',
      made('a string'),
      made(['name']),
      made(['name', 1, 2]),
      made([1, 1]),
      made(['name', '1']),
      made(['name', 1.5]),
      made(['name', -1]),
      made(['name', 1e300]),
      made(['nul\u0000', 1]),
      Buffer.from('{not json').toString('base64url'),
      'A'.repeat(5000),
    ]) {
      expect(refusal(() => decodeKeyCursor(raw, 'after', shape)), raw.slice(0, 40)).toBe('validation_failed');
    }
  });

  it('takes any text as a text cursor but NUL and absurd lengths', () => {
    expect(textCursor('/handbook/tools', 'after')).toBe('/handbook/tools');
    expect(textCursor('', 'after')).toBeUndefined();
    expect(refusal(() => textCursor('/a\u0000', 'after'))).toBe('validation_failed');
    expect(refusal(() => textCursor('/'.repeat(5000), 'after'))).toBe('validation_failed');
  });

  it('says there is a next page only when a row beyond the page was fetched', () => {
    expect(pageOf([1, 2, 3, 4], 3, (n) => n)).toEqual({ items: [1, 2, 3], next: 3 });
    expect(pageOf([1, 2, 3], 3, (n) => n)).toEqual({ items: [1, 2, 3], next: null }); // a full last page
    expect(pageOf([], 3, (n: number) => n)).toEqual({ items: [], next: null });
  });
});
