// oidc-provider storage adapter: an in-memory map snapshotted to one private JSON file, so sessions,
// grants and refresh tokens survive an `npm start` restart. One store per IdP instance (the library's
// own memory adapter is process-global, which would mix IdPs started by parallel tests).
import { readFile } from 'node:fs/promises';
import { writePrivateJson } from './keys.ts';

type Payload = Record<string, unknown>;
interface Entry {
  payload: Payload;
  /** Epoch milliseconds; null = no expiry. */
  expiresAt: number | null;
}

// Models whose records carry a grantId and must disappear when the grant is revoked (logout, revocation).
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
const SAVE_DELAY_MS = 100;

export class FileStore {
  readonly #entries = new Map<string, Entry>();
  readonly #byGrant = new Map<string, Set<string>>();
  readonly #byUid = new Map<string, string>();
  readonly #byUserCode = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string | null) {}

  /** Loads the snapshot at `file` if there is one; `null` keeps everything in memory only. */
  static async open(file: string | null): Promise<FileStore> {
    const store = new FileStore(file);
    if (file) await store.#load(file);
    return store;
  }

  /** The factory oidc-provider's `adapter` option expects. */
  adapterFor = (model: string): ModelAdapter => new ModelAdapter(model, this);

  get(key: string): Payload | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(key: string, payload: Payload, expiresInSeconds: number | undefined): void {
    this.delete(key);
    const expiresAt = typeof expiresInSeconds === 'number' ? Date.now() + expiresInSeconds * 1000 : null;
    this.#entries.set(key, { payload, expiresAt });
    this.#index(key, payload);
    this.changed();
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    const { grantId, uid, userCode } = entry.payload;
    if (typeof grantId === 'string') this.#byGrant.get(grantId)?.delete(key);
    if (typeof uid === 'string' && this.#byUid.get(uid) === key) this.#byUid.delete(uid);
    if (typeof userCode === 'string' && this.#byUserCode.get(userCode) === key) this.#byUserCode.delete(userCode);
    this.changed();
  }

  keyByUid(uid: string): string | undefined {
    return this.#byUid.get(uid);
  }

  keyByUserCode(userCode: string): string | undefined {
    return this.#byUserCode.get(userCode);
  }

  revokeGrant(grantId: string): void {
    for (const key of this.#byGrant.get(grantId) ?? []) this.delete(key);
    this.#byGrant.delete(grantId);
  }

  /** Schedules a snapshot; bursts of changes during one request become one write. */
  changed(): void {
    if (!this.file || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, SAVE_DELAY_MS);
    this.#timer.unref();
  }

  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const file = this.file;
    if (!file) return;
    const now = Date.now();
    const snapshot = [...this.#entries].filter(([, entry]) => entry.expiresAt === null || entry.expiresAt > now);
    // Chained so two snapshots never race on the same temporary file.
    this.#writing = this.#writing.then(() => writePrivateJson(file, { version: 1, entries: snapshot }));
    await this.#writing;
  }

  #index(key: string, payload: Payload): void {
    const model = key.slice(0, key.indexOf(':'));
    const { grantId, uid, userCode } = payload;
    if (GRANTABLE.has(model) && typeof grantId === 'string') {
      const members = this.#byGrant.get(grantId) ?? new Set<string>();
      members.add(key);
      this.#byGrant.set(grantId, members);
    }
    if (model === 'Session' && typeof uid === 'string') this.#byUid.set(uid, key);
    if (typeof userCode === 'string') this.#byUserCode.set(userCode, key);
  }

  async #load(file: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return; // first start
    }
    try {
      const data = JSON.parse(text) as { version?: number; entries?: [string, Entry][] };
      if (data.version !== 1 || !Array.isArray(data.entries)) return;
      for (const [key, entry] of data.entries) {
        this.#entries.set(key, entry);
        this.#index(key, entry.payload);
      }
    } catch {
      // A corrupt snapshot only costs the user a new sign-in; start empty rather than refuse to start.
    }
  }
}

/** The per-model view oidc-provider calls; ids are namespaced by model inside one store. */
class ModelAdapter {
  constructor(
    private readonly model: string,
    private readonly store: FileStore,
  ) {}

  #key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
    this.store.set(this.#key(id), payload, expiresIn);
  }

  async find(id: string): Promise<Payload | undefined> {
    return this.store.get(this.#key(id));
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    const key = this.store.keyByUid(uid);
    return key ? this.store.get(key) : undefined;
  }

  async findByUserCode(userCode: string): Promise<Payload | undefined> {
    const key = this.store.keyByUserCode(userCode);
    return key ? this.store.get(key) : undefined;
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.get(this.#key(id));
    if (payload) {
      payload.consumed = Math.floor(Date.now() / 1000);
      this.store.changed();
    }
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.store.revokeGrant(grantId);
  }
}
