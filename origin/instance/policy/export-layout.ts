// Where each thing goes in a wiki export, and what the files say. Pure: the export service
// (services/wiki-export.ts) reads the database and storage and writes the archive; this decides names,
// links and text, so the layout can be read and tested in one place.
//
//   README.md                      what the archive is and how it is laid out
//   pages/_index.md                the home page (/)
//   pages/handbook.md              /handbook
//   pages/handbook/onboarding.md   /handbook/onboarding
//   media/2026/11/<id>/photo.png   an uploaded file (its storage key below tenants/<instance>/uploads/)
//   wiki.json                      the manifest: every page and file with its metadata, written last
//
// Page paths are slugs (letters, digits and dashes: policy/page-path.ts), so each is a valid file path on
// every system; no slug starts with "_", so the home page's `_index.md` cannot collide with a page.
import { stringify } from 'yaml';
import { mediaPath } from '#shared/media-contract';
import { uploadsPrefix } from '#shared/media-key';

/** Named in the manifest, so a reader of the archive (an import, a script) knows what it holds. */
export const EXPORT_FORMAT = 'wikiplatform-export/1';

export const PAGES_DIR = 'pages';
export const MEDIA_DIR = 'media';
export const HOME_FILE = `${PAGES_DIR}/_index.md`;

/** `/` → `pages/_index.md`; `/handbook/onboarding` → `pages/handbook/onboarding.md`. */
export function pageFile(path: string): string {
  return path === '/' ? HOME_FILE : `${PAGES_DIR}${path}.md`;
}

/** The archive name of an uploaded file: its key below the instance's uploads prefix, under `media/`. */
export function mediaFile(instanceId: string, key: string): string | null {
  const prefix = uploadsPrefix(instanceId);
  if (!key.startsWith(prefix)) return null;
  const rest = key.slice(prefix.length);
  // Keys are built by the server (shared/media-key.ts); this only guards the archive against a bad row.
  if (rest.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return null;
  return `${MEDIA_DIR}/${rest}`;
}

/** The storage key an archive's `media/…` file had in the wiki it was exported from, were it this one; else null. */
export function mediaKeyOf(instanceId: string, archiveName: string): string | null {
  if (!archiveName.startsWith(`${MEDIA_DIR}/`)) return null;
  const rest = archiveName.slice(MEDIA_DIR.length + 1);
  if (rest.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return null;
  return `${uploadsPrefix(instanceId)}${rest}`;
}

/** A link from one archive file to another, relative, each segment percent-encoded for Markdown. */
export function relativeLink(fromFile: string, toFile: string): string {
  const from = fromFile.split('/').slice(0, -1);
  const to = toFile.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = from.slice(common).map(() => '..');
  return [...up, ...to.slice(common)].map((segment) => (segment === '..' ? segment : encodeURIComponent(segment))).join('/');
}

/**
 * A page's Markdown with its links to uploaded files made relative to the copies in the archive, so the
 * export reads offline in any Markdown viewer. Only files that are in the archive (`files`: media path
 * → archive file) are rewritten; any other link stays as written.
 */
export function withArchiveMediaLinks(content: string, instanceId: string, fromFile: string, files: ReadonlyMap<string, string>): string {
  if (files.size === 0) return content;
  const prefix = mediaPath(uploadsPrefix(instanceId));
  if (!content.includes(prefix)) return content;
  // A media path ends where Markdown or HTML would end a link target.
  const pattern = new RegExp(`${escapeRegExp(prefix)}[^\\s)"'<>\\]]+`, 'g');
  return content.replace(pattern, (path) => {
    const file = files.get(path);
    return file ? relativeLink(fromFile, file) : path;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export interface ExportedPage {
  path: string;
  title: string;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string | null;
}

/** The page file: YAML front matter (what Hugo, Jekyll, Obsidian and most Markdown tools read), then the body. */
export function pageDocument(page: ExportedPage, body: string): string {
  const front = stringify(
    {
      title: page.title,
      path: page.path,
      revision: page.revision,
      created: page.createdAt.toISOString(),
      updated: page.updatedAt.toISOString(),
      ...(page.updatedBy ? { updatedBy: page.updatedBy } : {}),
    },
    // Every string quoted: a title such as "yes" or "2024-01-01" must stay a string for YAML 1.1 readers too.
    { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' },
  );
  // The body exactly as stored (no newline added), so an import gives back the same Markdown.
  return `---\n${front}---\n\n${body}`;
}

/** `instance1-wiki-2026-11-21.zip`: the instance id is a DNS label, safe in a Content-Disposition. */
export function archiveName(instanceId: string, at: Date): string {
  return `${instanceId}-wiki-${at.toISOString().slice(0, 10)}.zip`;
}

export function readme(o: { instanceId: string; title: string; exportedAt: Date; withMedia: boolean }): string {
  return [
    `# ${o.title}`,
    '',
    `An export of the wiki \`${o.instanceId}\`, made ${o.exportedAt.toISOString()}.`,
    '',
    '- `pages/`: one Markdown file a page, placed by the page\'s path (`/handbook/onboarding` is',
    '  `pages/handbook/onboarding.md`; the home page is `pages/_index.md`). Each starts with YAML front matter:',
    '  title, path, revision, created, updated, last author. `[[Page title]]` links are kept as written.',
    o.withMedia
      ? '- `media/`: the uploaded files. Links to them in the pages point to these copies.'
      : '- Uploaded files are not included (exported without media): links to them still point to the wiki.',
    '- `wiki.json`: the manifest, listing every page and uploaded file with its metadata.',
    '',
    'Pages in the trash and the revision history are not included.',
    '',
  ].join('\n');
}
