import { describe, expect, it } from 'vitest';
import { hasAdminPermission } from './admin-permissions.ts';

describe("realm-management roles on Keycloak's admin API", () => {
  it("lets the portal's roles do everything provisioning needs", () => {
    const portal = ['manage-users', 'view-users', 'query-groups'];
    for (const permission of ['query-users', 'view-users', 'manage-users', 'query-groups'] as const) {
      expect(hasAdminPermission(portal, permission)).toBe(true);
    }
  });

  it('lets view-users read users and groups but not change them', () => {
    expect(hasAdminPermission(['view-users'], 'view-users')).toBe(true);
    expect(hasAdminPermission(['view-users'], 'query-groups')).toBe(true);
    expect(hasAdminPermission(['view-users'], 'manage-users')).toBe(false);
  });

  it('lets query-groups list groups and nothing about users', () => {
    expect(hasAdminPermission(['query-groups'], 'query-groups')).toBe(true);
    expect(hasAdminPermission(['query-groups'], 'query-users')).toBe(false);
    expect(hasAdminPermission(['query-groups'], 'view-users')).toBe(false);
  });

  it('grants nothing without a realm-management role, and everything to realm-admin', () => {
    expect(hasAdminPermission([], 'query-users')).toBe(false);
    expect(hasAdminPermission(['manage-account'], 'view-users')).toBe(false);
    expect(hasAdminPermission(['realm-admin'], 'manage-users')).toBe(true);
  });
});
