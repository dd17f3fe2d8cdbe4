// Turns the verified assertion into this instance's user record, role and settings on c.var.
// The user row is written only when the edge's identity changed, so page views stay read-only.
import { createMiddleware } from 'hono/factory';
import type { AssertionPayload } from '#shared/edge-assertion';
import type { InstanceDb, InstanceEnv } from '../deps.ts';
import { effectiveRole } from '../policy/roles.ts';
import { readSettings, type InstanceSettings } from '../store/settings.ts';
import { upsertUser, type UserRecord } from '../store/users.ts';
import { TtlCache } from './ttl-cache.ts';

export interface Directory {
  user(identity: AssertionPayload): Promise<UserRecord>;
  settings(): Promise<InstanceSettings>;
  /** Call after a role or settings change so the next request sees it. */
  forgetUser(sub: string): void;
  forgetSettings(): void;
}

const USER_TTL_MS = 30_000;
const SETTINGS_TTL_MS = 5_000;

export function createDirectory(db: InstanceDb): Directory {
  const userCache = new TtlCache<string, { fingerprint: string; record: UserRecord }>(USER_TTL_MS);
  let settingsCache: { value: InstanceSettings; expires: number } | undefined;
  return {
    async user(identity) {
      const fingerprint = JSON.stringify([identity.username, identity.email, identity.name]);
      const cached = userCache.get(identity.sub);
      if (cached && cached.fingerprint === fingerprint) return cached.record;
      const record = await upsertUser(db, identity);
      userCache.set(identity.sub, { fingerprint, record });
      return record;
    },
    async settings() {
      if (settingsCache && settingsCache.expires > Date.now()) return settingsCache.value;
      const value = await readSettings(db);
      settingsCache = { value, expires: Date.now() + SETTINGS_TTL_MS };
      return value;
    },
    forgetUser: (sub) => userCache.delete(sub),
    forgetSettings: () => {
      settingsCache = undefined;
    },
  };
}

export function identify(directory: Directory) {
  return createMiddleware<InstanceEnv>(async function identifyUser(c, next) {
    const assertion = c.var.assertion;
    const [user, settings] = await Promise.all([directory.user(assertion), directory.settings()]);
    c.set('user', user);
    c.set('settings', settings);
    c.set('role', effectiveRole({ assigned: user.role, instanceDefault: settings.defaultRole, platformRoles: assertion.roles }));
    await next();
  });
}
