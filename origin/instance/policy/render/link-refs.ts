// Internal links as the author wrote them: `[[Page title]]`, `[[/some/path]]`, or a Markdown link to a
// relative or absolute path. Each becomes a reference (kind + key) the store resolves to a page.
import { normalizePagePath } from '../page-path.ts';

export type LinkKind = 'path' | 'title';
export interface LinkRef {
  kind: LinkKind;
  key: string;
}

/** A resolved reference: the page's current path, or null when no page answers to it (yet). */
export type Resolution = Map<string, { id: number; path: string } | null>;

export const refId = (ref: LinkRef) => `${ref.kind}:${ref.key}`;

/** Titles match whatever the case and spacing: `[[getting  started]]` finds "Getting Started". */
export function titleKey(title: string): string {
  return title.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Splits the inside of `[[...]]` into target, optional #fragment and label. */
export function parseWikiTarget(inner: string): { ref: LinkRef; fragment: string; label: string } | null {
  const bar = inner.indexOf('|');
  const target = (bar >= 0 ? inner.slice(0, bar) : inner).trim();
  const hash = target.indexOf('#');
  const name = (hash >= 0 ? target.slice(0, hash) : target).trim();
  const fragment = hash >= 0 ? target.slice(hash + 1).trim() : '';
  const label = (bar >= 0 ? inner.slice(bar + 1) : name || target).trim();
  if (!name || !label) return null;
  if (name.startsWith('/')) {
    const path = normalizePagePath(name);
    return path.ok ? { ref: { kind: 'path', key: path.path }, fragment, label } : null;
  }
  const key = titleKey(name);
  return key.length <= 255 ? { ref: { kind: 'title', key }, fragment, label } : null;
}

const BASE = 'http://wiki.invalid';

/**
 * A Markdown link's href, if it points inside the wiki. Relative hrefs resolve like a browser would from
 * the page's URL, so what the author sees in the preview and what the store records agree.
 */
export function internalHref(href: string, pagePath: string): { ref: LinkRef; suffix: string } | null {
  if (!href || href.startsWith('#') || href.startsWith('//') || /^[a-z][a-z0-9+.-]*:/i.test(href)) return null;
  let url: URL;
  try {
    url = new URL(href, BASE + (pagePath === '/' ? '/' : pagePath));
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  // /_static, /_media, /_search… belong to the app, not to pages.
  if (pathname.startsWith('/_')) return null;
  const path = normalizePagePath(pathname);
  if (!path.ok) return null;
  return { ref: { kind: 'path', key: path.path }, suffix: `${url.search}${url.hash}` };
}
