// A failed Stripe API call becomes a 502 telling the user nothing was charged, and one log line with what
// an operator needs (Stripe's error type, code, param, status, request id). Never the key: Stripe echoes a
// wrong one (masked but for its last characters) in authentication errors, so their message is not logged.
import Stripe from 'stripe';
import { AppError } from '#shared/errors';
import type { Logger } from '../../common/logger.ts';

export async function callStripe<T>(log: Logger, operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw stripeFailure(log, operation, err);
  }
}

/** The AppError to answer with for a Stripe error; anything else is returned unchanged (a bug: a 500). */
export function stripeFailure(log: Logger, operation: string, err: unknown): unknown {
  if (!(err instanceof Stripe.errors.StripeError)) return err;
  log.warn({ operation, stripe: describeStripeError(err) }, 'stripe request failed');
  const unreachable = err instanceof Stripe.errors.StripeConnectionError || err instanceof Stripe.errors.StripeAPIError || err instanceof Stripe.errors.StripeRateLimitError;
  return new AppError(
    'bad_gateway',
    unreachable
      ? 'The payment provider could not be reached. Nothing was charged; please try again in a minute.'
      : 'The payment provider refused the request. Nothing was charged; the request id helps us find out why.',
  );
}

export function describeStripeError(err: Stripe.errors.StripeError): Record<string, unknown> {
  const hidesKey = err instanceof Stripe.errors.StripeAuthenticationError || err instanceof Stripe.errors.StripePermissionError;
  return {
    type: err.type,
    code: err.code,
    param: err.param,
    statusCode: err.statusCode,
    requestId: err.requestId,
    ...(hidesKey ? {} : { message: redactKeys(err.message) }),
  };
}

/** Belt and braces: any API key or webhook secret shape in a message is cut out. */
export function redactKeys(text: string): string {
  return text.replace(/\b(sk|rk|pk)_(test|live)_[A-Za-z0-9*]+|\bwhsec_[A-Za-z0-9]+/g, '[redacted]');
}
