// Recent changes, the pure part: the query a client may send, what kind of change an entry is, its cursor,
// and how a cursor bounds each of the two lists the feed merges (revisions, trash events). No I/O.
import { AppError } from '#shared/errors';
import { normalizePagePath } from './page-path.ts';
import { decodeKeyCursor, encodeKeyCursor, pageSize } from './paging.ts';

const refused = (field: string, message: string) => new AppError('validation_failed', `${field}: ${message}`, { fields: [{ field, message }] });

export const CHANGE_KINDS = ['created', 'edited', 'moved', 'renamed', 'restored_revision', 'trashed', 'restored_from_trash'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/**
 * Where an entry comes from, which is also its rank among entries of the same instant: the feed is ordered
 * by time, then source (trash events first), then id, all descending.
 */
export const SOURCE = { revision: 0, trash: 1 } as const;
export type Source = (typeof SOURCE)[keyof typeof SOURCE];

export interface ChangeFacts {
  /** Set for a trash event, null for a revision. */
  event: 'trashed' | 'untrashed' | null;
  revision: number;
  /** The old revision a restore brought back (null for other saves, and for restores before migration 0003). */
  restoredFrom: number | null;
  path: string;
  title: string;
  /** The previous revision's path and title; null for revision 1 and for trash events. */
  previous: { path: string; title: string } | null;
}

/**
 * One kind per entry, the most telling: a restore that also changed the title is a restore, a move that
 * also changed the text is a move (telling a text change apart would mean reading both full texts).
 */
export function classifyChange(facts: ChangeFacts): ChangeKind {
  if (facts.event === 'trashed') return 'trashed';
  if (facts.event === 'untrashed') return 'restored_from_trash';
  if (facts.revision === 1) return 'created';
  if (facts.restoredFrom !== null) return 'restored_revision';
  if (facts.previous && facts.previous.path !== facts.path) return 'moved';
  if (facts.previous && facts.previous.title !== facts.title) return 'renamed';
  return 'edited';
}

/** The position of an entry: its time in microseconds since 1970 (exact, as Postgres gave it), source, id. */
export interface ChangeCursor {
  micros: number;
  source: Source;
  id: number;
}

export function encodeChangeCursor(cursor: ChangeCursor): string {
  return encodeKeyCursor([cursor.micros, cursor.source, cursor.id]);
}

/** A cursor this list gave out, or undefined when absent; anything else is a 400. */
export function decodeChangeCursor(raw: string | undefined, name = 'before'): ChangeCursor | undefined {
  const values = decodeKeyCursor(raw, name, ['number', 'id', 'id']);
  if (!values) return undefined;
  const [micros, source, id] = values;
  if (source !== SOURCE.revision && source !== SOURCE.trash) throw refused(name, 'not a cursor this list gave out');
  return { micros, source, id };
}

/**
 * Which rows of the list of `source` come after `cursor` in the feed's order: at the cursor's instant,
 * a source ranked below the cursor's comes entirely after it, one ranked above entirely before it, and
 * the cursor's own source continues below its id. Each answer is a range of that list's (time, id) index.
 */
export type Bound = 'at-or-before' | 'before-id' | 'before';

export function boundFor(source: Source, cursor: ChangeCursor): Bound {
  if (source < cursor.source) return 'at-or-before';
  if (source === cursor.source) return 'before-id';
  return 'before';
}

/**
 * `?limit=&before=&path=` of /_changes and /api/changes, checked: a bad value of any is a 400. `path` is
 * normalised like a page path (`/Handbook` finds `/handbook`); `/` is the whole wiki, as is no path.
 */
export function changesQuery(query: { limit?: string; before?: string; path?: string }): { limit: number; before?: ChangeCursor; path?: string } {
  const limit = pageSize(query.limit);
  const before = decodeChangeCursor(query.before);
  if (query.path === undefined || query.path === '') return { limit, before };
  const path = normalizePagePath(query.path);
  if (!path.ok) throw refused('path', path.reason);
  return path.path === '/' ? { limit, before } : { limit, before, path: path.path };
}
