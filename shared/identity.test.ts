import { describe, expect, it } from 'vitest';
import { identityFromKeycloakClaims } from './identity.ts';

describe('identity from Keycloak claims', () => {
  it('reads username, email, name, groups, realm roles and the plan from a Keycloak access token', () => {
    const identity = identityFromKeycloakClaims({
      sub: 'f81d4fae',
      preferred_username: 'pro',
      email: 'pro@example.test',
      email_verified: true,
      name: 'Pat Pro',
      groups: ['/PRO'],
      realm_access: { roles: ['default-roles-wikiplatform'] },
      aud: 'account',
    });
    expect(identity).toEqual({
      sub: 'f81d4fae',
      username: 'pro',
      email: 'pro@example.test',
      emailVerified: true,
      name: 'Pat Pro',
      plan: 'PRO',
      groups: ['/PRO'],
      roles: ['default-roles-wikiplatform'],
    });
  });

  it('counts the email as verified only when the token says email_verified: true about an address it carries', () => {
    const verified = (claims: Record<string, unknown>) => identityFromKeycloakClaims({ sub: 's', ...claims })?.emailVerified;
    expect(verified({ email: 'a@example.test', email_verified: true })).toBe(true);
    expect(verified({ email: 'a@example.test', email_verified: false })).toBe(false);
    expect(verified({ email: 'a@example.test' })).toBe(false);
    expect(verified({ email_verified: true })).toBe(false);
    // A string is not Keycloak's boolean: the whole token is refused rather than guessed at.
    expect(identityFromKeycloakClaims({ sub: 's', email: 'a@example.test', email_verified: 'true' })).toBeNull();
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
