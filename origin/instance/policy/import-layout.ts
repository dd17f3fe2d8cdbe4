// What a wiki import makes of an archive's Markdown files: which files are pages, at which path, with
// which title and body. Pure: services/wiki-import.ts reads the zip and writes the pages.
//
// Two shapes are understood:
// - a wikiplatform export (its wiki.json names EXPORT_FORMAT): the files under pages/, each page at the
//   path its front matter names (export-layout.ts);
// - any folder of Markdown (an Obsidian vault, a docs folder, another wiki's Markdown export): every .md
//   file, the folders giving the hierarchy. One folder that holds everything is not a level of its own
//   ("my-vault/guide.md" is /guide); a folder's index.md, _index.md or README.md is the folder's page, and
//   the top-level one is the home page.
import { parse } from 'yaml';
import { z } from 'zod';
import { MEDIA_TYPES, mediaTypeOf, normalizeContentType } from '#shared/media-policy';
import { EXPORT_FORMAT, HOME_FILE, PAGES_DIR } from './export-layout.ts';
import { MAX_CONTENT_LENGTH } from './page-input.ts';
import { normalizePagePath } from './page-path.ts';

export const MAX_IMPORT_PAGES = 2000;
/** Pages are capped at 500k characters (routes' Content schema): the same here. */
export const MAX_PAGE_CHARS = MAX_CONTENT_LENGTH;
const TITLE_MAX = 200;

const INDEX_NAMES = new Set(['index', '_index', 'readme']);

export interface ArchiveFile {
  name: string;
  text: string;
}

export interface ImportedPage {
  file: string;
  path: string;
  title: string;
  content: string;
}

export type ImportPlan = { ok: true; pages: ImportedPage[] } | { ok: false; problems: string[] };

/** Names worth reading as pages: Markdown, not hidden, not an OS's own files. */
export function isMarkdownFile(name: string): boolean {
  if (!/\.(md|markdown)$/i.test(name)) return false;
  return !name.split('/').some((segment) => segment.startsWith('.') || segment === '__MACOSX');
}

/** True when the archive's manifest says it is one of our exports. */
export function isWikiplatformExport(manifestText: string | undefined): boolean {
  if (manifestText === undefined) return false;
  try {
    return (JSON.parse(manifestText) as { format?: unknown }).format === EXPORT_FORMAT;
  } catch {
    return false;
  }
}

// What an import reads of an export's manifest about its files; anything else in it is ignored.
const ManifestFiles = z.object({
  files: z.array(
    z.object({
      file: z.string().nullable(),
      // Stored as the upload's name: no control characters (Postgres text refuses NUL).
      filename: z.string().min(1).max(255).regex(/^[^\u0000-\u001f\u007f]+$/),
      contentType: z.string().max(255),
    }),
  ),
});

/** The uploaded files an export of ours lists (archive name → original name and type); empty for any other archive. */
export function exportedFiles(manifestText: string | undefined): Map<string, { filename: string; contentType: string }> {
  const files = new Map<string, { filename: string; contentType: string }>();
  if (!isWikiplatformExport(manifestText)) return files;
  const parsed = ManifestFiles.safeParse(JSON.parse(manifestText!));
  if (!parsed.success) return files;
  for (const f of parsed.data.files) if (f.file) files.set(f.file, { filename: f.filename, contentType: f.contentType });
  return files;
}

/**
 * The upload type an archive file is stored as: the type its manifest entry gives, else the one its
 * extension names; null when uploads would refuse it (HTML, SVG, scripts…: shared/media-policy.ts).
 */
export function importedFileType(name: string, listed?: string): string | null {
  if (listed !== undefined && mediaTypeOf(listed)) return normalizeContentType(listed);
  const extension = /\.([^./]+)$/.exec(name)?.[1]?.toLowerCase();
  if (!extension) return null;
  const found = Object.entries(MEDIA_TYPES).find(([, type]) => type.extensions.includes(extension));
  return found ? found[0] : null;
}

