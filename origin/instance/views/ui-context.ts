// Everything the layout needs to know about the request: who is signed in, what they may do, where to go.
import type { Context } from 'hono';
import { publicUrl } from '../../common/public-url.ts';
import type { StaticAssets } from '../../common/static-assets.ts';
import type { InstanceEnv } from '../deps.ts';
import { can, type Role } from '../policy/roles.ts';

export interface UiContext {
  instanceId: string;
  instanceTitle: string;
  userName: string;
  role: Role;
  canWrite: boolean;
  canAdmin: boolean;
  portalUrl: string;
  requestId: string;
  asset: (name: string) => string;
  /** Whether the editor offers uploads (the instance has media storage configured). */
  uploads: boolean;
  /** Whether there is a files page (the instance has media storage configured), for anyone who can read. */
  files: boolean;
}

/** `uploads`: the instance has media storage configured. */
type AppInfo = { instanceId: string; publicUrlPattern: string; assets: StaticAssets; uploads: boolean };

/** What the context takes from the app that is the same on every request, worked out once per app. */
interface AppConstants {
  pattern: string;
  portalUrl: string;
  asset: (name: string) => string;
}

const constants = new WeakMap<object, AppConstants>();

function appConstants(app: AppInfo): AppConstants {
  let known = constants.get(app);
  // Keyed by the app object; the pattern is compared so a changed pattern can never give a stale URL.
  if (known === undefined || known.pattern !== app.publicUrlPattern) {
    const pattern = app.publicUrlPattern;
    known = { pattern, portalUrl: publicUrl(pattern, 'app'), asset: (name) => app.assets.url(name) };
    constants.set(app, known);
  }
  return known;
}

export function uiContext(c: Context<InstanceEnv>, app: AppInfo): UiContext {
  // c.get, not c.var: every c.var read copies all the request's variables into a new object.
  const role = c.get('role');
  const user = c.get('user');
  const canWrite = role ? can(role, 'write') : false;
  const { portalUrl, asset } = appConstants(app);
  return {
    instanceId: app.instanceId,
    instanceTitle: c.get('settings')?.title || app.instanceId,
    userName: user?.name || user?.username || 'someone',
    role,
    canWrite,
    canAdmin: role ? can(role, 'manage_settings') : false,
    portalUrl,
    requestId: c.get('requestId'),
    asset,
    uploads: app.uploads && role ? canWrite : false,
    files: app.uploads,
  };
}
