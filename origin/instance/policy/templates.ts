// Page templates: the pages under /templates are offered when someone starts a new page, and the one
// chosen fills the editor. A section of ordinary pages rather than a flag or a table, so templates are
// written, linked, searched, versioned, exported and permitted like everything else, and a wiki that
// has no /templates section simply offers none.
import { isUnder } from './page-path.ts';

export const TEMPLATES_SECTION = '/templates';
/** Offered on the new-page form; a wiki with more names them by path (?template=) or keeps them in subsections. */
export const MAX_TEMPLATES_OFFERED = 50;

/** A template is a page strictly below the section; the section's own page says what the templates are for. */
export function isTemplatePath(path: string): boolean {
  return path !== TEMPLATES_SECTION && isUnder(path, TEMPLATES_SECTION);
}

export interface TemplateValues {
  /** The day the page is started, YYYY-MM-DD (UTC). */
  date: string;
  /** The display name of whoever starts it. */
  user: string;
  /** The new page's title, when the form already has one (a red link's, or a title typed before choosing). */
  title: string;
}

/** `{{date}}`, `{{user}}` and `{{title}}`, with any spaces inside the braces; other braces are left alone. */
const PLACEHOLDER = /\{\{\s*(date|user|title)\s*\}\}/g;

/**
 * The template's text with its placeholders filled, once, when the editor opens: what the person then
 * sees is exactly what will be saved. A placeholder with no value yet (no title) is left for them to fill.
 */
export function fillTemplate(content: string, values: TemplateValues): string {
  return content.replace(PLACEHOLDER, (whole, name: keyof TemplateValues) => values[name] || whole);
}

export function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}
