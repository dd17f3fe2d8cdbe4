// Turns whatever @keycloak/keycloak-admin-client threw into a ProvisioningError that says what failed and
// what to change. Reads only the status, Keycloak's short error text and a network error code: never the
// response body as a whole, headers, tokens or the secret.
import { NetworkError } from '@keycloak/keycloak-admin-client';
import { ProvisioningError } from './provisioning-error.ts';

export interface KeycloakErrorContext {
  /** What the directory was doing, as a gerund phrase: "creating a user". */
  operation: string;
  /** The token request or an admin API call: a 401 means different things. */
  phase: 'token' | 'api';
  baseUrl: string;
  realmName: string;
  clientId: string;
  /** The configuration variable that holds the client secret, named when the credentials are refused. */
  secretVariable: string;
  timeoutMs: number;
}

/** The HTTP status of an admin-client error, or null when there was no HTTP answer. */
export function keycloakStatus(error: unknown): number | null {
  return error instanceof NetworkError ? error.response.status : null;
}

export function toProvisioningError(error: unknown, context: KeycloakErrorContext): ProvisioningError {
  if (error instanceof ProvisioningError) return error;
  const { operation, realmName, clientId } = context;
  const where = safeUrl(context.baseUrl);
  const status = keycloakStatus(error);

  if (status === null) {
    const name = (error as Error | undefined)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new ProvisioningError('idp_unavailable', `Keycloak did not answer within ${context.timeoutMs / 1000} s while ${operation}: check that it is running and reachable at ${where}`);
    }
    const code = networkCode(error);
    if (code || error instanceof TypeError) {
      return new ProvisioningError('idp_unavailable', `Could not reach Keycloak at ${where} while ${operation}${code ? ` (${code})` : ''}: check the Keycloak base URL and that Keycloak is running`);
    }
    return new ProvisioningError('idp_unavailable', `Unexpected ${name ?? 'error'} while ${operation} with Keycloak at ${where}`);
  }

  const text = keycloakText(error);
  if (context.phase === 'token') {
    if (status === 404) {
      return new ProvisioningError('idp_not_found', `Keycloak at ${where} has no realm "${realmName}" (404): check the Keycloak base URL (the server root, not the realm URL) and the realm name`, { status });
    }
    // Keycloak answers a wrong secret and a client without service account alike (unauthorized_client).
    if (status === 400 || status === 401) {
      return new ProvisioningError(
        'idp_credentials_rejected',
        `Keycloak refused the portal's client credentials (${status}${text ? ` ${text}` : ''}): check ${context.secretVariable}, and that client ${clientId} exists in realm ${realmName} with its service account enabled`,
        { status },
      );
    }
  }
  if (status === 401) {
    return new ProvisioningError('idp_credentials_rejected', `Keycloak rejected a freshly issued access token while ${operation} (401): check that ${where} is the Keycloak that issued it (its hostname settings)`, { status });
  }
  if (status === 403) {
    return new ProvisioningError('idp_forbidden', `Keycloak denied ${clientId} ${operation} (403): give its service account the realm-management roles manage-users, view-users and query-groups`, { status });
  }
  if (status === 404 && text === 'Group not found') {
    return new ProvisioningError('idp_plan_group_missing', `Keycloak lost a plan group while ${operation} (404): check the groups STARTER, PRO and ENTERPRISE in realm ${realmName}`, { status });
  }
  if (status === 404) {
    return new ProvisioningError('idp_not_found', `Keycloak found no such ${text === 'User not found' ? 'user' : 'resource'} while ${operation} (404)`, { status });
  }
  if (status === 409) return new ProvisioningError('idp_conflict', `Keycloak refused ${operation} (409${text ? `: ${text}` : ''})`, { status });
  if (status >= 500) {
    return new ProvisioningError('idp_unavailable', `Keycloak failed while ${operation} (HTTP ${status}): try again later, and check its logs if it persists`, { status });
  }
  return new ProvisioningError('idp_rejected', `Keycloak refused ${operation} (${status}${text ? `: ${text}` : ''})`, { status });
}

/**
 * Keycloak's own short error text ("User exists with same email", "invalid_client"), which the admin
 * client puts in the message. Only printable and short, so an echoed input cannot flood a log line.
 */
function keycloakText(error: unknown): string | null {
  const message = error instanceof Error ? error.message : '';
  if (!message || message === 'Network response was not OK.' || message === 'Unable to determine error message.') return null;
  return /^[\p{L}\p{N} .,:;'_()-]{1,120}$/u.test(message) ? message : null;
}

function networkCode(error: unknown): string | null {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code) ? code : null;
}

/** The base URL without any user info, which may carry a credential. */
function safeUrl(value: string): string {
  const url = URL.parse(value);
  return url ? `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, '')}` : '(an invalid Keycloak base URL)';
}
