// A wiki import: the Markdown files of an uploaded zip become pages (policy/import-layout.ts decides
// which and where), and the other files they link to (images, PDFs…) become the wiki's uploads, their
// links pointing to them (policy/import-links.ts). Pages and file records are written in one
// transaction. The archive is read with bounds on every size a zip can lie about, so a small upload
// cannot unpack into gigabytes.
import { Uint8ArrayReader, ZipReader, type FileEntry } from '@zip.js/zip.js';
import { AppError } from '#shared/errors';
import { formatBytes, isInlineSafe } from '#shared/media-policy';
import type { ImportFile, InstanceDb, MediaImports, StagedFiles } from '../deps.ts';
import { exportedFiles, importedFileType, isMarkdownFile, MAX_IMPORT_PAGES, planImport, type ArchiveFile, type ImportedPage } from '../policy/import-layout.ts';
import { archiveIndex, linkedArchiveFiles, rewriteArchiveLinks, type LinkTarget } from '../policy/import-links.ts';
import { livePathsAmong } from '../store/pages.ts';
import { pageUrl } from '../views/links.tsx';
import type { Actor, Wiki } from './wiki.ts';

/** The largest archive accepted, as uploaded. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** A page is at most 500k characters, so at most 2 MB of UTF-8; a manifest may list thousands of pages. */
const MAX_PAGE_BYTES = 2 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** Everything unpacked together. */
const MAX_UNPACKED_BYTES = 200 * 1024 * 1024;
/** The linked files, held in memory until stored: a 50 MB archive of photos is well within it. */
const MAX_FILE_BYTES = 100 * 1024 * 1024;
const MAX_LINKED_FILES = MAX_IMPORT_PAGES;
const MANIFEST = 'wiki.json';
/** Files of any kind in the archive (an export also holds media/ and its README). */
const MAX_ENTRIES = 20 * MAX_IMPORT_PAGES;
/** Problems named in an answer; the count says how many there were. */
const MAX_PROBLEMS_SHOWN = 50;

/** What an import does at a path that already has a live page: leave it, or give it the imported text as a new revision. */
export const EXISTING_PAGE_MODES = ['skip', 'update'] as const;
export type ExistingPageMode = (typeof EXISTING_PAGE_MODES)[number];

export interface ImportResult {
  created: { id: number; path: string }[];
  /** Paths that already had a live page, left as they are (mode `skip`). */
  existing: string[];
  /** Pages given the imported title and text as a new revision (mode `update`). */
  updated: { id: number; path: string }[];
  /** Pages that already had the imported title and text (mode `update`). */
  unchanged: string[];
  files: {
    /** Files the new pages link to, stored as uploads; `url` is where the pages' links now point. */
    imported: { file: string; url: string }[];
    /** Linked files this wiki stores already, byte for byte (its own export brought back): not stored twice. */
    reused: { file: string; url: string }[];
    /** Linked files not stored (a type or size uploads refuse): their links stay as written. */
    skipped: { file: string; reason: string }[];
  };
}

function refused(problems: string[]): AppError {
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN);
  const message = `Nothing was imported: ${problems.length === 1 ? 'one file has a problem' : `${problems.length} problems`}. ${shown[0]}`;
  return new AppError('validation_failed', message, { problems: shown, problemCount: problems.length });
}

