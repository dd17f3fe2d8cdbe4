// Abandoned uploads: a URL was signed, the upload was never confirmed. After the URL's expiry plus a
// grace period, the reservation stops counting against the quota and any object that did land is deleted.
import type { MediaDb } from './media-store.ts';
import { expiredUploadKeys, sweepExpiredUpload } from './media-store.ts';
import type { ObjectStore } from './object-store.ts';

export interface SweepDeps {
  db: MediaDb;
  store: ObjectStore;
  now?: () => Date;
  batchSize?: number;
  onError?: (key: string, err: unknown) => void;
}

/** One pass; returns how many reservations were removed. */
export async function sweepAbandonedUploads(deps: SweepDeps): Promise<number> {
  const now = (deps.now ?? (() => new Date()))();
  const keys = await expiredUploadKeys(deps.db, now, deps.batchSize ?? 100);
  let removed = 0;
  for (const key of keys) {
    try {
      if (await sweepExpiredUpload(deps.db, key, now, (k) => deps.store.delete(k))) removed += 1;
    } catch (err) {
      deps.onError?.(key, err);
    }
  }
  return removed;
}

/** Sweeps every `intervalMs` until stopped; never keeps the process alive on its own. */
export function startUploadSweeper(deps: SweepDeps & { intervalMs: number; onPass?: (removed: number) => void }): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweepAbandonedUploads(deps).then(
      (removed) => deps.onPass?.(removed),
      (err) => deps.onError?.('(sweep)', err),
    );
  }, deps.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
