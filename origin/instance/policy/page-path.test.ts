import { describe, expect, it } from 'vitest';
import { childPath, isUnder, memoizedNormalizePagePath, normalizePagePath, parentPath } from './page-path.ts';

describe('page paths', () => {
  it('turns any spelling of a path into one canonical lowercase form', () => {
    expect(normalizePagePath(' /Handbook//On Boarding/ ')).toEqual({ ok: true, path: '/handbook/on-boarding' });
  });
  it('folds accents and keeps letters of other scripts', () => {
    expect(normalizePagePath('/Café/Привет')).toEqual({ ok: true, path: '/cafe/привет' });
  });
  it('treats an empty path as the home page', () => {
    expect(normalizePagePath('')).toEqual({ ok: true, path: '/' });
    expect(normalizePagePath('/')).toEqual({ ok: true, path: '/' });
  });
  it('refuses dot segments, reserved prefixes and segments without letters', () => {
    expect(normalizePagePath('/a/../b').ok).toBe(false);
    expect(normalizePagePath('/api/pages').ok).toBe(false);
    expect(normalizePagePath('/a/!!!').ok).toBe(false);
  });
  it('refuses paths that are too deep or too long', () => {
    expect(normalizePagePath('/a'.repeat(13)).ok).toBe(false);
    expect(normalizePagePath(`/${'x'.repeat(101)}`).ok).toBe(false);
  });
  it('knows parents, children and subtrees', () => {
    expect(parentPath('/a/b')).toBe('/a');
    expect(parentPath('/a')).toBe('/');
    expect(parentPath('/')).toBeNull();
    expect(childPath('/', 'Getting Started!')).toBe('/getting-started');
    expect(childPath('/handbook', 'Onboarding')).toBe('/handbook/onboarding');
    expect(isUnder('/handbook/x', '/handbook')).toBe(true);
    expect(isUnder('/handbooks', '/handbook')).toBe(false);
  });
});

describe('memoizedNormalizePagePath', () => {
  it('answers as normalizePagePath does, first time and again, within its bound', () => {
    const normalize = memoizedNormalizePagePath(3);
    const inputs = ['/Handbook/Onboarding', '/api/x', '/a/../b', '/Ünïcode Päth/', '', '/', `/${'a'.repeat(700)}`, '/x//y/', '/handbook/onboarding'];
    for (let round = 0; round < 3; round++) {
      for (const input of inputs) expect(normalize(input)).toEqual(normalizePagePath(input));
    }
    expect(Object.isFrozen(normalize('/a'))).toBe(true);
  });
});