/** An entry's bytes, refused beyond `max` whatever the archive declared. */
async function unpack(entry: FileEntry, max: number): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const sink = new WritableStream<Uint8Array>({
    write(chunk) {
      size += chunk.length;
      if (size > max) throw new RangeError('too large');
      chunks.push(chunk);
    },
  });
  try {
    await entry.getData!(sink);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

interface OpenArchive {
  /** The Markdown files, as text. */
  files: ArchiveFile[];
  manifest?: string;
  /** Every other file, by name, unread. */
  others: Map<string, FileEntry>;
  close(): Promise<void>;
}

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** The archive's Markdown files (as text) and manifest; a 400 naming the file for anything unreadable. */
async function openArchive(bytes: Uint8Array): Promise<OpenArchive> {
  const reader = new ZipReader(new Uint8ArrayReader(bytes), { useWebWorkers: false });
  let entries;
  try {
    entries = await reader.getEntries();
  } catch {
    throw new AppError('bad_request', 'The upload is not a zip archive (or it is damaged).');
  }
  // Every entry costs a little even when skipped; a zip of a million empty names is not a wiki.
  if (entries.length > MAX_ENTRIES) {
    await reader.close();
    throw refused([`The archive holds ${entries.length} entries; an import reads at most ${MAX_ENTRIES}.`]);
  }
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const files: ArchiveFile[] = [];
  const others = new Map<string, FileEntry>();
  const problems: string[] = [];
  let manifest: string | undefined;
  let unpacked = 0;
  try {
    for (const entry of entries) {
      // Names become paths and file names stored in Postgres, whose text refuses NUL.
      if (CONTROL_CHARACTER.test(entry.filename)) {
        problems.push(`${JSON.stringify(entry.filename.slice(0, 80))}: a name with a control character.`);
        continue;
      }
      if (entry.directory) continue;
      if (!(entry.filename === MANIFEST || isMarkdownFile(entry.filename))) {
        others.set(entry.filename, entry);
        continue;
      }
      if (entry.encrypted) {
        problems.push(`${entry.filename}: encrypted; import takes unencrypted archives.`);
        continue;
      }
      const limit = entry.filename === MANIFEST ? MAX_MANIFEST_BYTES : MAX_PAGE_BYTES;
      const data = entry.uncompressedSize > limit ? null : await unpack(entry, limit);
      if (!data) {
        problems.push(`${entry.filename}: larger than ${limit / 1024 / 1024} MB unpacked.`);
        continue;
      }
      unpacked += data.length;
      if (unpacked > MAX_UNPACKED_BYTES) throw refused([`The archive unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB of text.`]);
      let text: string;
      try {
        text = utf8.decode(data);
      } catch {
        problems.push(`${entry.filename}: not UTF-8 text.`);
        continue;
      }
      if (entry.filename === MANIFEST) manifest = text;
      else files.push({ name: entry.filename, text });
    }
  } catch (err) {
    await reader.close();
    if (err instanceof AppError) throw err;
    throw damaged(err);
  }
  if (problems.length > 0) {
    await reader.close();
    throw refused(problems);
  }
  return { files, manifest, others, close: () => reader.close() };
}

/** A damaged entry (bad CRC, truncated data) is the upload's fault, not ours. */
const damaged = (err: unknown) => new AppError('bad_request', `The archive could not be read: ${(err as Error).message}.`);

export interface ImportInput {
  wiki: Wiki;
  db: InstanceDb;
  /** Absent: the wiki keeps no files, and linked files are skipped. */
  media?: MediaImports;
  actor: Actor & { id: number };
  /** The largest file the importing user may upload (MediaImports.uploadCap); null: none. */
  uploadCap: number | null;
  language: string;
  /** Default `skip`. */
  existing?: ExistingPageMode;
}

/** One import at a time per wiki: each holds its archive and the files it stores in memory. */
const running = new WeakSet<Wiki>();

export async function importWiki(input: ImportInput, bytes: Uint8Array): Promise<ImportResult> {
  if (running.has(input.wiki)) throw new AppError('rate_limited', 'Another import into this wiki is running. Try again when it has finished.');
  running.add(input.wiki);
  try {
    const archive = await openArchive(bytes);
    try {
      return await importArchive(input, archive);
    } finally {
      await archive.close();
    }
  } finally {
    running.delete(input.wiki);
  }
}

async function importArchive(input: ImportInput, archive: OpenArchive): Promise<ImportResult> {
  const plan = planImport(archive.files, archive.manifest);
  if (!plan.ok) throw refused(plan.problems);
  // Skipped paths (importPages checks again, in its transaction) need no files: only the written pages' are stored.
  const updating = input.existing === 'update';
  const existing = updating ? new Set<string>() : await livePathsAmong(input.db, plan.pages.map((p) => p.path));
  const index = archiveIndex([...archive.files.map((f) => f.name), ...archive.others.keys()]);
  const pageByFile = new Map(plan.pages.map((p) => [p.file, p]));

  const linked = new Set<string>();
  for (const page of plan.pages) {
    if (existing.has(page.path)) continue;
    for (const name of linkedArchiveFiles(page.content, page.file, index)) if (archive.others.has(name)) linked.add(name);
  }
  // Each is one request to storage while the admin waits.
  if (linked.size > MAX_LINKED_FILES) throw refused([`The pages link to ${linked.size} files of the archive; an import stores at most ${MAX_LINKED_FILES}.`]);
  const read = await readLinkedFiles(input, archive, [...linked].sort());
  const { skipped } = read;
  // An export of this very wiki brought back: its files are here already, so the links point to them.
  const kept = read.files.length > 0 ? await input.media!.alreadyStored(read.files) : new Map<string, { key: string; url: string }>();
  const files = read.files.filter((f) => !kept.has(f.name));

  let staged: StagedFiles | undefined;
  if (files.length > 0) {
    const result = await input.media!.stage(files, input.actor.id);
    if (!result.ok) {
      const needed = files.reduce((sum, f) => sum + f.bytes.length, 0);
      const free = Math.max(0, input.media!.quotaBytes - result.usedBytes);
      throw new AppError('payload_too_large', `Nothing was imported: the files the pages link to take ${formatBytes(needed)}, and this wiki's storage has ${formatBytes(free)} left of ${formatBytes(input.media!.quotaBytes)}.`, {
        neededBytes: needed,
        usedBytes: result.usedBytes,
        quotaBytes: input.media!.quotaBytes,
      });
    }
    staged = result.staged;
  }

  const stored = new Map((staged?.files ?? []).map((f) => [f.name, f]));
  const keptFiles = new Map(read.files.filter((f) => kept.has(f.name)).map((f) => [f.name, { ...f, url: kept.get(f.name)!.url }]));
  const targetOf = (name: string): LinkTarget => {
    const page = pageByFile.get(name);
    if (page) return { url: pageUrl(page.path), label: page.title, image: false };
    const file = stored.get(name) ?? keptFiles.get(name);
    return file ? { url: file.url, label: file.filename, image: isInlineSafe(file.contentType) } : null;
  };
  const pages: ImportedPage[] = plan.pages.map((p) => (existing.has(p.path) ? p : { ...p, content: rewriteArchiveLinks(p.content, p.file, index, targetOf) }));
  try {
    const reusedKeys = [...kept.values()].map((f) => f.key);
    const written = await input.wiki.importPages(input.actor, pages, 'Imported', input.language, {
      updateExisting: updating,
      alsoWrite: async (tx) => {
        await staged?.record(tx);
        // A reused file deleted while the import ran would leave the pages linking to nothing.
        if (reusedKeys.length > 0 && !(await input.media!.holdStored(tx, reusedKeys))) {
          throw new AppError('conflict', 'A file of this wiki the archive links to was deleted during the import. Nothing was imported; try again.');
        }
      },
    });
    const imported = (staged?.files ?? []).map((f) => ({ file: f.name, url: f.url }));
    return { ...written, files: { imported, reused: [...keptFiles.values()].map((f) => ({ file: f.name, url: f.url })), skipped } };
  } catch (err) {
    await staged?.discard().catch(() => {});
    throw err;
  }
}

/** The bytes of each linked file uploads would take, and why each other one is skipped. */
async function readLinkedFiles(input: ImportInput, archive: OpenArchive, names: string[]): Promise<{ files: ImportFile[]; skipped: { file: string; reason: string }[] }> {
  const files: ImportFile[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const declared = exportedFiles(archive.manifest);
  let total = 0;
  for (const name of names) {
    const entry = archive.others.get(name)!;
    const listed = declared.get(name);
    const contentType = importedFileType(name, listed?.contentType);
    const cap = Math.min(input.uploadCap ?? 0, MAX_FILE_BYTES);
    const overCap = `larger than ${formatBytes(cap)}, the most a file may be here`;
    let reason: string | undefined;
    if (!input.media) reason = 'this wiki does not keep uploaded files';
    else if (input.uploadCap === null) reason = 'uploading needs a plan that includes this wiki';
    else if (!contentType) reason = 'not a type of file uploads take';
    else if (entry.encrypted) reason = 'encrypted';
    else if (entry.uncompressedSize > cap) reason = overCap;
    if (reason) {
      skipped.push({ file: name, reason });
      continue;
    }
    let bytes: Uint8Array | null;
    try {
      bytes = await unpack(entry, cap);
    } catch (err) {
      throw damaged(err);
    }
    if (!bytes) skipped.push({ file: name, reason: overCap });
    else if (bytes.length === 0) skipped.push({ file: name, reason: 'empty' });
    else if ((total += bytes.length) > MAX_FILE_BYTES) {
      throw refused([`The files the pages link to unpack to more than ${formatBytes(MAX_FILE_BYTES)}; import them in smaller archives.`]);
    } else files.push({ name, filename: listed?.filename ?? name.slice(name.lastIndexOf('/') + 1), contentType: contentType!, bytes });
  }
  return { files, skipped };
}
