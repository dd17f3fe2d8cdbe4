// Keyset paging of the origin's lists, one convention for all (the media list set it): `?limit=` rows per
// page, the previous answer's `next` passed back as `before` (newest-first lists) or `after` (lists in
// ascending order), and `next: null` on the last page. A cursor names a position in the order, not an
// offset, so rows added or removed meanwhile neither repeat nor skip the rest. Pure: no I/O.
import { AppError } from '#shared/errors';
import { containsNul, MAX_INT4, wholeNumber } from './client-input.ts';

export const PAGE_SIZE_DEFAULT = 50;
/** A page size beyond this is taken as this: a client asking for more is not wrong, just greedy. */
export const PAGE_SIZE_MAX = 100;
/** Longer than any cursor we hand out (a path or name is at most a few hundred characters). */
const CURSOR_MAX_LENGTH = 2048;

const refused = (name: string, what: string) =>
  new AppError('validation_failed', `${name}: ${what}`, { fields: [{ field: name, message: what }] });

/** A whole number from the query string up to `max`; absent or empty is undefined; anything else is a 400. */
export function numberQuery(raw: string | undefined, name: string, max = MAX_INT4): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = wholeNumber(raw, max);
  if (value === null) throw new AppError('validation_failed', `${name}: must be a whole number up to ${max}`, { fields: [{ field: name, message: 'must be a whole number' }] });
  return value;
}

/** `?limit=`: 1 to PAGE_SIZE_MAX, PAGE_SIZE_DEFAULT when absent. */
export function pageSize(raw: string | undefined): number {
  return Math.min(PAGE_SIZE_MAX, Math.max(1, numberQuery(raw, 'limit') ?? PAGE_SIZE_DEFAULT));
}

/** A cursor that is a text value of the key itself (a page path): any text Postgres can hold. */
export function textCursor(raw: string | undefined, name: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.length > CURSOR_MAX_LENGTH || containsNul(raw)) throw refused(name, 'not a cursor this list gave out');
  return raw;
}

/** `id`: a row id, which an integer column holds (beyond int4 the database would refuse the comparison). */
export type KeyPart = 'text' | 'number' | 'id';
type PartValue<P extends KeyPart> = P extends 'text' ? string : number;
export type KeyValues<S extends readonly KeyPart[]> = { [I in keyof S]: PartValue<S[I]> };

/**
 * A key of several columns (a sort value and the id that breaks its ties) as one opaque query value:
 * base64url of a JSON array. Opaque so clients pass it back rather than build it; the values are those
 * Postgres returned, so comparing them in SQL reproduces the order exactly (no rounding of times, no
 * JavaScript idea of lower case).
 */
export function encodeKeyCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The values of a cursor made by encodeKeyCursor with parts of `shape`; anything else is a 400. */
export function decodeKeyCursor<const S extends readonly KeyPart[]>(raw: string | undefined, name: string, shape: S): KeyValues<S> | undefined {
  if (raw === undefined || raw === '') return undefined;
  const bad = () => refused(name, 'not a cursor this list gave out');
  if (raw.length > CURSOR_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) throw bad();
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(values) || values.length !== shape.length) throw bad();
  const ok = shape.every((part, i) =>
    part === 'text'
      ? typeof values[i] === 'string' && !containsNul(values[i])
      : // Numbers are microseconds (exact in a double, like every number we hand out) or ids (int4).
        typeof values[i] === 'number' && wholeNumber(String(values[i]), part === 'id' ? MAX_INT4 : Number.MAX_SAFE_INTEGER) !== null,
  );
  if (!ok) throw bad();
  return values as KeyValues<S>;
}

/**
 * One page from rows fetched with `limit + 1`: the extra row only says that another page exists, so `next`
 * is null on the last page even when that page is full.
 */
export function pageOf<T, C>(rows: T[], limit: number, cursorOf: (last: T) => C): { items: T[]; next: C | null } {
  if (rows.length <= limit) return { items: rows, next: null };
  const items = rows.slice(0, limit);
  return { items, next: cursorOf(items[items.length - 1]!) };
}
