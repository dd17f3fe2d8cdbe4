// A wiki import: the Markdown files of an uploaded zip become pages (policy/import-layout.ts decides
// which and where), all in one transaction. The archive is read with bounds on every size a zip can lie
// about, so a small upload cannot unpack into gigabytes.
import { Uint8ArrayReader, ZipReader } from '@zip.js/zip.js';
import { AppError } from '#shared/errors';
import { isMarkdownFile, MAX_IMPORT_PAGES, planImport, type ArchiveFile } from '../policy/import-layout.ts';
import type { Actor, Wiki } from './wiki.ts';

/** The largest archive accepted, as uploaded. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** A page is at most 500k characters, so at most 2 MB of UTF-8; a manifest may list thousands of pages. */
const MAX_PAGE_BYTES = 2 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** Everything unpacked together. */
const MAX_UNPACKED_BYTES = 200 * 1024 * 1024;
const MANIFEST = 'wiki.json';
/** Files of any kind in the archive (an export also holds media/ and its README). */
const MAX_ENTRIES = 20 * MAX_IMPORT_PAGES;
/** Problems named in an answer; the count says how many there were. */
const MAX_PROBLEMS_SHOWN = 50;

export interface ImportResult {
  created: { id: number; path: string }[];
  /** Paths that already had a live page: left as they are. */
  existing: string[];
}

function refused(problems: string[]): AppError {
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN);
  const message = `Nothing was imported: ${problems.length === 1 ? 'one file has a problem' : `${problems.length} problems`}. ${shown[0]}`;
  return new AppError('validation_failed', message, { problems: shown, problemCount: problems.length });
}

/** An entry's bytes, refused beyond `max` whatever the archive declared. */
async function unpack(entry: { getData?: (writer: WritableStream<Uint8Array>) => Promise<unknown> }, max: number): Promise<Uint8Array | null> {
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

/** The archive's Markdown files (as text) and manifest; a 400 naming the file for anything unreadable. */
export async function readArchive(bytes: Uint8Array): Promise<{ files: ArchiveFile[]; manifest?: string }> {
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
  const problems: string[] = [];
  let manifest: string | undefined;
  let unpacked = 0;
  try {
    for (const entry of entries) {
      if (entry.directory || !(entry.filename === MANIFEST || isMarkdownFile(entry.filename))) continue;
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
    if (err instanceof AppError) throw err;
    // A damaged entry (bad CRC, truncated data) is the upload's fault, not ours.
    throw new AppError('bad_request', `The archive could not be read: ${(err as Error).message}.`);
  } finally {
    await reader.close();
  }
  if (problems.length > 0) throw refused(problems);
  return { files, manifest };
}

export async function importWiki(wiki: Wiki, actor: Actor, bytes: Uint8Array, language: string): Promise<ImportResult> {
  const { files, manifest } = await readArchive(bytes);
  const plan = planImport(files, manifest);
  if (!plan.ok) throw refused(plan.problems);
  return wiki.importPages(actor, plan.pages, 'Imported', language);
}
