// What an imported page's links to other files of its archive become. Pure: services/wiki-import.ts
// reads the archive, stores the files and writes the pages.
//
// A folder of Markdown links its files relatively: `![Diagram](../assets/diagram.png)`,
// `[Guide](guide.md)`, `<img src="img/a.png">`, and in Obsidian `![[diagram.png]]` (found by name
// anywhere in the vault). Once imported, a page lives at /section/page and its files under /_media/…,
// so each link that names a file of the archive is made to point where that file now is: an imported
// page's path, or an uploaded file's media path. Links to anything else stay exactly as written.
import { isMarkdownFile } from './import-layout.ts';

/** The archive's file names, and the same by base name for Obsidian's embeds. */
export interface ArchiveIndex {
  names: ReadonlySet<string>;
  byBasename: ReadonlyMap<string, readonly string[]>;
}

export function archiveIndex(names: Iterable<string>): ArchiveIndex {
  const all = new Set<string>();
  const byBasename = new Map<string, string[]>();
  for (const name of names) {
    if (name.endsWith('/')) continue;
    all.add(name);
    const base = name.slice(name.lastIndexOf('/') + 1);
    byBasename.set(base, [...(byBasename.get(base) ?? []), name]);
  }
  return { names: all, byBasename };
}

/** What a link to an archive file becomes; null leaves it as written. */
export type LinkTarget = { url: string; label: string; image: boolean } | null;

// A Markdown destination `](target)` or `](<target>)`, an HTML src/href in double quotes, or an Obsidian
// embed `![[name#part|alias]]`.
const LINK = /\]\(\s*(?:<([^>\n]+)>|([^\s)]+))|\b(src|href)="([^"\n]+)"|!\[\[([^\]|#\n]+)(?:#[^\]|\n]*)?(?:\|([^\]\n]*))?\]\]/g;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * The archive file a relative link from `fromFile` names: resolved against its folder, query and
 * fragment dropped, percent-escapes decoded. Null for absolute links, other sites, and paths that leave
 * the archive or name nothing in it.
 */
export function resolveArchiveLink(fromFile: string, target: string, index: ArchiveIndex): string | null {
  if (SCHEME.test(target) || /^[/#?\\]/.test(target)) return null;
  let path = target.replace(/[?#].*$/, '');
  try {
    path = decodeURIComponent(path);
  } catch {
    // A stray % is part of the name.
  }
  const segments = fromFile.split('/').slice(0, -1);
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return null;
      segments.pop();
    } else segments.push(segment);
  }
  const name = segments.join('/');
  return index.names.has(name) ? name : null;
}

/** Obsidian's embed: the exact relative path, else the one file of that name in the whole vault. */
function resolveEmbed(fromFile: string, target: string, index: ArchiveIndex): string | null {
  const exact = resolveArchiveLink(fromFile, target.trim(), index);
  if (exact) return exact;
  const matches = index.byBasename.get(target.trim().split('/').pop()!) ?? [];
  return matches.length === 1 ? matches[0]! : null;
}

/** Brackets, backslashes and line breaks would end a label early. */
const escapeLabel = (text: string) => text.replace(/[\r\n]+/g, ' ').replace(/([\\[\]])/g, '\\$1');

/**
 * The page's Markdown with every link to an archive file replaced by what `targetOf` says that file
 * became. Called with a `targetOf` that records its argument and answers null, it lists the files a page
 * links to without changing anything.
 */
export function rewriteArchiveLinks(content: string, fromFile: string, index: ArchiveIndex, targetOf: (name: string) => LinkTarget): string {
  return content.replace(LINK, (whole, angled?: string, plain?: string, attribute?: string, quoted?: string, embed?: string, alias?: string) => {
    if (embed !== undefined) {
      const name = resolveEmbed(fromFile, embed, index);
      const target = name ? targetOf(name) : null;
      if (!target) return whole;
      const label = escapeLabel(alias?.trim() || target.label);
      return target.image ? `![${label}](${target.url})` : `[${label}](${target.url})`;
    }
    if (quoted !== undefined) {
      const name = resolveArchiveLink(fromFile, quoted, index);
      const target = name ? targetOf(name) : null;
      return target ? `${attribute}="${target.url}"` : whole;
    }
    const raw = (angled ?? plain)!;
    const name = resolveArchiveLink(fromFile, raw, index);
    const target = name ? targetOf(name) : null;
    if (!target) return whole;
    // A link into a page keeps its #section.
    const fragment = isMarkdownFile(name!) && raw.includes('#') ? raw.slice(raw.indexOf('#')) : '';
    return `](${target.url}${fragment}`;
  });
}

/** The archive files a page links to (pages and other files alike). */
export function linkedArchiveFiles(content: string, fromFile: string, index: ArchiveIndex): Set<string> {
  const linked = new Set<string>();
  rewriteArchiveLinks(content, fromFile, index, (name) => {
    linked.add(name);
    return null;
  });
  return linked;
}
