// Turns the verified assertion into this instance's user record, role and settings on c.var.
// The user row is written only when the edge's identity changed, so page views stay read-only.
import type { Context, Next } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AssertionPayload } from '#shared/edge-assertion';
import type { InstanceDb, InstanceEnv } from '../deps.ts';
import { effectiveRole } from '../policy/roles.ts';
import { readSettings, type InstanceSettings } from '../store/settings.ts';
import { upsertUser, type UserRecord } from '../store/users.ts';
import { TtlCache } from './ttl-cache.ts';

export interface Directory {
  /** The user's record; answered from memory (no promise) when the edge's identity is unchanged. */
  user(identity: AssertionPayload): UserRecord | Promise<UserRecord>;
  /** The instance settings; answered from memory (no promise) while cached. */
  settings(): InstanceSettings | Promise<InstanceSettings>;
  /** Call after a role or settings change so the next request sees it. */
  forgetUser(sub: string): void;
  forgetSettings(): void;
}

const USER_TTL_MS = 30_000;
const SETTINGS_TTL_MS = 5_000;

// Remembered per `sub` with the identity fields the row was synced from: a rename or new email at the
// edge misses the cache and writes the row on that very request. Role and settings changes made in this
// process drop the entry (forgetUser, forgetSettings); another process's show within the TTLs above.
type SyncedUser = { username: string; email: string; name: string; record: UserRecord };

export function createDirectory(db: InstanceDb): Directory {
  const userCache = new TtlCache<string, SyncedUser>(USER_TTL_MS);
  let settingsCache: { value: InstanceSettings; expires: number } | undefined;
  // A change (forget*) while a read is in flight must not let that read's older answer be cached.
  let userGeneration = 0;
  let settingsGeneration = 0;
  const syncUser = async (identity: AssertionPayload) => {
    const before = userGeneration;
    const record = await upsertUser(db, identity);
    if (userGeneration === before) userCache.set(identity.sub, { username: identity.username, email: identity.email, name: identity.name, record });
    return record;
  };
  const loadSettings = async () => {
    const before = settingsGeneration;
    const value = await readSettings(db);
    if (settingsGeneration === before) settingsCache = { value, expires: Date.now() + SETTINGS_TTL_MS };
    return value;
  };
  return {
    user(identity) {
      const cached = userCache.get(identity.sub);
      if (cached && cached.username === identity.username && cached.email === identity.email && cached.name === identity.name) return cached.record;
      return syncUser(identity);
    },
    settings() {
      if (settingsCache && settingsCache.expires > Date.now()) return settingsCache.value;
      return loadSettings();
    },
    forgetUser: (sub) => {
      userGeneration++;
      userCache.delete(sub);
    },
    forgetSettings: () => {
      settingsGeneration++;
      settingsCache = undefined;
    },
  };
}

export function identify(directory: Directory) {
  const accept = (c: Context<InstanceEnv>, user: UserRecord, settings: InstanceSettings, next: Next) => {
    c.set('user', user);
    c.set('settings', settings);
    c.set('role', effectiveRole({ assigned: user.role, instanceDefault: settings.defaultRole, platformRoles: c.get('assertion').roles }));
    return next();
  };
  // Not an async function: usually both come from memory, and then there is no promise and no await.
  return createMiddleware<InstanceEnv>(function identifyUser(c, next) {
    const user = directory.user(c.get('assertion'));
    const settings = directory.settings();
    if (user instanceof Promise || settings instanceof Promise) return Promise.all([user, settings]).then(([u, s]) => accept(c, u, s, next));
    return accept(c, user, settings, next);
  });
}
