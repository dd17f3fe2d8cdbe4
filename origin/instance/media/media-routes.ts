// The instance's media API. Mounted after the user is identified (c.var.user, c.var.role):
//   POST   /api/media/uploads/authorize  edge only: may this user upload this file? reserve a key
//   POST   /api/media                    the browser's PUT is done: check the object, record it
//   GET    /api/media                    the instance's files, newest first, with how many pages use each
//   GET    /api/media/:id                one file and the pages that use it
//   GET    /api/media/usage              storage used vs quota (admins)
//   DELETE /api/media/:id                the record and the object (uploader or admin)
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { isPlatformAdmin } from '#shared/plan-matrix';
import { AppError } from '#shared/errors';
import { CompleteUploadSchema, MEDIA_AUTHORIZE_PATH, UploadRequestSchema, mediaPath, type UploadGrant } from '#shared/media-contract';
import { buildUploadKey, parseUploadKey } from '#shared/media-key';
import {
  checkUpload,
  formatBytes,
  mediaTypeOf,
  normalizeContentType,
  PENDING_GRACE_SECONDS,
  UPLOAD_URL_TTL_SECONDS,
  uploadCapFor,
  type UploadRefusal,
} from '#shared/media-policy';
import type { BaseVariables } from '../../common/env.ts';
import { containsNul, nulRefused, requireJsonContentType, wholeNumber } from '../policy/client-input.ts';
import { numberQuery, pageSize } from '../policy/paging.ts';
import { can, maySeeStorageUsage, type Role } from '../policy/roles.ts';
import { NO_USE, USING_PAGES_LISTED, usageOfFiles, type FileUsage } from '../store/media-refs.ts';
import { deleteMedia } from './delete-media.ts';
import { markdownReference } from './markdown-reference.ts';
import { DEFAULT_USER_PENDING_MULTIPLE, type MediaConfig } from './media-config.ts';
import { confirmUpload, dropPending, findMedia, findPending, listMedia, mediaUsage, reserveUpload, type MediaDb, type MediaRow } from './media-store.ts';
import type { ObjectStore } from './object-store.ts';
import { storageCall } from './storage-call.ts';

/** What this module reads from c.var; the instance app's identify middleware sets a superset. */
export type MediaApiEnv = {
  Variables: BaseVariables & {
    user: { id: number; name: string };
    role: Role;
  };
};

export interface MediaApiDeps {
  instanceId: string;
  db: MediaDb;
  store: ObjectStore;
  config: Pick<MediaConfig, 'quotaBytes' | 'planCaps'> & Partial<Pick<MediaConfig, 'userPendingMultiple'>>;
  now?: () => Date;
  /** 32 lower-case hex characters from a CSPRNG. */
  randomId?: () => string;
}

const ALLOWED_KINDS = 'images (PNG, JPEG, GIF, WebP, AVIF), PDF, office documents, text (TXT, Markdown, CSV) and video (MP4, WebM, MOV)';

function refusalError(refusal: UploadRefusal): AppError {
  switch (refusal.reason) {
    case 'type_not_allowed':
      return new AppError('unsupported_media_type', `Files of type "${refusal.contentType}" cannot be uploaded. Allowed: ${ALLOWED_KINDS}.`);
    case 'over_plan_cap':
      return new AppError('payload_too_large', `This file is larger than your plan allows (${formatBytes(refusal.capBytes)} per file).`, {
        maxBytes: refusal.capBytes,
      });
    case 'empty_file':
      return new AppError('bad_request', 'size: the file is empty.');
    case 'no_plan':
      return new AppError('plan_required', 'Uploading needs a plan that includes this wiki.');
    default: {
      const unreachable: never = refusal;
      throw new TypeError(`unmapped refusal ${JSON.stringify(unreachable)}`);
    }
  }
}

/** How many pages use a file: `live` ones, and ones in the trash (which would use it again if restored). */
const useCounts = (use: FileUsage) => ({ live: use.live, trashed: use.trashed });

