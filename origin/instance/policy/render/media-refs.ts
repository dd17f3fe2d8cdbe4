// Which uploaded files a page uses: the storage keys behind the /_media/… images and links of its
// rendered, sanitised HTML. Read from the HTML rather than the Markdown because that is what a reader's
// browser fetches: a path quoted in a code block is no use of the file, and raw HTML <img> tags, Markdown
// images and links all end up as the same two attributes once sanitised. Pure.

/** A page naming more files than this records the first ones (a page is at most a few hundred KB). */
export const MAX_MEDIA_REFS_PER_PAGE = 500;
/** Storage keys are at most 1024 bytes (S3); anything longer is not one of ours. */
const MAX_KEY_LENGTH = 1024;

// Only inside an <img> or <a> tag: the sanitiser escapes `<` in text (and `<`, `>`, `"` in attribute
// values), so text or code showing `src="/_media/…"` never starts a tag here, though its quotes stay as
// they are. Every attribute is written double-quoted, so a value ends at the next quote; a query or
// fragment is not part of the key. Only same-host paths: the origin cannot tell its own absolute URLs.
const MEDIA_ATTRIBUTE = /<(?:img|a)\s[^>]*?\b(?:src|href)="\/_media\/([^"?#]+)/g;

/** The storage key of a /_media/ path's rest (its segments percent-encoded, as mediaPath writes them), or null. */
function keyOf(encoded: string): string | null {
  // Keys never hold `&`; an attribute value's `&amp;` would be one, so such a value names no file of ours.
  if (encoded.includes('&')) return null;
  let key: string;
  try {
    key = encoded.split('/').map(decodeURIComponent).join('/');
  } catch {
    return null; // a malformed escape
  }
  if (CONTROL.test(key) || key.split('/').some((s) => s === '' || s === '.' || s === '..')) return null;
  // The limit is in bytes: UTF-8 takes up to three per UTF-16 unit, so only long keys need counting.
  return key.length * 3 <= MAX_KEY_LENGTH || utf8.encode(key).length <= MAX_KEY_LENGTH ? key : null;
}
/** No key of ours holds a control character (and Postgres text refuses NUL). */
const CONTROL = /[\u0000-\u001f\u007f]/;
const utf8 = new TextEncoder();

/** Distinct keys in order of first use. */
export function mediaKeysIn(html: string): string[] {
  if (!html.includes('/_media/')) return [];
  const keys = new Set<string>();
  for (const match of html.matchAll(MEDIA_ATTRIBUTE)) {
    const key = keyOf(match[1]!);
    if (key !== null) keys.add(key);
    if (keys.size >= MAX_MEDIA_REFS_PER_PAGE) break;
  }
  return [...keys];
}
