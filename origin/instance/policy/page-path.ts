// Page paths: `/handbook/onboarding`. One canonical form (lowercase, letters/digits/dashes per segment,
// accents folded) so a path typed in any way finds the same page and makes a readable URL.

export type PathResult = { ok: true; path: string } | { ok: false; reason: string };

/** First segments the app itself uses; a page there would be unreachable. */
export const RESERVED_FIRST_SEGMENTS: ReadonlySet<string> = new Set(['api', 'healthz', 'readyz', 'metrics']);
export const MAX_PATH_LENGTH = 300;
export const MAX_DEPTH = 12;
const MAX_SEGMENT_LENGTH = 100;

export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

export function normalizePagePath(input: string): PathResult {
  if (typeof input !== 'string') return { ok: false, reason: 'A path must be text.' };
  if (input.length > MAX_PATH_LENGTH * 2) return { ok: false, reason: `A path must be at most ${MAX_PATH_LENGTH} characters.` };
  const raw = input.trim().split('/').filter((s) => s.trim() !== '');
  if (raw.some((s) => s === '.' || s === '..')) return { ok: false, reason: 'A path cannot contain "." or ".." segments.' };
  if (raw.length > MAX_DEPTH) return { ok: false, reason: `A path can be at most ${MAX_DEPTH} levels deep.` };
  const segments: string[] = [];
  for (const segment of raw) {
    const slug = slugify(segment);
    if (!slug) return { ok: false, reason: `The path segment "${segment.slice(0, 40)}" has no letters or digits.` };
    if (slug.length > MAX_SEGMENT_LENGTH) return { ok: false, reason: `A path segment can be at most ${MAX_SEGMENT_LENGTH} characters.` };
    segments.push(slug);
  }
  const first = segments[0];
  if (first && RESERVED_FIRST_SEGMENTS.has(first)) return { ok: false, reason: `Paths cannot start with "/${first}": the wiki uses it.` };
  const path = `/${segments.join('/')}`;
  if (path.length > MAX_PATH_LENGTH) return { ok: false, reason: `A path must be at most ${MAX_PATH_LENGTH} characters.` };
  return { ok: true, path };
}

/** `/a/b/c` → `/a/b`; the home page `/` has no parent. */
export function parentPath(path: string): string | null {
  if (path === '/') return null;
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

/** Where a new page titled `title` goes under `parent`. */
export function childPath(parent: string, title: string): string {
  const slug = slugify(title) || 'page';
  return parent === '/' ? `/${slug}` : `${parent}/${slug}`;
}

/** True when `path` is `prefix` or below it. */
export function isUnder(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * `normalizePagePath` with the answers for the last `maxEntries` inputs remembered: a page view normalises
 * the requested path on every request, and readers ask for the same few paths again and again. The function
 * is pure, so a remembered answer is the answer; the answers are frozen since callers share them. Inputs
 * are whatever clients send, so the memory is bounded (oldest first out) and long inputs are not kept.
 */
export function memoizedNormalizePagePath(maxEntries = 2_000): (input: string) => PathResult {
  const answers = new Map<string, PathResult>();
  return function normalizeRemembered(input) {
    let answer = answers.get(input);
    if (answer !== undefined) return answer;
    answer = Object.freeze(normalizePagePath(input));
    if (typeof input === 'string' && input.length <= MAX_PATH_LENGTH) {
      // Map iteration is insertion order: the first key is the oldest.
      if (answers.size >= maxEntries) answers.delete(answers.keys().next().value as string);
      answers.set(input, answer);
    }
    return answer;
  };
}
