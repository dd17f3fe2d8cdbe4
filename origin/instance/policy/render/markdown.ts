// Markdown → safe HTML for wiki pages. Two pure steps around one lookup: parse (and list the internal
// links), let the store resolve those links, then render with the resolution and sanitise.
import hljs from 'highlight.js';
import MarkdownIt, { type MarkdownIt as Md, type Token } from 'markdown-it';
import { escapeHtml } from '#shared/escape-html';
import type { TocEntry } from '../../schema.ts';
import { internalHref, refId, type LinkRef, type Resolution } from './link-refs.ts';
import { mediaKeysIn } from './media-refs.ts';
import { headingAnchors, inlineText, taskLists, wikiLinks, type RenderEnv } from './plugins.ts';
import { sanitizeRendered } from './sanitize.ts';

export interface ParsedPage {
  pagePath: string;
  tokens: Token[];
  env: RenderEnv & { pagePath: string; resolution?: Resolution };
  /** Distinct internal links, in order of appearance. */
  refs: LinkRef[];
}

export interface RenderedPage {
  html: string;
  toc: TocEntry[];
  plainText: string;
  refs: LinkRef[];
  /** Storage keys of the uploaded files the page shows or links to (media-refs.ts). */
  mediaKeys: string[];
}

const LANGUAGE = /^[\w+#.-]{1,30}$/;

function createMarkdown(): Md {
  const md: Md = new MarkdownIt({
    html: true, // raw HTML is allowed in the source and then sanitised like everything else
    linkify: true,
    typographer: false,
    highlight(code, lang) {
      const language = lang && LANGUAGE.test(lang) && hljs.getLanguage(lang) ? lang : null;
      const body = language ? hljs.highlight(code, { language, ignoreIllegals: true }).value : escapeHtml(code);
      const cls = language ? `hljs language-${language}` : 'hljs';
      return `<pre class="hljs"><code class="${cls}">${body}</code></pre>`;
    },
  });
  md.use(wikiLinks).use(taskLists).use(headingAnchors);

  md.renderer.rules.wiki_link = (tokens, idx, _options, rawEnv) => {
    const env = rawEnv as unknown as ParsedPage['env'];
    const { ref, fragment, label } = tokens[idx]?.meta as { ref: LinkRef; fragment: string; label: string };
    const target = env.resolution?.get(refId(ref));
    const hash = fragment ? `#${encodeURIComponent(fragment)}` : '';
    if (target) return `<a class="wiki-link" href="${escapeHtml(encodePath(target.path) + hash)}">${escapeHtml(label)}</a>`;
    const href = ref.kind === 'path' ? encodePath(ref.key) : `/_new?title=${encodeURIComponent(label)}`;
    return `<a class="wiki-missing" href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
  };

  // Markdown links to wiki paths point at the page's current path (after a move) or are marked missing.
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, rawEnv, self) => {
    const env = rawEnv as unknown as ParsedPage['env'];
    const token = tokens[idx] as Token;
    const internal = internalHref(String(token.attrGet('href') ?? ''), env.pagePath);
    if (internal && token.markup !== 'linkify') {
      const target = env.resolution?.get(refId(internal.ref));
      token.attrSet('href', encodePath(target ? target.path : internal.ref.key) + internal.suffix);
      token.attrJoin('class', target ? 'wiki-link' : 'wiki-missing');
    }
    return defaultLinkOpen(tokens, idx, options, rawEnv, self);
  };
  return md;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

const md = createMarkdown();

/** Parses a page and lists the internal links it makes. Pure. */
export function parsePage(content: string, pagePath: string): ParsedPage {
  const env: ParsedPage['env'] = { pagePath };
  const tokens = md.parse(content, env as unknown as Record<string, unknown>);
  const refs = new Map<string, LinkRef>();
  for (const token of tokens) {
    for (const child of token.children ?? []) {
      if (child.type === 'wiki_link') {
        const ref = (child.meta as { ref: LinkRef }).ref;
        refs.set(refId(ref), ref);
      } else if (child.type === 'link_open' && child.markup !== 'linkify') {
        const internal = internalHref(String(child.attrGet('href') ?? ''), pagePath);
        if (internal) refs.set(refId(internal.ref), internal.ref);
      }
    }
  }
  return { pagePath, tokens, env, refs: [...refs.values()] };
}

/** Renders a parsed page with its links resolved, then sanitises. Pure. */
export function renderParsed(parsed: ParsedPage, resolution: Resolution): RenderedPage {
  parsed.env.resolution = resolution;
  const html = sanitizeRendered(md.renderer.render(parsed.tokens, md.options, parsed.env as unknown as Record<string, unknown>));
  return { html, toc: parsed.env.toc ?? [], plainText: plainText(parsed.tokens), refs: parsed.refs, mediaKeys: mediaKeysIn(html) };
}

/** Convenience for previews and tests: render with no link resolution (every internal link "missing"). */
export function renderMarkdown(content: string, pagePath = '/', resolution: Resolution = new Map()): RenderedPage {
  return renderParsed(parsePage(content, pagePath), resolution);
}

/** Words a reader sees, for search and snippets (markup, URLs and raw HTML left out). */
function plainText(tokens: Token[]): string {
  const parts: string[] = [];
  for (const token of tokens) {
    if (token.type === 'inline') parts.push(inlineText(token).replace(/#$/, ''));
    else if (token.type === 'fence' || token.type === 'code_block') parts.push(token.content);
  }
  return parts.join('\n').slice(0, 200_000);
}
