// Builds the prefix query used for quick navigation ("onbo" finds "Onboarding"). Pure: the words are
// reduced to letters and digits, so nothing the user types can break to_tsquery's syntax.
import { nulRefused } from './client-input.ts';

const MAX_TERMS = 8;

/** `getting sta` → `getting & sta:*`, or null when nothing searchable is left. */
export function prefixQuery(input: string): string | null {
  // Someone writing phrases, exclusions or OR wants exactly that; guessing prefixes would override it.
  if (/"|(^|\s)-\S|\sor\s/i.test(input)) return null;
  const terms = input
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, MAX_TERMS);
  if (terms.length === 0) return null;
  return terms.map((term, i) => (i === terms.length - 1 ? `${term}:*` : term)).join(' & ');
}

/** Search input is trimmed and bounded; an empty query searches nothing. */
export function cleanQuery(input: string | undefined): string {
  if (input?.includes('\u0000')) throw nulRefused();
  return (input ?? '').trim().slice(0, 200);
}
