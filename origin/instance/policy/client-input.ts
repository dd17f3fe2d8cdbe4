// What Postgres cannot take from a client, checked before a query is built: numbers beyond an integer
// column and text with U+0000. Either would otherwise fail inside the database and answer 500.
import { AppError } from '#shared/errors';

/** The largest value of a Postgres integer column (ids, revision numbers). */
export const MAX_INT4 = 2_147_483_647;

/** Postgres text cannot hold U+0000. True if any string in `value` (keys included) contains it. */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v));
  return false;
}

export const nulRefused = () => new AppError('validation_failed', 'Text cannot contain the NUL character (U+0000).');

/** A whole number written as plain digits (no sign, fraction, exponent or spaces) up to `max`, else null. */
export function wholeNumber(raw: string | undefined, max = MAX_INT4): number | null {
  if (raw === undefined || !/^\d{1,16}$/.test(raw)) return null;
  const value = Number(raw);
  return value <= max ? value : null;
}

/**
 * Refuses a body not sent as application/json (415). A cross-site <form enctype="text/plain"> can carry a
 * JSON-looking body without a CORS preflight; an application/json request cannot.
 */
export function requireJsonContentType(contentType: string | undefined): void {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError('unsupported_media_type', 'The request body must be JSON sent as application/json.');
}
