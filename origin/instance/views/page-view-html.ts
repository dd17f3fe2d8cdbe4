// The page-view screen as plain string assembly: the hot path of the wiki. It produces exactly the markup
// of <PageViewScreen> inside <Layout> (page-view.tsx, layout.tsx; page-view-html.test.ts compares the two),
// without the JSX renderer's per-node work and thousands-of-pieces string, which cost a page view several
// times its database read. Change the markup in the .tsx files and here together; the test says when they
// differ.
import { escapeHtml } from '#shared/escape-html';
import { isTemplatePath } from '../policy/templates.ts';
import type { PageView } from '../store/page-view.ts';
import { pageUrl } from './links.tsx';
import { formatDate } from './page-view.tsx';
import type { UiContext } from './ui-context.ts';

/** The parts of the frame that depend only on the instance (title, asset URLs), escaped once. */
interface Frame {
  afterTitle: string;
  brandToNav: string;
}

// Settings change rarely; remembering the last few frames skips re-escaping on every view.
const frames = new Map<string, Frame>();
const MAX_FRAMES = 16;

function frameFor(ui: UiContext): Frame {
  const key = `${ui.instanceTitle}\u0000${ui.asset('app.css')}\u0000${ui.asset('hljs.css')}\u0000${ui.asset('app.js')}`;
  let frame = frames.get(key);
  if (frame) return frame;
  const title = escapeHtml(ui.instanceTitle);
  frame = {
    afterTitle:
      ` · ${title}</title>` +
      `<link rel="stylesheet" href="${escapeHtml(ui.asset('app.css'))}"/>` +
      `<link rel="stylesheet" href="${escapeHtml(ui.asset('hljs.css'))}"/>` +
      `<script src="${escapeHtml(ui.asset('app.js'))}" defer=""></script></head><body><header class="topbar">` +
      `<a class="brand" href="/">${title}</a>`,
    brandToNav:
      '<form class="search" action="/_search" method="get" role="search">' +
      '<input type="search" name="q" value="" placeholder="Search pages" aria-label="Search pages"/></form>' +
      '<nav class="actions" aria-label="Wiki"><a href="/_pages">All pages</a>' +
      '<a href="/_changes" data-testid="recent-changes">Recent changes</a>',
  };
  if (frames.size >= MAX_FRAMES) frames.delete(frames.keys().next().value as string);
  frames.set(key, frame);
  return frame;
}

function header(ui: UiContext): string {
  return (
    (ui.files ? '<a href="/_files">Files</a>' : '') +
    (ui.canWrite ? '<a href="/_new" data-testid="new-page">New page</a>' : '') +
    '<a href="/_people">People</a>' +
    (ui.canWrite ? '<a href="/_trash">Trash</a>' : '') +
    (ui.canAdmin ? '<a href="/_settings">Settings</a>' : '') +
    '</nav><div class="who"><span data-testid="signed-in-as">Signed in as <strong>' +
    escapeHtml(ui.userName) +
    `</strong></span><span class="role role-${escapeHtml(ui.role)}">${escapeHtml(ui.role)}</span>` +
    `<a href="${escapeHtml(ui.portalUrl)}" data-testid="portal-link">Portal</a></div></header>`
  );
}

function breadcrumbs(path: string): string {
  const segments = path.split('/').filter(Boolean);
  if (segments.length === 0) return '';
  let html = '<nav class="breadcrumbs" aria-label="Breadcrumbs"><a href="/">Home</a>';
  for (let i = 0; i < segments.length - 1; i++) {
    html += `<span aria-hidden="true"> / </span><a href="${escapeHtml(pageUrl(`/${segments.slice(0, i + 1).join('/')}`))}">${escapeHtml(segments[i]!)}</a>`;
  }
  return `${html}</nav>`;
}

/** The article up to the page's stored HTML: breadcrumbs, title, actions, table of contents. */
function articleHead(ui: UiContext, page: PageView): string {
  let html =
    `<article class="page" data-page-id="${page.id}" data-revision="${page.revision}">` +
    breadcrumbs(page.path) +
    `<header class="page-header"><h1 class="page-title">${escapeHtml(page.title)}</h1><nav class="page-actions" aria-label="Page">` +
    (ui.canWrite ? `<a class="button" href="${escapeHtml(pageUrl(page.path, '_edit'))}" data-testid="edit-page">Edit</a>` : '') +
    `<a href="${escapeHtml(pageUrl(page.path, '_history'))}" data-testid="page-history">History</a>` +
    (ui.canWrite ? `<a href="${escapeHtml(`/_new?parent=${encodeURIComponent(page.path)}`)}">New subpage</a>` : '') +
    (ui.canWrite && isTemplatePath(page.path)
      ? `<a href="${escapeHtml(`/_new?template=${encodeURIComponent(page.path)}`)}" data-testid="use-template">New page from this template</a>`
      : '') +
    `</nav><p class="muted">Revision ${page.revision}` +
    (page.updatedByName ? escapeHtml(`, last edited by ${page.updatedByName}`) : '') +
    ` · <time datetime="${new Date(page.updatedAt).toISOString()}">${escapeHtml(formatDate(page.updatedAt))}</time></p></header>`;
  if (page.toc.length > 1) {
    html += '<nav class="toc" aria-label="Contents"><strong>Contents</strong><ol>';
    for (const entry of page.toc) {
      html += `<li class="toc-level-${escapeHtml(String(entry.level))}"><a href="${escapeHtml(`#${entry.id}`)}">${escapeHtml(entry.text)}</a></li>`;
    }
    html += '</ol></nav>';
  }
  // Sanitised at save time (policy/render/sanitize.ts): the stored HTML is safe to emit as is.
  return `${html}<div class="markdown-body" data-testid="page-content">`;
}

