// Text and attribute values into HTML, for every page and email built as a string (edge, origins, local stand-ins).
// Same bytes as hono/jsx, so a string-built page and its JSX twin stay identical (page-view-html.test.ts).
const NEEDS_ESCAPING = /[&<>'"]/;
const ESCAPABLE = /[&<>'"]/g;
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&#39;', '"': '&quot;' };

/** Escapes & < > " ' for use in element text and quoted attribute values. */
export function escapeHtml(text: string): string {
  // Most values (titles, paths, asset URLs) need nothing: a test is cheaper than a replace that allocates.
  return NEEDS_ESCAPING.test(text) ? text.replace(ESCAPABLE, (ch) => ENTITIES[ch]!) : text;
}
