// Wires the instance's media pieces from its config: the API routes and the sweeper of abandoned uploads.
// The instance app mounts `routes` after identify; the process starts the sweeper and stops it on shutdown.
import type { Sql } from 'postgres';
import type { Logger } from '../../common/logger.ts';
import type { MediaFiles } from '../deps.ts';
import { deleteMedia } from './delete-media.ts';
import type { MediaConfig } from './media-config.ts';
import { createMediaImports } from './media-import.ts';
import { createMediaApiRoutes } from './media-routes.ts';
import { findMedia, listMedia, mediaDb, mediaUsage, type MediaDb } from './media-store.ts';
import { createObjectStore, type ObjectStore } from './object-store.ts';
import { startUploadSweeper } from './sweeper.ts';

/** The files as the wiki's pages use them (deps.ts MediaFiles), on the same records and storage as the API. */
export function createMediaFiles(deps: { instanceId: string; db: MediaDb; store: ObjectStore; now?: () => Date }): MediaFiles {
  const { instanceId, db, store } = deps;
  const now = deps.now ?? (() => new Date());
  return {
    list: (options) => listMedia(db, options),
    find: (id) => findMedia(db, { id }),
    open: (key) => store.get(key),
    delete: (actor, id) => deleteMedia({ instanceId, db, store, now }, actor, id),
  };
}

export function createInstanceMedia(deps: { instanceId: string; sql: Sql; config: MediaConfig; logger: Logger }) {
  const db = mediaDb(deps.sql);
  const store = createObjectStore(deps.config.storage);
  return {
    routes: createMediaApiRoutes({ instanceId: deps.instanceId, db, store, config: deps.config }),
    usage: async () => ({ ...(await mediaUsage(db, new Date())), quotaBytes: deps.config.quotaBytes }),
    imports: createMediaImports({ instanceId: deps.instanceId, db, store, quotaBytes: deps.config.quotaBytes, planCaps: deps.config.planCaps }),
    files: createMediaFiles({ instanceId: deps.instanceId, db, store }),
    startSweeper: () =>
      startUploadSweeper({
        db,
        store,
        intervalMs: deps.config.sweepIntervalMs,
        onPass: ({ uploads, restoredRemoved, dropped }) => {
          if (uploads > 0) deps.logger.info({ removed: uploads }, 'abandoned uploads swept');
          if (restoredRemoved > 0 || dropped > 0) deps.logger.info({ restoredRemoved, tombstonesDropped: dropped }, 'tombstoned keys swept');
        },
        // Someone used a still-valid URL to put a deleted file back: worth a look, not only a count.
        onRestored: (key) => deps.logger.warn({ key }, 'object put back under a deleted key; deleted again'),
        onError: (key, err) => deps.logger.warn({ key, err }, 'abandoned upload not swept; will retry'),
      }),
  };
}
