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
}

export function uiContext(c: Context<InstanceEnv>, app: { instanceId: string; publicUrlPattern: string; assets: StaticAssets; uploads: boolean }): UiContext {
  // c.get, not c.var: every c.var read copies all the request's variables into a new object.
  const role = c.get('role');
  const user = c.get('user');
  return {
    instanceId: app.instanceId,
    instanceTitle: c.get('settings')?.title || app.instanceId,
    userName: user?.name || user?.username || 'someone',
    role,
    canWrite: role ? can(role, 'write') : false,
    canAdmin: role ? can(role, 'manage_settings') : false,
    portalUrl: publicUrl(app.publicUrlPattern, 'app'),
    requestId: c.get('requestId'),
    asset: (name) => app.assets.url(name),
    uploads: app.uploads && role ? can(role, 'write') : false,
  };
}