/** The article after the page's stored HTML (backlinks), and the end of the document. */
function articleTail(page: PageView): string {
  let html = '</div>';
  if (page.backlinks.length > 0) {
    html += '<footer class="backlinks"><h2>Pages linking here</h2><ul>';
    for (const b of page.backlinks) html += `<li><a href="${escapeHtml(pageUrl(b.path))}">${escapeHtml(b.title)}</a></li>`;
    html += '</ul></footer>';
  }
  return `${html}</article></main></div></body></html>`;
}

/** The whole page-view document; `sidebarHtml` is the sidebar's rendered (escaped) markup, always shown. */
export function renderPageViewHtml(ui: UiContext, page: PageView, sidebarHtml: string): string {
  return beforeSidebar(ui, page) + sidebarHtml + '</aside><main id="main">' + articleHead(ui, page) + page.html + articleTail(page);
}

function beforeSidebar(ui: UiContext, page: PageView): string {
  const frame = frameFor(ui);
  return (
    '<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>' +
    escapeHtml(page.title) +
    frame.afterTitle +
    frame.brandToNav +
    header(ui) +
    '<div class="frame with-sidebar"><aside class="sidebar">'
  );
}

/** One page's article, encoded: its head, its stored HTML and its tail, for readers or for writers. */
interface Article {
  page: PageView;
  bytes: Buffer;
}

/** Milliseconds of a timestamp (a Date from the driver, or its text), as `new Date(value).getTime()`. */
function timeOf(value: Date | string | number): number {
  return value instanceof Date ? value.getTime() : new Date(value).getTime();
}

/** Every input of the article except `canWrite` (part of the cache key) is compared, its HTML included. */
function sameArticle(a: PageView, b: PageView): boolean {
  if (a.id !== b.id || a.revision !== b.revision || a.path !== b.path || a.title !== b.title || a.updatedByName !== b.updatedByName) return false;
  // Links are re-rendered into a page's HTML without a new revision; comparing text is cheaper than encoding it.
  if (a.html !== b.html) return false;
  // The same text is the same time; anything else (Dates, other spellings) is compared as a time.
  if (a.updatedAt !== b.updatedAt && timeOf(a.updatedAt) !== timeOf(b.updatedAt)) return false;
  if (a.toc.length !== b.toc.length || a.backlinks.length !== b.backlinks.length) return false;
  // Reads share the parsed table of contents while its text is unchanged (store/page-view.ts).
  for (let i = 0; a.toc !== b.toc && i < a.toc.length; i++) {
    const x = a.toc[i]!;
    const y = b.toc[i]!;
    if (x.level !== y.level || x.id !== y.id || x.text !== y.text) return false;
  }
  for (let i = 0; a.backlinks !== b.backlinks && i < a.backlinks.length; i++) {
    const x = a.backlinks[i]!;
    const y = b.backlinks[i]!;
    if (x.path !== y.path || x.title !== y.title) return false;
  }
  return true;
}

const ARTICLE_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Renders page views as UTF-8 bytes. The article (the markup around the stored HTML, and that HTML) is kept
 * encoded per page and reused while every input it shows is unchanged (compared on each view, so it can
 * never be stale); the sidebar comes encoded from its own cache. What is left per view: the header (who is
 * signed in) and one copy of the parts into the answer.
 */
export function createPageViewRenderer(options: { maxBytes?: number } = {}) {
  const maxBytes = options.maxBytes ?? ARTICLE_CACHE_BYTES;
  const articles = new Map<string, Article>();
  let bytes = 0;
  const articleFor = (ui: UiContext, page: PageView): Article => {
    const key = `${ui.canWrite ? 'w' : 'r'}${page.id}`;
    const hit = articles.get(key);
    if (hit && sameArticle(hit.page, page)) return hit;
    if (hit) {
      articles.delete(key);
      bytes -= hit.bytes.length;
    }
    const article = { page, bytes: Buffer.from(articleHead(ui, page) + page.html + articleTail(page)) };
    const size = article.bytes.length;
    if (size <= maxBytes / 16) {
      // Map order is insertion order: the oldest entries go first.
      for (const [oldKey, old] of articles) {
        if (bytes + size <= maxBytes) break;
        articles.delete(oldKey);
        bytes -= old.bytes.length;
      }
      articles.set(key, article);
      bytes += size;
    }
    return article;
  };
  return function renderPageViewBytes(ui: UiContext, page: PageView, sidebar: Uint8Array): Uint8Array<ArrayBuffer> {
    const article = articleFor(ui, page).bytes;
    const before = Buffer.from(beforeSidebar(ui, page));
    return Buffer.concat([before, sidebar, MAIN_OPEN, article], before.length + sidebar.length + MAIN_OPEN.length + article.length);
  };
}

const MAIN_OPEN = Buffer.from('</aside><main id="main">');
