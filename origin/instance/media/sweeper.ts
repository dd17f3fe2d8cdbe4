// Abandoned uploads: a URL was signed, the upload was never confirmed. After the URL's expiry plus a
// grace period, the reservation stops counting against the quota and any object that did land is deleted.
// Tombstoned keys: a file was deleted (or refused at confirmation) while its presigned URL could still be
// used; whatever that URL puts back is deleted on every pass, and once more when the URL is surely over.
import type { MediaDb } from './media-store.ts';
import { expiredUploadKeys, listTombstones, sweepExpiredUpload, sweepTombstone } from './media-store.ts';
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

export interface TombstoneSweep {
  /** Objects found under a tombstoned key (put back with an old URL) and deleted. */
  restoredRemoved: number;
  /** Tombstones past their expiry, dropped after a last delete. */
  dropped: number;
}

/** One pass over tombstoned keys: deletes objects put back under them, drops the expired ones. */
export async function sweepTombstones(deps: SweepDeps & { onRestored?: (key: string) => void }): Promise<TombstoneSweep> {
  const now = (deps.now ?? (() => new Date()))();
  const result: TombstoneSweep = { restoredRemoved: 0, dropped: 0 };
  for (const { key } of await listTombstones(deps.db, deps.batchSize ?? 100)) {
    try {
      const dropped = await sweepTombstone(deps.db, key, now, async (k) => {
        if (!(await deps.store.head(k))) return;
        await deps.store.delete(k);
        result.restoredRemoved += 1;
        deps.onRestored?.(k);
      });
      if (dropped) result.dropped += 1;
    } catch (err) {
      deps.onError?.(key, err);
    }
  }
  return result;
}

export interface SweepPass extends TombstoneSweep {
  /** Abandoned reservations removed. */
  uploads: number;
}

/** Both sweeps, one after the other. */
export async function sweepMedia(deps: SweepDeps & { onRestored?: (key: string) => void }): Promise<SweepPass> {
  const uploads = await sweepAbandonedUploads(deps);
  return { uploads, ...(await sweepTombstones(deps)) };
}

/** Sweeps every `intervalMs` until stopped; never keeps the process alive on its own. */
export function startUploadSweeper(
  deps: SweepDeps & { intervalMs: number; onPass?: (pass: SweepPass) => void; onRestored?: (key: string) => void },
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweepMedia(deps).then(
      (pass) => deps.onPass?.(pass),
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
