// What an instance app is built from: injected, so tests build the very same app on a test database.
import type { AssertionVerifier } from '../common/assertion.ts';
import type { Database } from '../common/database.ts';
import type { BaseVariables } from '../common/env.ts';
import type { Hono } from 'hono';
import type { Logger } from '../common/logger.ts';
import type { Metrics } from '../common/metrics.ts';
import type { Role } from './policy/roles.ts';

/** What the settings page shows admins about uploaded files. */
export interface StorageUsage {
  files: number;
  storedBytes: number;
  pendingBytes: number;
  quotaBytes: number;
}
import type { MediaRow } from './media/media-store.ts';
import type { InstanceSchema } from './schema.ts';
import type { InstanceSettings } from './store/settings.ts';
import type { UserRecord } from './store/users.ts';
import type { Plan } from '#shared/plan-matrix';

/** What a wiki export reads of the uploaded files: their records, and their bytes from storage. */
export interface MediaReader {
  /** Newest first; `before` is the id the previous page ended with. */
  list(options: { limit: number; before?: number }): Promise<MediaRow[]>;
  /** The stored bytes, unread; null when storage has no such object. */
  open(key: string): Promise<{ size: number; body: ReadableStream<Uint8Array> } | null>;
}

/** The uploaded files as the wiki's own pages use them: the export reads them, the files page also deletes. */
export interface MediaFiles extends MediaReader {
  /** One file's record, or null. */
  find(id: number): Promise<MediaRow | null>;
  /** The object and the record, as DELETE /api/media/:id does (media/delete-media.ts): 404, 403 or the deleted row. */
  delete(actor: { id: number; role: Role }, id: number): Promise<MediaRow>;
}

/** A file of a wiki import, to be stored as an upload. */
export interface ImportFile {
  /** Its name in the archive. */
  name: string;
  filename: string;
  /** An allowed type (shared/media-policy.ts), checked before staging. */
  contentType: string;
  bytes: Uint8Array;
}

/** An import's files, reserved and in storage, waiting for the pages' transaction. */
export interface StagedFiles {
  files: { name: string; key: string; url: string; filename: string; contentType: string; size: number }[];
  /** Records them, in the transaction that writes the imported pages. */
  record(tx: Executor): Promise<void>;
  /** Deletes the objects and their reservations: the import failed. */
  discard(): Promise<void>;
}

/** How a wiki import stores the files its pages link to (media/media-import.ts). */
export interface MediaImports {
  quotaBytes: number;
  /** The largest file this user may upload, as for a browser's upload; null: none (no plan). */
  uploadCap(plan: Plan | null, platformAdmin: boolean): number | null;
  /**
   * The files this wiki stores already, byte for byte, under the key their archive name gives (an export of
   * this very wiki imported back): their links can point to them and nothing is stored twice. By name.
   */
  alreadyStored(files: readonly ImportFile[]): Promise<Map<string, { key: string; url: string }>>;
  /**
   * In the transaction that writes the pages: holds the records of `keys` (FOR SHARE, so a delete waits for
   * the commit) and says whether every one is still there (one deleted since alreadyStored: false).
   */
  holdStored(tx: Executor, keys: readonly string[]): Promise<boolean>;
  /** All reserved and stored, or none reserved (the quota: `usedBytes` in use); storage unreachable: AppError bad_gateway. */
  stage(files: readonly ImportFile[], userId: number): Promise<{ ok: true; staged: StagedFiles } | { ok: false; usedBytes: number }>;
}

export interface InstanceDeps {
  instanceId: string;
  /** e.g. `http://{host}.wikiplatform.localhost:8787`; {host}=app is the portal. */
  publicUrlPattern: string;
  database: Database<InstanceSchema>;
  logger: Logger;
  verify: AssertionVerifier;
  metrics?: Metrics;
  isDraining?: () => boolean;
  /** Uploaded files (issue 5): the /api/media routes and the storage origin browsers upload to. Absent = no uploads. */
  media?: { routes: Hono<any>; storageOrigin: string; usage: () => Promise<StorageUsage>; files: MediaFiles; imports: MediaImports };
}

export type InstanceDb = Database<InstanceSchema>['db'];

export type InstanceEnv = {
  Variables: BaseVariables & {
    user: UserRecord;
    role: Role;
    settings: InstanceSettings;
  };
};

/** The database or a transaction on it: store functions accept either. */
export type Executor = InstanceDb | Parameters<Parameters<InstanceDb['transaction']>[0]>[0];