export function toMediaRecord(row: MediaRow) {
  return {
    id: row.id,
    key: row.key,
    url: mediaPath(row.key),
    filename: row.filename,
    contentType: row.contentType,
    size: row.size,
    uploadedBy: row.uploadedBy === null ? null : { id: row.uploadedBy, name: row.uploaderName ?? '' },
    createdAt: row.createdAt.toISOString(),
    markdown: markdownReference(row.key, row.filename, row.contentType),
  };
}

async function jsonBody(req: { header(name: string): string | undefined; json(): Promise<unknown> }): Promise<unknown> {
  requireJsonContentType(req.header('content-type'));
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new AppError('bad_request', 'The request body is not valid JSON.');
  }
  if (containsNul(body)) throw nulRefused();
  return body;
}

export function createMediaApiRoutes(deps: MediaApiDeps): Hono<MediaApiEnv> {
  const { db, store, instanceId } = deps;
  const now = deps.now ?? (() => new Date());
  const randomId = deps.randomId ?? (() => randomBytes(16).toString('hex'));
  const app = new Hono<MediaApiEnv>();

  app.post(MEDIA_AUTHORIZE_PATH, async (c) => {
    // Browsers reach this path through the edge's proxy too; only the edge's own call has an assertion
    // signed for this purpose.
    if (c.var.assertion.purpose !== 'media-authorize') throw new AppError('not_found', 'Nothing here.');
    if (!can(c.var.role, 'write')) throw new AppError('forbidden', 'You can read this wiki but not upload to it; an admin can make you an editor.');
    const request = UploadRequestSchema.parse(await jsonBody(c.req));
    const assertion = c.var.assertion;
    const cap = uploadCapFor(assertion.plan, isPlatformAdmin(assertion), deps.config.planCaps);
    const refusal = checkUpload({ contentType: request.contentType, size: request.size, capBytes: cap });
    if (refusal) throw refusalError(refusal);
    // checkUpload refuses a subject without a cap, so there is one here.
    const capBytes = cap!;
    const pendingMultiple = deps.config.userPendingMultiple ?? DEFAULT_USER_PENDING_MULTIPLE;

    const contentType = normalizeContentType(request.contentType);
    const at = now();
    const key = buildUploadKey({ instanceId, filename: request.filename, allowedExtensions: mediaTypeOf(contentType)!.extensions, randomId: randomId(), now: at });
    const expiresAt = Math.floor(at.getTime() / 1000) + UPLOAD_URL_TTL_SECONDS;
    const reserved = await reserveUpload(
      db,
      {
        key,
        filename: request.filename.normalize('NFC').slice(0, 255) || key.slice(key.lastIndexOf('/') + 1),
        contentType,
        size: request.size,
        checksum: request.checksum ?? null,
        userId: c.var.user.id,
        expiresAt: new Date((expiresAt + PENDING_GRACE_SECONDS) * 1000),
      },
      { quotaBytes: deps.config.quotaBytes, userPendingBytes: pendingMultiple * capBytes },
      at,
    );
    if (!reserved.ok && reserved.reason === 'user_pending') {
      // 429, not 413: this file is fine, there are too many of the user's own in flight right now.
      const retryAfterSeconds = reserved.nextExpiry ? Math.max(1, Math.ceil((reserved.nextExpiry.getTime() - at.getTime()) / 1000)) : null;
      throw new AppError(
        'rate_limited',
        `You have ${formatBytes(reserved.pendingBytes)} of uploads started and not yet finished; the limit is ${formatBytes(reserved.limitBytes)} ` +
          `(${pendingMultiple}× your plan's ${formatBytes(capBytes)} per-file cap). Finish those uploads` +
          (retryAfterSeconds ? `, or wait about ${Math.ceil(retryAfterSeconds / 60)} min for an unfinished one to expire,` : '') +
          ' then try again.',
        { pendingBytes: reserved.pendingBytes, limitBytes: reserved.limitBytes, retryAfterSeconds },
      );
    }
    if (!reserved.ok) {
      const free = Math.max(0, deps.config.quotaBytes - reserved.usedBytes);
      throw new AppError('payload_too_large', `This wiki's storage is nearly full: ${formatBytes(free)} left of ${formatBytes(deps.config.quotaBytes)}.`, {
        quotaBytes: deps.config.quotaBytes,
        usedBytes: reserved.usedBytes,
      });
    }
    c.var.log.info({ key, size: request.size, type: contentType }, 'upload authorised');
    const grant: UploadGrant = { key, contentType, size: request.size, checksum: request.checksum ?? null, expiresAt, maxBytes: request.size };
    return c.json(grant, 201);
  });

  app.post('/api/media', async (c) => {
    if (!can(c.var.role, 'write')) throw new AppError('forbidden', 'You cannot upload to this wiki.');
    const { key } = CompleteUploadSchema.parse(await jsonBody(c.req));
    if (!parseUploadKey(key, instanceId)) throw new AppError('bad_request', 'key: not an upload of this wiki.');
    const userId = c.var.user.id;

    // Confirming twice answers the same record: a retried request after a lost response is harmless.
    const existing = await findMedia(db, { key });
    if (existing && existing.uploadedBy === userId) return c.json(toMediaRecord(existing), 200);
    const pending = await findPending(db, key, userId);
    if (!pending) throw new AppError('not_found', 'No upload of yours is waiting with this key; start the upload again.');

    const stored = await storageCall(() => store.head(key));
    if (!stored) throw new AppError('conflict', 'The file has not arrived in storage yet; finish the upload, then confirm it.');
    if (stored.size !== pending.size || normalizeContentType(stored.contentType) !== pending.contentType) {
      // Storage enforces the signed length and type, so this is not our upload: remove it.
      c.var.log.warn({ key, storedSize: stored.size, storedType: stored.contentType }, 'stored object differs from the signed upload');
      await storageCall(() => store.delete(key));
      await dropPending(db, key); // tombstones the key: the URL could put the object back
      throw new AppError('conflict', 'The stored file is not the one that was signed; upload it again.');
    }
    const row = await confirmUpload(db, key, userId, stored.etag);
    if (!row) {
      // A concurrent confirmation of the same upload won the race: answer what it recorded.
      const raced = await findMedia(db, { key });
      if (raced && raced.uploadedBy === userId) return c.json(toMediaRecord(raced), 200);
      throw new AppError('not_found', 'This upload expired before it was confirmed; upload the file again.');
    }
    c.var.log.info({ key, size: row.size, mediaId: row.id }, 'upload confirmed');
    return c.json(toMediaRecord(row), 201);
  });

  app.get('/api/media', async (c) => {
    // The paging convention of every origin list (policy/paging.ts); `before` is the `next` id of the previous page.
    const limit = pageSize(c.req.query('limit'));
    const before = numberQuery(c.req.query('before'), 'before') || undefined;
    const rows = await listMedia(db, { limit, before });
    const usage = await usageOfFiles(db, rows.map((r) => r.key), 0);
    const next = rows.length === limit ? rows[rows.length - 1]!.id : null;
    return c.json({ items: rows.map((row) => ({ ...toMediaRecord(row), usedBy: useCounts(usage.get(row.key) ?? NO_USE) })), next });
  });

  app.get('/api/media/:id{[0-9]+}', async (c) => {
    const id = wholeNumber(c.req.param('id'));
    const row = id === null ? null : await findMedia(db, { id });
    if (!row) throw new AppError('not_found', 'No such file.');
    const use = (await usageOfFiles(db, [row.key], USING_PAGES_LISTED)).get(row.key) ?? NO_USE;
    return c.json({ ...toMediaRecord(row), usedBy: { ...useCounts(use), pages: use.pages } });
  });

  app.get('/api/media/usage', async (c) => {
    if (!maySeeStorageUsage(c.var.role)) throw new AppError('forbidden', 'Storage usage is shown to admins of this wiki.');
    const usage = await mediaUsage(db, now());
    return c.json({ ...usage, quotaBytes: deps.config.quotaBytes, planCaps: deps.config.planCaps });
  });

  app.delete('/api/media/:id{[0-9]+}', async (c) => {
    const id = wholeNumber(c.req.param('id'));
    if (id === null) throw new AppError('not_found', 'No such file.'); // beyond an integer column: no such row
    const row = await deleteMedia({ instanceId, db, store, now }, { id: c.var.user.id, role: c.var.role }, id);
    c.var.log.info({ key: row.key, mediaId: row.id }, 'media deleted');
    return c.body(null, 204);
  });

  return app;
}
