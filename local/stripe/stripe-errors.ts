// Errors in Stripe's wire shape: `{ error: { type, code?, param?, message, doc_url? } }` with Stripe's
// status codes and messages, so the stripe library raises the same error classes it would against Stripe.

export type StripeErrorType = 'invalid_request_error' | 'idempotency_error' | 'api_error';

export interface StripeErrorBody {
  error: { type: StripeErrorType; message: string; code?: string; param?: string; doc_url?: string };
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly code?: string,
    readonly param?: string,
    /**
     * Stripe saves an idempotent result only once the endpoint has begun executing: a request refused
     * while its parameters were checked may be retried with the same key and different parameters.
     */
    readonly beforeExecution = false,
  ) {
    super(message);
    this.name = 'StripeApiError';
  }

  body(): StripeErrorBody {
    const error: StripeErrorBody['error'] = { type: this.type, message: this.message };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replaceAll('_', '-')}`;
    }
    if (this.param) error.param = this.param;
    return { error };
  }

  static invalidRequest(message: string, param?: string, code?: string): StripeApiError {
    return new StripeApiError(400, 'invalid_request_error', message, code, param, true);
  }

  static missingParam(param: string): StripeApiError {
    return new StripeApiError(400, 'invalid_request_error', `Missing required param: ${param}.`, 'parameter_missing', param, true);
  }

  static unknownParam(param: string): StripeApiError {
    return new StripeApiError(400, 'invalid_request_error', `Received unknown parameter: ${param}`, 'parameter_unknown', param, true);
  }

  /** `No such price: 'price_x'`, 404 on a path id, 400 when the id came in the parameters. */
  static noSuch(objectName: string, id: string, param: string, status: 400 | 404): StripeApiError {
    return new StripeApiError(status, 'invalid_request_error', `No such ${objectName}: '${id}'`, 'resource_missing', param);
  }

  static missingApiKey(): StripeApiError {
    return new StripeApiError(
      401,
      'invalid_request_error',
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      undefined,
      undefined,
      true,
    );
  }

  static invalidApiKey(key: string): StripeApiError {
    return new StripeApiError(401, 'invalid_request_error', `Invalid API Key provided: ${maskApiKey(key)}`, undefined, undefined, true);
  }

  static unrecognizedUrl(method: string, path: string): StripeApiError {
    return new StripeApiError(
      404,
      'invalid_request_error',
      `Unrecognized request URL (${method}: ${path.slice(0, 200)}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      undefined,
      undefined,
      true,
    );
  }

  static idempotencyMismatch(key: string): StripeApiError {
    return new StripeApiError(
      400,
      'idempotency_error',
      `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key.slice(0, 255)}' if you meant to execute a different request.`,
      undefined,
      undefined,
      true,
    );
  }

  /** The stand-in accepts only the documented parameters it actually implements; the rest are named, not ignored. */
  static notImplemented(param: string): StripeApiError {
    return new StripeApiError(400, 'invalid_request_error', `The local Stripe stand-in does not implement the parameter ${param}.`, undefined, param, true);
  }
}

/** Stripe echoes a wrong key with all but its prefix and last four characters masked. */
export function maskApiKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? '';
  const rest = key.slice(prefix.length);
  if (rest.length <= 4) return `${prefix}${'*'.repeat(rest.length)}`;
  return `${prefix}${'*'.repeat(Math.min(rest.length - 4, 60))}${rest.slice(-4)}`;
}
