// Deleting an uploaded file, the one way: DELETE /api/media/:id and the files page's Delete button.
import { AppError } from '#shared/errors';
import { parseUploadKey } from '#shared/media-key';
import { PENDING_GRACE_SECONDS, UPLOAD_URL_TTL_SECONDS } from '#shared/media-policy';
import { mayDeleteMedia, type Role } from '../policy/roles.ts';
import { deleteMediaRow, findMedia, type MediaDb, type MediaRow } from './media-store.ts';
import type { ObjectStore } from './object-store.ts';
import { storageCall } from './storage-call.ts';

export interface MediaDeletionDeps {
  instanceId: string;
  db: MediaDb;
  store: ObjectStore;
  now: () => Date;
}

/**
 * Deletes the stored object, then the record (tombstoning the key while its upload URL may still be
 * used). Returns the deleted record; 404 for no such file, 403 when the policy says no.
 */
export async function deleteMedia(deps: MediaDeletionDeps, actor: { id: number; role: Role }, id: number): Promise<MediaRow> {
  const row = await findMedia(deps.db, { id });
  // A record confirmed here always holds a key of this instance (POST /api/media checks it); one that does
  // not (a database restored into another instance) must never make us delete another tenant's object.
  if (!row || !parseUploadKey(row.key, deps.instanceId)) throw new AppError('not_found', 'No such file.');
  if (!mayDeleteMedia(actor, row.uploadedBy)) throw new AppError('forbidden', 'Only the uploader or an admin can delete this file.');
  // Object first: if storage fails the record stays and the delete can be retried; the other order
  // could leave an object that nothing lists and nobody pays attention to.
  await storageCall(() => deps.store.delete(row.key));
  // The PUT URL of this upload is reusable until it expires: it could put the object back, untracked.
  // It was signed before the confirmation (createdAt), so it is over by createdAt + TTL + grace.
  const urlUsableUntil = new Date(row.createdAt.getTime() + (UPLOAD_URL_TTL_SECONDS + PENDING_GRACE_SECONDS) * 1000);
  await deleteMediaRow(deps.db, row.id, { key: row.key, urlUsableUntil, now: deps.now() });
  return row;
}
