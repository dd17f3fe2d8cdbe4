import { describe, expect, it } from 'vitest';
import { changeLinks, changesUrl } from './links.tsx';

describe('links of a recent change', () => {
  it('leads to the page where it is now, the revision made and its diff against the one before', () => {
    expect(changeLinks({ kind: 'moved', revision: 4, currentPath: '/guide/new place', trashed: false })).toEqual({
      page: '/guide/new%20place',
      revision: '/_revision/guide/new%20place?rev=4',
      diff: '/_diff/guide/new%20place?from=3&to=4',
    });
  });

  it('has no diff for a creation: there is no revision before it', () => {
    expect(changeLinks({ kind: 'created', revision: 1, currentPath: '/a', trashed: false })).toEqual({ page: '/a', revision: '/_revision/a?rev=1', diff: null });
  });

  it('leads only to the page for a move to or from the trash, which made no revision', () => {
    expect(changeLinks({ kind: 'restored_from_trash', revision: 3, currentPath: '/a', trashed: false })).toEqual({ page: '/a', revision: null, diff: null });
  });

  it('leads nowhere for a page now in the trash, whose views answer 404', () => {
    for (const kind of ['edited', 'trashed'] as const) {
      expect(changeLinks({ kind, revision: 3, currentPath: '/a', trashed: true })).toEqual({ page: null, revision: null, diff: null });
    }
  });
});

describe('the recent changes URL', () => {
  it('carries the filter, the cursor and a page size other than the default, and nothing else', () => {
    expect(changesUrl({})).toBe('/_changes');
    expect(changesUrl({ path: '/handbook', limit: 50 })).toBe('/_changes?path=%2Fhandbook');
    expect(changesUrl({ path: '/handbook', before: 'abc_-1', limit: 3 })).toBe('/_changes?path=%2Fhandbook&before=abc_-1&limit=3');
  });
});
