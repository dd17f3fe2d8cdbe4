// The demo accounts the local IdP knows: one per plan plus a platform admin. Passwords equal usernames;
// they exist only on laptops and in tests, never in Keycloak.
import type { Plan } from '#shared/plan-matrix';
import { PLATFORM_ADMIN_ROLE } from '#shared/plan-matrix';
import type { Realm } from './realm.ts';
import { RealmFileError } from './realm.ts';

export interface DemoUser {
  username: string;
  password: string;
  plan: Plan | null;
  name: string;
  email: string;
  /** Realm group names (Keycloak's mapper turns them into paths like "/PRO"). */
  groups: string[];
  /** Realm roles besides Keycloak's implicit default-roles-<realm>. */
  roles: string[];
}

const EMAIL_DOMAIN = 'demo.wikiplatform.localhost';

function demoUser(username: string, name: string, plan: Plan | null, roles: string[] = []): DemoUser {
  return { username, password: username, plan, name, email: `${username}@${EMAIL_DOMAIN}`, groups: plan ? [plan] : [], roles };
}

export const DEMO_USERS: readonly DemoUser[] = Object.freeze([
  demoUser('starter', 'Sam Starter', 'STARTER'),
  demoUser('pro', 'Pat Pro', 'PRO'),
  demoUser('enterprise', 'Erin Enterprise', 'ENTERPRISE'),
  demoUser('admin', 'Ada Admin', null, [PLATFORM_ADMIN_ROLE]),
]);

/** Fails at start, not at login, when a user refers to a group or role the realm does not define. */
export function assertUsersMatchRealm(users: readonly DemoUser[], realm: Realm): void {
  const groups = new Set(realm.groups.map((group) => group.name));
  const roles = new Set(realm.realmRoles);
  const problems: string[] = [];
  const usernames = new Set<string>();
  for (const user of users) {
    if (usernames.has(user.username)) problems.push(`  - user "${user.username}" is listed twice`);
    usernames.add(user.username);
    for (const group of user.groups) {
      if (!groups.has(group)) problems.push(`  - user "${user.username}" is in group "${group}", which realm "${realm.name}" does not define`);
    }
    for (const role of user.roles) {
      if (!roles.has(role)) problems.push(`  - user "${user.username}" has realm role "${role}", which realm "${realm.name}" does not define`);
    }
  }
  if (problems.length > 0) throw new RealmFileError(`Invalid IdP users:\n${problems.join('\n')}`);
}
