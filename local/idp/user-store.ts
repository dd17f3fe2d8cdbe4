// The local IdP's people: an in-memory list persisted to <dataDir>/idp/users.json, seeded with the demo
// users, changed by the admin API (provisioning) and the set-password page. The IdP's stand-in for
// Keycloak's user database.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { DemoUser } from './demo-users.ts';
import { subjectFor } from './keycloak-claims.ts';
import { writePrivateJson } from './keys.ts';
import { hashPassword, isPasswordHash } from './password-hash.ts';

export interface IdpUser {
  /** Keycloak's user id, which is also the `sub` of the user's tokens. */
  readonly id: string;
  /** Lower-cased, as Keycloak stores it. */
  readonly username: string;
  /** Lower-cased, as Keycloak stores it. */
  readonly email: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly enabled: boolean;
  readonly emailVerified: boolean;
  /** Epoch milliseconds. */
  readonly createdTimestamp: number;
  /** Names of top-level realm groups. */
  readonly groups: readonly string[];
  readonly realmRoles: readonly string[];
  /** Keycloak required-action aliases, e.g. UPDATE_PASSWORD. */
  readonly requiredActions: readonly string[];
  /** See password-hash.ts; null until the user sets a password (they cannot sign in before). */
  readonly passwordHash: string | null;
}

export type NewUser = Omit<IdpUser, 'id' | 'createdTimestamp' | 'passwordHash'> & { id?: string; passwordHash?: string | null };
export type CreateResult = { ok: true; user: IdpUser } | { ok: false; conflict: 'username' | 'email' };
/** What an update may change; identity fields (id, username, createdTimestamp) stay. */
export type UserChanges = Partial<Omit<IdpUser, 'id' | 'username' | 'createdTimestamp'>>;

const StoredUserSchema = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  email: z.string().min(1).nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  enabled: z.boolean(),
  emailVerified: z.boolean(),
  createdTimestamp: z.number().int(),
  groups: z.array(z.string()),
  realmRoles: z.array(z.string()),
  requiredActions: z.array(z.string()),
  passwordHash: z.string().refine(isPasswordHash, 'not a password hash').nullable(),
});
const UserFileSchema = z.object({ version: z.literal(1), users: z.array(StoredUserSchema) });

export class UserStoreError extends Error {
  readonly code = 'USER_STORE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'UserStoreError';
  }
}

export interface OpenUserStoreOptions {
  /** null keeps users in memory only. */
  file: string | null;
  realmName: string;
  /** Added when no user has their username yet, so a restart never undoes what the admin API changed. */
  seeds: readonly DemoUser[];
}

export class UserStore {
  readonly #users = new Map<string, IdpUser>();
  #writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string | null) {}

  static async open(options: OpenUserStoreOptions): Promise<UserStore> {
    const store = new UserStore(options.file);
    if (options.file) await store.#load(options.file);
    const missing = options.seeds.filter((seed) => !store.findByUsername(seed.username) && !(seed.email && store.findByEmail(seed.email)));
    const seeded = await Promise.all(missing.map((seed) => seedUser(seed, options.realmName)));
    for (const user of seeded) store.#users.set(user.id, user);
    if (seeded.length > 0) await store.#persist();
    return store;
  }

  list(): IdpUser[] {
    return [...this.#users.values()];
  }

  get(id: string): IdpUser | undefined {
    return this.#users.get(id);
  }

  findByUsername(username: string): IdpUser | undefined {
    const wanted = username.toLowerCase();
    return this.list().find((user) => user.username === wanted);
  }

  findByEmail(email: string): IdpUser | undefined {
    const wanted = email.toLowerCase();
    return this.list().find((user) => user.email === wanted);
  }

  /** The sign-in form takes a username or an email (the realm has loginWithEmailAllowed). */
  findByLogin(login: string): IdpUser | undefined {
    return this.findByUsername(login) ?? this.findByEmail(login);
  }

  /**
   * Adds a user unless the username or email is taken (Keycloak's two 409s, checked in its order). The
   * check and the insert happen before the first await, so two concurrent creations cannot both succeed.
   */
  async create(input: NewUser): Promise<CreateResult> {
    const username = input.username.toLowerCase();
    const email = input.email?.toLowerCase() ?? null;
    if (this.findByUsername(username)) return { ok: false, conflict: 'username' };
    if (email && this.findByEmail(email)) return { ok: false, conflict: 'email' };
    const user: IdpUser = Object.freeze({
      ...input,
      id: input.id ?? randomUUID(),
      username,
      email,
      createdTimestamp: Date.now(),
      groups: [...new Set(input.groups)],
      realmRoles: [...input.realmRoles],
      requiredActions: [...new Set(input.requiredActions)],
      passwordHash: input.passwordHash ?? null,
    });
    this.#users.set(user.id, user);
    await this.#persist();
    return { ok: true, user };
  }

  /** Applies `change` to the current user (null when there is none) and persists before returning. */
  async update(id: string, change: (user: IdpUser) => UserChanges): Promise<IdpUser | null> {
    const current = this.#users.get(id);
    if (!current) return null;
    const next: IdpUser = Object.freeze({ ...current, ...change(current), id: current.id, username: current.username, createdTimestamp: current.createdTimestamp });
    this.#users.set(id, next);
    await this.#persist();
    return next;
  }

  /** Resolves once every change so far is on disk. */
  flush(): Promise<void> {
    return this.#writing;
  }

  // Each change awaits its own snapshot, so an answer the admin API gives is never lost to a crash.
  // Chained so two snapshots never race on the same temporary file.
  #persist(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    this.#writing = this.#writing.catch(() => {}).then(() => writePrivateJson(file, { version: 1, users: this.list() }));
    return this.#writing;
  }

  async #load(file: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // first start
      throw error;
    }
    let parsed;
    try {
      parsed = UserFileSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    // Unlike sessions, users are not disposable: refuse to start rather than silently forget them.
    if (!parsed?.success) throw new UserStoreError(`IdP user file ${file} is malformed; fix it, or delete it to start again with the demo users only`);
    for (const user of parsed.data.users) this.#users.set(user.id, Object.freeze(user));
  }
}

async function seedUser(seed: DemoUser, realmName: string): Promise<IdpUser> {
  const [firstName = seed.name, ...rest] = seed.name.split(' ');
  return Object.freeze({
    id: subjectFor(realmName, seed.username),
    username: seed.username.toLowerCase(),
    email: seed.email.toLowerCase(),
    firstName,
    lastName: rest.join(' ') || null,
    enabled: true,
    emailVerified: true,
    createdTimestamp: Date.now(),
    groups: [...seed.groups],
    realmRoles: [...seed.roles],
    requiredActions: [],
    passwordHash: await hashPassword(seed.password),
  });
}
