// The files of a wiki import, stored as the wiki's uploads. This is the one way files arrive that is not
// a browser's PUT to storage: the bytes came inside the archive, so the origin stores them itself.
//
// They go through the same bookkeeping as an upload, so a crash at any point leaves nothing untracked:
// reserved against the quota first (all or none, under the quota lock), then put into storage, then
// recorded in the transaction that writes the imported pages. Reservations that are never recorded expire
// and the sweeper deletes their objects, as for an upload never confirmed.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { mediaPath } from '#shared/media-contract';
import { buildUploadKey } from '#shared/media-key';
import { mediaTypeOf, PENDING_GRACE_SECONDS, UPLOAD_URL_TTL_SECONDS, uploadCapFor, type PlanCaps } from '#shared/media-policy';
import type { MediaImports, StagedFiles } from '../deps.ts';
import { mediaKeyOf } from '../policy/export-layout.ts';
import { findMediaByKeys, recordImported, releaseReservations, reserveImport, type MediaDb } from './media-store.ts';
import type { ObjectStore } from './object-store.ts';
import { storageCall } from './storage-call.ts';

export interface MediaImportDeps {
  instanceId: string;
  db: MediaDb;
  store: ObjectStore;
  quotaBytes: number;
  planCaps: PlanCaps;
  now?: () => Date;
  randomId?: () => string;
}

export function createMediaImports(deps: MediaImportDeps): MediaImports {
  const now = deps.now ?? (() => new Date());
  const randomId = deps.randomId ?? (() => randomBytes(16).toString('hex'));
  return {
    quotaBytes: deps.quotaBytes,
    uploadCap: (plan, platformAdmin) => uploadCapFor(plan, platformAdmin, deps.planCaps),
    async alreadyStored(files) {
      const candidates = files.flatMap((f) => {
        const key = mediaKeyOf(deps.instanceId, f.name);
        return key ? [{ file: f, key }] : [];
      });
      const rows = await findMediaByKeys(deps.db, candidates.map((c) => c.key));
      const kept = new Map<string, { key: string; url: string }>();
      for (const { file, key } of candidates) {
        const row = rows.get(key);
        // The ETag of an object stored in one PUT is the MD5 of its bytes (S3, R2); a multipart ETag
        // ("…-3") or none never matches, and the file is then stored again, which is only wasteful.
        if (row && row.size === file.bytes.length && etagIsMd5Of(row.etag, file.bytes)) kept.set(file.name, { key, url: mediaPath(key) });
      }
      return kept;
    },
    async holdStored(tx, keys) {
      if (keys.length === 0) return true;
      const rows = await tx.execute<{ key: string }>(sql`select key from media where key = any(${sql.param([...keys])}::text[]) for share`);
      return rows.length === new Set(keys).size;
    },
    async stage(files, userId) {
      const at = now();
      // As long as an upload's reservation lives: an import is stored and written well within it.
      const expiresAt = new Date(at.getTime() + (UPLOAD_URL_TTL_SECONDS + PENDING_GRACE_SECONDS) * 1000);
      const staged = files.map((f) => {
        const type = mediaTypeOf(f.contentType);
        if (!type) throw new TypeError(`${f.contentType} is not an allowed media type; the import checks types first`);
        const key = buildUploadKey({ instanceId: deps.instanceId, filename: f.filename, allowedExtensions: type.extensions, randomId: randomId(), now: at });
        // The display name as a browser upload records it (media-routes.ts).
        const filename = f.filename.normalize('NFC').slice(0, 255) || key.slice(key.lastIndexOf('/') + 1);
        return { ...f, key, filename, size: f.bytes.length };
      });
      const reserved = await reserveImport(
        deps.db,
        staged.map((f) => ({ key: f.key, filename: f.filename, contentType: f.contentType, size: f.size, checksum: null, userId, expiresAt })),
        deps.quotaBytes,
        at,
      );
      if (!reserved.ok) return { ok: false, usedBytes: reserved.usedBytes };

      const stored: { key: string; etag: string | null }[] = [];
      const discard = async () => {
        // Objects first; a reservation whose object could not be deleted stays, for the sweeper.
        const gone: string[] = [];
        for (const f of staged) {
          try {
            await deps.store.delete(f.key);
            gone.push(f.key);
          } catch {
            // Left to the sweeper once the reservation expires.
          }
        }
        await releaseReservations(deps.db, gone);
      };
      try {
        for (const f of staged) stored.push({ key: f.key, etag: (await storageCall(() => deps.store.put(f.key, f.bytes, f.contentType))).etag });
      } catch (err) {
        await discard().catch(() => {});
        throw err;
      }
      const etags = new Map(stored.map((s) => [s.key, s.etag]));
      const result: StagedFiles = {
        files: staged.map((f) => ({ name: f.name, key: f.key, url: mediaPath(f.key), filename: f.filename, contentType: f.contentType, size: f.size })),
        record: (tx) =>
          recordImported(
            tx,
            staged.map((f) => ({ key: f.key, filename: f.filename, contentType: f.contentType, size: f.size, etag: etags.get(f.key) ?? null })),
            userId,
          ),
        discard,
      };
      return { ok: true, staged: result };
    },
  };
}

function etagIsMd5Of(etag: string | null, bytes: Uint8Array): boolean {
  if (!etag) return false;
  return etag.replace(/^(W\/)?"|"$/g, '').toLowerCase() === createHash('md5').update(bytes).digest('hex');
}
