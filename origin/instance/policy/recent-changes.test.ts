import { describe, expect, it } from 'vitest';
import { AppError } from '#shared/errors';
import { encodeKeyCursor, PAGE_SIZE_DEFAULT } from './paging.ts';
import { boundFor, changesQuery, classifyChange, decodeChangeCursor, encodeChangeCursor, SOURCE, type ChangeFacts } from './recent-changes.ts';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? `${err.code} ${err.message}` : 'not an AppError';
  }
  return 'accepted';
};

const revision = (facts: Partial<ChangeFacts>): ChangeFacts => ({
  event: null,
  revision: 2,
  restoredFrom: null,
  path: '/a',
  title: 'A',
  previous: { path: '/a', title: 'A' },
  ...facts,
});

describe('classifying a change', () => {
  it('calls the first revision a creation, whatever else it says', () => {
    expect(classifyChange(revision({ revision: 1, previous: null }))).toBe('created');
  });

  it('calls a revision with the same path and title an edit', () => {
    expect(classifyChange(revision({}))).toBe('edited');
  });

  it('calls a revision whose path differs from the previous one a move, even if the title changed too', () => {
    expect(classifyChange(revision({ path: '/b' }))).toBe('moved');
    expect(classifyChange(revision({ path: '/b', title: 'B' }))).toBe('moved');
  });

  it('calls a revision whose title alone differs a rename', () => {
    expect(classifyChange(revision({ title: 'A, renamed' }))).toBe('renamed');
  });

  it('calls a revision that records the old revision it brought back a restore, though its title changed', () => {
    expect(classifyChange(revision({ revision: 5, restoredFrom: 2, title: 'Old title' }))).toBe('restored_revision');
  });

  it('takes a revision whose note merely says "Restored revision 2" for an edit: only the recorded fact counts', () => {
    expect(classifyChange(revision({ restoredFrom: null }))).toBe('edited');
  });

  it('names trash moves after the event, not the revision they happened at', () => {
    expect(classifyChange({ ...revision({ revision: 1, previous: null }), event: 'trashed' })).toBe('trashed');
    expect(classifyChange({ ...revision({ previous: null }), event: 'untrashed' })).toBe('restored_from_trash');
  });
});

describe('the recent changes cursor', () => {
  it('gives back the position it was made from, microseconds exact', () => {
    const cursor = { micros: 1_718_000_000_123_457, source: SOURCE.trash, id: 12 } as const;
    expect(decodeChangeCursor(encodeChangeCursor(cursor))).toEqual(cursor);
    expect(decodeChangeCursor(undefined)).toBeUndefined();
    expect(decodeChangeCursor('')).toBeUndefined();
  });

  it('refuses a cursor of another shape, another list or a source that does not exist with a 400', () => {
    for (const raw of ['%%%', encodeKeyCursor([1, 2]), encodeKeyCursor([1_718_000_000_000_000, 2, 3]), encodeKeyCursor(['x', 0, 1]), encodeKeyCursor([1.5, 0, 1]), encodeKeyCursor([1, 0, -1])]) {
      expect(refusal(() => decodeChangeCursor(raw)), raw).toBe('validation_failed before: not a cursor this list gave out');
    }
  });

  it('bounds each source at the cursor instant by its rank: lower ranks whole, its own below the id, higher ones not at all', () => {
    const atTrash = { micros: 5, source: SOURCE.trash, id: 9 } as const;
    const atRevision = { micros: 5, source: SOURCE.revision, id: 9 } as const;
    expect(boundFor(SOURCE.revision, atTrash)).toBe('at-or-before');
    expect(boundFor(SOURCE.trash, atTrash)).toBe('before-id');
    expect(boundFor(SOURCE.revision, atRevision)).toBe('before-id');
    expect(boundFor(SOURCE.trash, atRevision)).toBe('before');
  });
});

describe('the recent changes query', () => {
  it('takes the default page size, no cursor and the whole wiki when nothing is asked', () => {
    expect(changesQuery({})).toEqual({ limit: PAGE_SIZE_DEFAULT, before: undefined });
    expect(changesQuery({ path: '' })).toEqual({ limit: PAGE_SIZE_DEFAULT, before: undefined });
    expect(changesQuery({ path: '/' })).toEqual({ limit: PAGE_SIZE_DEFAULT, before: undefined });
  });

  it('normalises the path like a page path', () => {
    expect(changesQuery({ path: 'Handbook/On Boarding/', limit: '5' })).toMatchObject({ limit: 5, path: '/handbook/on-boarding' });
  });

  it('refuses a path no page can have, a bad limit and a bad cursor with a 400 naming the field', () => {
    expect(refusal(() => changesQuery({ path: '/api/x' }))).toMatch(/^validation_failed path: /);
    expect(refusal(() => changesQuery({ path: '/a/../b' }))).toMatch(/^validation_failed path: /);
    expect(refusal(() => changesQuery({ path: '/%%%' }))).toMatch(/^validation_failed path: /);
    expect(refusal(() => changesQuery({ limit: 'ten' }))).toMatch(/^validation_failed limit: /);
    expect(refusal(() => changesQuery({ before: 'nope' }))).toMatch(/^validation_failed before: /);
  });
});
