// markdown-it plugins for what GFM and wikis add: task lists, heading anchors (and the TOC), wiki links.
import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import type { TocEntry } from '../../schema.ts';
import { slugify } from '../page-path.ts';
import { parseWikiTarget } from './link-refs.ts';

export interface RenderEnv {
  toc?: TocEntry[];
  slugs?: Map<string, number>;
}

/** The most characters a wiki link takes, brackets included. */
const MAX_WIKI_LINK = 402;

/** `[[Target]]`, `[[Target|label]]`, `[[Target#section]]` → a `wiki_link` token resolved at render time. */
export function wikiLinks(md: MarkdownIt) {
  md.inline.ruler.before('link', 'wiki_link', (state, silent) => {
    const { src, pos } = state;
    if (src.charCodeAt(pos) !== 0x5b || src.charCodeAt(pos + 1) !== 0x5b) return false;
    // The closing `]]` is looked for within the 400 characters a link may take, not in the rest of the
    // text: at every `[[` of a page full of them, that search would cost the whole page.
    const close = src.slice(pos + 2, pos + MAX_WIKI_LINK).indexOf(']]');
    if (close < 0) return false;
    const end = pos + 2 + close;
    const inner = src.slice(pos + 2, end);
    if (inner.includes('[') || inner.includes('\n')) return false;
    const parsed = parseWikiTarget(inner);
    if (!parsed) return false;
    if (!silent) {
      const token = state.push('wiki_link', '', 0);
      token.meta = parsed;
      token.content = parsed.label;
    }
    state.pos = end + 2;
    return true;
  });
}

/** `- [ ] todo` / `- [x] done` → a disabled checkbox (GitHub-style task list). */
export function taskLists(md: MarkdownIt) {
  md.core.ruler.after('inline', 'task_lists', (state: StateCore) => {
    const tokens = state.tokens;
    for (let i = 2; i < tokens.length; i++) {
      const inline = tokens[i] as Token;
      const item = tokens[i - 2] as Token;
      if (inline.type !== 'inline' || tokens[i - 1]?.type !== 'paragraph_open' || item.type !== 'list_item_open') continue;
      const match = /^\[([ xX])\][ \t]/.exec(inline.content);
      const first = inline.children?.[0];
      if (!match || !first || first.type !== 'text') continue;
      first.content = first.content.slice(match[0].length);
      const box = new state.Token('html_inline', '', 0);
      box.content = match[1] === ' ' ? '<input type="checkbox" disabled> ' : '<input type="checkbox" disabled checked> ';
      inline.children?.unshift(box);
      item.attrJoin('class', 'task-list-item');
      for (let j = i - 3; j >= 0; j--) {
        const t = tokens[j] as Token;
        if ((t.type === 'bullet_list_open' || t.type === 'ordered_list_open') && t.level === item.level - 1) {
          if (!String(t.attrGet('class') ?? '').includes('contains-task-list')) t.attrJoin('class', 'contains-task-list');
          break;
        }
      }
    }
  });
}

/** Gives every heading a stable id and a `#` permalink, and records the table of contents in env. */
export function headingAnchors(md: MarkdownIt) {
  md.core.ruler.push('heading_anchors', (state: StateCore) => {
    const env = state.env as RenderEnv;
    env.toc ??= [];
    env.slugs ??= new Map();
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length - 1; i++) {
      const open = tokens[i] as Token;
      const inline = tokens[i + 1] as Token;
      if (open.type !== 'heading_open' || inline.type !== 'inline') continue;
      const text = inlineText(inline).trim();
      const base = slugify(text).slice(0, 80) || 'section';
      const seen = env.slugs.get(base) ?? 0;
      env.slugs.set(base, seen + 1);
      const id = seen === 0 ? base : `${base}-${seen}`;
      open.attrSet('id', id);
      env.toc.push({ level: Number(open.tag.slice(1)), id, text: text.slice(0, 200) });
      const linkOpen = new state.Token('link_open', 'a', 1);
      linkOpen.attrs = [['class', 'header-anchor'], ['href', `#${id}`], ['aria-hidden', 'true']];
      const mark = new state.Token('text', '', 0);
      mark.content = '#';
      inline.children?.push(linkOpen, mark, new state.Token('link_close', 'a', -1));
    }
  });
}

/** The visible text of an inline token (for heading slugs and search text). */
export function inlineText(inline: Token): string {
  return (inline.children ?? [])
    .map((child) => (child.type === 'text' || child.type === 'code_inline' || child.type === 'wiki_link' ? child.content : ''))
    .join('');
}
