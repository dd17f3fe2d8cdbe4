import { NetworkError } from '@keycloak/keycloak-admin-client';
import { describe, expect, it } from 'vitest';
import { toProvisioningError, type KeycloakErrorContext } from './keycloak-error.ts';
import { ProvisioningError } from './provisioning-error.ts';

const context: KeycloakErrorContext = {
  operation: 'creating a user',
  phase: 'api',
  baseUrl: 'http://admin:hunter2@keycloak:8080/',
  realmName: 'wikiplatform',
  clientId: 'wikiplatform-portal',
  secretVariable: 'KEYCLOAK_PORTAL_CLIENT_SECRET',
  timeoutMs: 10_000,
};

function httpError(status: number, responseData: unknown, message = 'Network response was not OK.'): NetworkError {
  return new NetworkError(message, { response: new Response(null, { status }), responseData });
}

describe('Keycloak failures as provisioning errors', () => {
  it('names the secret variable when the token endpoint refuses the credentials, and never the body', () => {
    const error = toProvisioningError(httpError(401, { error: 'unauthorized_client', error_description: 'secret s3cr3t' }, 'unauthorized_client'), { ...context, phase: 'token' });
    expect(error).toMatchObject({ code: 'idp_credentials_rejected', status: 401, retryable: false });
    expect(error.message).toBe(
      "Keycloak refused the portal's client credentials (401 unauthorized_client): check KEYCLOAK_PORTAL_CLIENT_SECRET, and that client wikiplatform-portal exists in realm wikiplatform with its service account enabled",
    );
    expect(error.message).not.toContain('s3cr3t');
  });

  it('says which roles to grant on a 403 and how to find the realm on a token 404', () => {
    expect(toProvisioningError(httpError(403, { error: 'HTTP 403 Forbidden' }), context).message).toMatch(/denied wikiplatform-portal creating a user \(403\): give its service account the realm-management roles manage-users, view-users and query-groups/);
    const missingRealm = toProvisioningError(httpError(404, ''), { ...context, phase: 'token' });
    expect(missingRealm).toMatchObject({ code: 'idp_not_found' });
    expect(missingRealm.message).toContain('Keycloak at http://keycloak:8080 has no realm "wikiplatform"');
    expect(missingRealm.message).not.toContain('hunter2');
  });

  it("keeps Keycloak's short error text and drops anything that looks like more than that", () => {
    expect(toProvisioningError(httpError(409, {}, 'User exists with same email'), context)).toMatchObject({ code: 'idp_conflict', message: 'Keycloak refused creating a user (409: User exists with same email)' });
    expect(toProvisioningError(httpError(400, {}, '{"token":"eyJ…"}'), context).message).toBe('Keycloak refused creating a user (400)');
  });

  it('marks timeouts, unreachable servers and 5xx as worth retrying', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(toProvisioningError(refused, context)).toMatchObject({ code: 'idp_unavailable', retryable: true, status: null });
    expect(toProvisioningError(refused, context).message).toContain('Could not reach Keycloak at http://keycloak:8080 while creating a user (ECONNREFUSED)');
    expect(toProvisioningError(new DOMException('timed out', 'TimeoutError'), context).message).toContain('did not answer within 10 s');
    expect(toProvisioningError(httpError(503, 'upstream'), context)).toMatchObject({ code: 'idp_unavailable', retryable: true, status: 503 });
  });

  it('passes a ProvisioningError through unchanged', () => {
    const original = new ProvisioningError('idp_forbidden', 'x');
    expect(toProvisioningError(original, context)).toBe(original);
  });
});
