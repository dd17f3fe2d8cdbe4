import { describe, expect, it } from 'vitest';
import { identityFromKeycloakClaims } from './identity.ts';

describe('identity from Keycloak claims', () => {
  it('reads username, email, name, groups, realm roles and the plan from a Keycloak access token', () => {
    const identity = identityFromKeycloakClaims({
      sub: 'f81d4fae',
      preferred_username: 'pro',
      email: 'pro@example.test',
      name: 'Pat Pro',
      groups: ['/PRO'],
      realm_access: { roles: ['default-roles-wikiplatform'] },
      aud: 'account',
    });
    expect(identity).toEqual({
      sub: 'f81d4fae',
      username: 'pro',
      email: 'pro@example.test',
      name: 'Pat Pro',
      plan: 'PRO',
      groups: ['/PRO'],
      roles: ['default-roles-wikiplatform'],
    });
  });

  it('falls back to given and family names, then to the username, when name is absent', () => {
    expect(identityFromKeycloakClaims({ sub: 's', preferred_username: 'u', given_name: 'Ada', family_name: 'Admin' })?.name).toBe('Ada Admin');
    expect(identityFromKeycloakClaims({ sub: 's', preferred_username: 'u' })?.name).toBe('u');
  });

  it('gives no plan to a user outside the plan groups', () => {
    expect(identityFromKeycloakClaims({ sub: 's', groups: ['/staff'] })?.plan).toBeNull();
  });

  it('refuses claims without a subject or with wrongly typed groups', () => {
    expect(identityFromKeycloakClaims({ preferred_username: 'u' })).toBeNull();
    expect(identityFromKeycloakClaims({ sub: 's', groups: '/PRO' })).toBeNull();
    expect(identityFromKeycloakClaims(null)).toBeNull();
  });
});
