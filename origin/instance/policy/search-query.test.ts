import { describe, expect, it } from 'vitest';
import { prefixQuery } from './search-query.ts';

describe('prefix search query', () => {
  it('turns the last word into a prefix', () => {
    expect(prefixQuery('Getting sta')).toBe('getting & sta:*');
  });
  it('drops tsquery operators and punctuation the user typed', () => {
    expect(prefixQuery("a & b | !c <-> d:*")).toBe('a & b & c & d:*');
  });
  it('stays out of the way of phrases, exclusions and OR', () => {
    expect(prefixQuery('"look back"')).toBeNull();
    expect(prefixQuery('look -sprint')).toBeNull();
    expect(prefixQuery('cats or dogs')).toBeNull();
  });
  it('returns null when nothing searchable is left', () => {
    expect(prefixQuery(' &|! ')).toBeNull();
  });
});
