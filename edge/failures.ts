// Every reason the edge refuses a caller, and the one exhaustive mapping to what the wire is told.
// The precise reason goes to the log; clients get a deliberately vague message.
import type { ErrorCode } from '#shared/errors';
import type { SessionCookieFailure } from './session-cookie.ts';
import type { TokenFailure } from './token-verifier.ts';

export type AuthFailure =
  | TokenFailure
  | `cookie_${SessionCookieFailure}`
  | 'no_credentials'
  | 'unsupported_scheme'
  | 'invalid_identity'
  | 'session_ended'
  | 'idp_unavailable';

export interface WireError {
  code: ErrorCode;
  message: string;
}

const UNAUTHENTICATED: WireError = { code: 'unauthenticated', message: 'Authentication required.' };
const UNAVAILABLE: WireError = { code: 'unavailable', message: 'Sign-in is temporarily unavailable. Try again shortly.' };

export function wireErrorFor(reason: AuthFailure): WireError {
  switch (reason) {
    case 'malformed':
    case 'oversized':
    case 'alg_not_allowed':
    case 'unknown_kid':
    case 'bad_signature':
    case 'wrong_issuer':
    case 'wrong_audience':
    case 'wrong_type':
    case 'expired':
    case 'not_yet_valid':
    case 'bad_nonce':
    case 'invalid_claims':
    case 'cookie_malformed':
    case 'cookie_bad_mac':
    case 'cookie_expired':
    case 'no_credentials':
    case 'unsupported_scheme':
    case 'invalid_identity':
    case 'session_ended':
      return UNAUTHENTICATED;
    // We cannot tell a good token from a bad one while the IdP's keys are out of reach.
    case 'jwks_unavailable':
    case 'idp_unavailable':
      return UNAVAILABLE;
    default: {
      const unreachable: never = reason;
      throw new TypeError(`unmapped auth failure ${String(unreachable)}`);
    }
  }
}
