import { describe, expect, it } from 'vitest';
import { containsNul, MAX_INT4, wholeNumber } from './client-input.ts';

describe('client input Postgres cannot take', () => {
  it('finds U+0000 in any string of a parsed body, keys included', () => {
    expect(containsNul({ title: 'ok', tags: ['a', 'b'], nested: { n: 1, t: null } })).toBe(false);
    expect(containsNul({ nested: { list: ['fine', 'x\u0000'] } })).toBe(true);
    expect(containsNul({ ['k\u0000']: 1 })).toBe(true);
    expect(containsNul('\u0000')).toBe(true);
  });

  it('reads only plain digits as a whole number, up to the integer column limit', () => {
    expect(wholeNumber('42')).toBe(42);
    expect(wholeNumber(String(MAX_INT4))).toBe(MAX_INT4);
    for (const raw of [undefined, '', '1.5', '1e3', '-1', ' 1', '0x10', String(MAX_INT4 + 1), '99999999999999999999']) expect(wholeNumber(raw), raw).toBeNull();
    expect(wholeNumber('150', 100)).toBeNull();
  });
});
