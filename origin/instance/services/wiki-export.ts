// A wiki export: a zip of every live page as Markdown (and, optionally, every uploaded file), written
// while it is sent. Nothing is assembled in memory or on disk: pages are read in batches from one
// snapshot, files are streamed from storage one at a time, and the zip writer waits whenever the client
// reads slowly.
// The layout is policy/export-layout.ts's.
import { TextReader, ZipWriter } from '@zip.js/zip.js';
import { mediaPath } from '#shared/media-contract';
import type { InstanceDb, MediaReader } from '../deps.ts';
import {
  EXPORT_FORMAT,
  mediaFile,
  pageDocument,
  pageFile,
  readme,
  withArchiveMediaLinks,
} from '../policy/export-layout.ts';
import { livePagesWithContent } from '../store/pages.ts';

const PAGE_BATCH = 100;
const MEDIA_BATCH = 100;
/** An export that sends nothing for this long (a client that stopped reading, a hung storage read) is ended. */
export const EXPORT_IDLE_MS = 120_000;

export interface ExportInput {
  instanceId: string;
  title: string;
  description: string;
  db: InstanceDb;
  /** Uploaded files to include; absent: pages only. */
  files?: MediaReader;
  now: Date;
  /** Defaults to EXPORT_IDLE_MS. */
  idleMs?: number;
}

export interface ExportSummary {
  pages: number;
  files: number;
  /** Files with a record but no object in storage: listed in the manifest, not in the archive. */
  missingFiles: number;
}

interface ManifestFile {
  key: string;
  file: string | null;
  filename: string;
  contentType: string;
  size: number;
  uploadedAt: string;
  uploadedBy: string | null;
}

export interface WikiExport {
  body: ReadableStream<Uint8Array>;
  /** Settles when the archive is complete (with what it holds) or has failed (the download then fails too). */
  done: Promise<ExportSummary>;
}

export function wikiExport(input: ExportInput): WikiExport {
  const idleMs = input.idleMs ?? EXPORT_IDLE_MS;
  let failOutput!: (reason: unknown) => void;
  // Aborts the storage read in progress too: a hung read would otherwise keep the export waiting on it.
  const reads = new AbortController();
  const fail = (reason: unknown) => {
    failOutput(reason);
    reads.abort(reason);
  };
  let lastSent = Date.now();
  // The readable side is the response body; an error here (a storage failure mid-file) errors the
  // download, so a client never mistakes a cut archive for a whole one. A client that goes away errors
  // the writable side, and the next write ends the export.
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>({
    start: (controller) => void (failOutput = (reason) => controller.error(reason)),
    transform: (chunk, controller) => {
      lastSent = Date.now();
      controller.enqueue(chunk);
    },
  });
  // Backpressure would otherwise hold a stalled export (and the one-at-a-time slot) forever.
  const watchdog = setInterval(() => {
    if (Date.now() - lastSent > idleMs) fail(new Error(`nothing sent for ${idleMs} ms`));
  }, Math.min(idleMs, 10_000));
  watchdog.unref();
  // Deflate for text (native CompressionStream, off the event loop); uploads are stored as they are.
  const zip = new ZipWriter(writable, { level: 6, useWebWorkers: false });
  const done = writeArchive(zip, input, reads.signal)
    .catch((err: unknown) => {
      // A client that goes away cancels the body without a reason (@hono/node-server): name it for the log.
      const reason = err ?? new Error('the client stopped reading the download');
      fail(reason);
      throw reason;
    })
    .finally(() => clearInterval(watchdog));
  // The caller observes `done`; this keeps an unobserved failure from being reported twice.
  done.catch(() => {});
  return { body: readable, done };
}

async function writeArchive(zip: ZipWriter<unknown>, input: ExportInput, reads: AbortSignal): Promise<ExportSummary> {
  const { instanceId, now } = input;
  await zip.add('README.md', new TextReader(readme({ instanceId, title: input.title, exportedAt: now, withMedia: input.files !== undefined })), { lastModDate: now });

  // Files first: the pages' links to them are rewritten to the copies, so the copies must be known.
  const linkTargets = new Map<string, string>();
  const manifestFiles: ManifestFile[] = [];
  let missingFiles = 0;
  let before: number | undefined;
  while (input.files) {
    const batch = await input.files.list({ limit: MEDIA_BATCH, before });
    if (batch.length === 0) break;
    for (const row of batch) {
      const entry: ManifestFile = {
        key: row.key,
        file: null,
        filename: row.filename,
        contentType: row.contentType,
        size: row.size,
        uploadedAt: row.createdAt.toISOString(),
        uploadedBy: row.uploaderName,
      };
      manifestFiles.push(entry);
      const file = mediaFile(instanceId, row.key);
      const stored = file ? await input.files.open(row.key) : null;
      if (!file || !stored) {
        missingFiles++;
        continue;
      }
      const bytes = stored.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>(), { signal: reads });
      await zip.add(file, bytes, { level: 0, uncompressedSize: stored.size, lastModDate: row.createdAt });
      entry.file = file;
      linkTargets.set(mediaPath(row.key), file);
    }
    before = batch[batch.length - 1]!.id;
  }

  const manifestPages: { path: string; title: string; file: string; revision: number; created: string; updated: string; updatedBy: string | null }[] = [];
  // Every batch reads one snapshot of the wiki. Batches read apart would each see the wiki as it is then:
  // a page moved past the cursor during the export would be written twice, one moved behind it not at all.
  await input.db.transaction(
    async (tx) => {
      let after: string | undefined;
      for (;;) {
        const batch = await livePagesWithContent(tx, { limit: PAGE_BATCH, after });
        if (batch.length === 0) break;
        for (const page of batch) {
          const file = pageFile(page.path);
          const body = withArchiveMediaLinks(page.content, instanceId, file, linkTargets);
          await zip.add(file, new TextReader(pageDocument(page, body)), { lastModDate: page.updatedAt });
          manifestPages.push({
            path: page.path,
            title: page.title,
            file,
            revision: page.revision,
            created: page.createdAt.toISOString(),
            updated: page.updatedAt.toISOString(),
            updatedBy: page.updatedBy,
          });
        }
        after = batch[batch.length - 1]!.path;
      }
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );

  const manifest = {
    format: EXPORT_FORMAT,
    instance: { id: instanceId, title: input.title, description: input.description },
    exportedAt: now.toISOString(),
    media: input.files ? 'included' : 'excluded',
    pages: manifestPages,
    files: manifestFiles,
  };
  await zip.add('wiki.json', new TextReader(`${JSON.stringify(manifest, null, 2)}\n`), { lastModDate: now });
  await zip.close();
  return { pages: manifestPages.length, files: manifestFiles.length - missingFiles, missingFiles };
}