/** Front matter (a leading `---` YAML block) and the body after it. */
export function splitFrontMatter(text: string): { front: Record<string, unknown>; body: string } | { error: string } {
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const match = /^---\n([\s\S]*?)\n?---(?:\n|$)/.exec(source);
  if (!match) return { front: {}, body: source };
  let front: unknown;
  try {
    front = parse(match[1]!);
  } catch (err) {
    return { error: `its front matter is not valid YAML (${(err as Error).message.split('\n')[0]})` };
  }
  const body = source.slice(match[0].length).replace(/^\n/, '');
  if (front === null || front === undefined) return { front: {}, body };
  if (typeof front !== 'object' || Array.isArray(front)) return { error: 'its front matter is not a set of fields' };
  return { front: front as Record<string, unknown>, body };
}

/** The page path a file's place in a folder tree gives (before normalisation). */
function pathFromFile(relative: string): string {
  const segments = relative.replace(/\.(md|markdown)$/i, '').split('/');
  if (INDEX_NAMES.has(segments[segments.length - 1]!.toLowerCase())) segments.pop();
  return `/${segments.join('/')}`;
}

function firstHeading(body: string): string | undefined {
  return /^#\s+(.+?)\s*#*\s*$/m.exec(body)?.[1];
}

/** The folder every page file sits in, when there is exactly one (it is not a level of the wiki). */
function commonFolder(names: string[]): string {
  const first = names[0]?.split('/') ?? [];
  if (first.length < 2) return '';
  const folder = `${first[0]}/`;
  return names.every((name) => name.startsWith(folder)) ? folder : '';
}

export function planImport(files: ArchiveFile[], manifestText: string | undefined): ImportPlan {
  const ours = isWikiplatformExport(manifestText);
  const candidates = files.filter((f) => isMarkdownFile(f.name) && (!ours || f.name.startsWith(`${PAGES_DIR}/`)));
  if (candidates.length === 0) return { ok: false, problems: ['The archive holds no Markdown (.md) files.'] };
  if (candidates.length > MAX_IMPORT_PAGES) return { ok: false, problems: [`The archive holds ${candidates.length} Markdown files; an import takes at most ${MAX_IMPORT_PAGES}.`] };

  const folder = ours ? `${PAGES_DIR}/` : commonFolder(candidates.map((f) => f.name));
  const problems: string[] = [];
  const byPath = new Map<string, string>();
  const pages: ImportedPage[] = [];
  for (const f of [...candidates].sort((a, b) => a.name.localeCompare(b.name))) {
    const split = splitFrontMatter(f.text);
    if ('error' in split) {
      problems.push(`${f.name}: ${split.error}.`);
      continue;
    }
    const { front, body } = split;
    const givenPath = ours && typeof front.path === 'string' ? front.path : f.name === HOME_FILE ? '/' : pathFromFile(f.name.slice(folder.length));
    const normalized = normalizePagePath(givenPath);
    if (!normalized.ok) {
      problems.push(`${f.name}: ${normalized.reason}`);
      continue;
    }
    const basename = f.name.split('/').pop()!.replace(/\.(md|markdown)$/i, '');
    const title = (typeof front.title === 'string' && front.title.trim()) || firstHeading(body) || (normalized.path === '/' ? 'Home' : basename);
    if (body.includes('\u0000') || title.includes('\u0000')) {
      problems.push(`${f.name}: holds a NUL character, which no page can.`);
      continue;
    }
    if (body.length > MAX_PAGE_CHARS) {
      problems.push(`${f.name}: ${body.length} characters; a page holds at most ${MAX_PAGE_CHARS}.`);
      continue;
    }
    const earlier = byPath.get(normalized.path);
    if (earlier) {
      problems.push(`${f.name}: same page path (${normalized.path}) as ${earlier}.`);
      continue;
    }
    byPath.set(normalized.path, f.name);
    pages.push({ file: f.name, path: normalized.path, title: title.trim().slice(0, TITLE_MAX), content: body });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, pages };
}
