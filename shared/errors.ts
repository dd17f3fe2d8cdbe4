// Error codes shared by every tier, and the one map from code to HTTP status.

export const ERROR_STATUS = {
  bad_request: 400,
  /** A webhook whose signature header is missing, malformed, stale or does not match its body. */
  invalid_signature: 400,
  validation_failed: 400,
  unauthenticated: 401,
  /** A payment the action needs was declined (a plan upgrade): nothing changed. */
  payment_declined: 402,
  forbidden: 403,
  plan_required: 403,
  /** An action that follows the user's email address (billing) while the identity provider has not verified it. */
  email_unverified: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** Well-formed, but more than the server will do for one request (e.g. a diff of two very different revisions). */
  unprocessable_content: 422,
  rate_limited: 429,
  internal: 500,
  bad_gateway: 502,
  unavailable: 503,
  /** Stripe billing is switched off on this portal (no webhook secret configured). */
  billing_not_configured: 503,
  gateway_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The wire shape of every error response, on every tier. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; details?: unknown };
}

/** The one error type of every app: a stable code, a message safe to show a client, optional details. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = details;
  }
}

export function errorBody(code: ErrorCode, message: string, requestId: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message, requestId } : { code, message, requestId, details } };
}
