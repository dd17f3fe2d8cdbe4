// The one error provisioning's adapters throw: a stable code, a message that says what failed and what to
// change, and whether trying again later can help. Messages never carry tokens, secrets or response bodies.

export const PROVISIONING_ERROR_CODES = {
  /** The identity provider refused the portal's client credentials. */
  idp_credentials_rejected: { retryable: false },
  /** The portal's service account lacks a role the call needs. */
  idp_forbidden: { retryable: false },
  /** The user (or another named resource) does not exist. */
  idp_not_found: { retryable: false },
  /** The realm lacks one of the plan groups STARTER, PRO, ENTERPRISE. */
  idp_plan_group_missing: { retryable: false },
  /** A username or email is taken by a user provisioning cannot treat as this one. */
  idp_conflict: { retryable: false },
  /**
   * The user with the paid-for email has neither verified it nor a pending set-password (so the portal did
   * not create them): the plan is not attached to an account that may not belong to the buyer.
   */
  idp_email_unverified: { retryable: false },
  /** The identity provider refused the request as malformed or not allowed (a 4xx not listed above). */
  idp_rejected: { retryable: false },
  /** The identity provider could not send an email (its SMTP settings, or the mail service). */
  idp_email_failed: { retryable: true },
  /** No answer, a timeout or a 5xx: nothing to fix on our side, try again later. */
  idp_unavailable: { retryable: true },
  /** Mailgun refused the API key or denied the domain (401/403). */
  mail_credentials_rejected: { retryable: false },
  /** Mailgun does not know the sending domain, or the base URL is not Mailgun's (404). */
  mail_domain_not_found: { retryable: false },
  /** Mailgun refused this message (400, 413, a recipient that is not one address). */
  mail_rejected: { retryable: false },
  /** Rate limited, a 5xx, a timeout or no answer: try again later. */
  mail_unavailable: { retryable: true },
} as const satisfies Record<string, { retryable: boolean }>;

export type ProvisioningErrorCode = keyof typeof PROVISIONING_ERROR_CODES;

export class ProvisioningError extends Error {
  readonly code: ProvisioningErrorCode;
  /** Whether a later attempt may succeed without anyone changing configuration. */
  readonly retryable: boolean;
  /** The HTTP status the service answered, or null when it did not answer. */
  readonly status: number | null;

  constructor(code: ProvisioningErrorCode, message: string, options: { status?: number | null; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProvisioningError';
    this.code = code;
    this.retryable = PROVISIONING_ERROR_CODES[code].retryable;
    this.status = options.status ?? null;
  }
}
