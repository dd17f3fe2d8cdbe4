// Checks a webhook body against its Stripe-Signature header with Stripe's own library, then checks the
// envelope this platform reads. Failures come back tagged; the route maps them to one vague wire error.
import Stripe from 'stripe';
import { z } from 'zod';
import type { StripeEventEnvelope } from './stripe-events.ts';

export type VerifyFailure = 'missing_header' | 'malformed_header' | 'no_matching_signature' | 'timestamp_outside_tolerance' | 'not_an_event';

export type VerifyResult =
  | { ok: true; event: StripeEventEnvelope; payload: Record<string, unknown> }
  | { ok: false; reason: VerifyFailure };

const EnvelopeSchema = z.looseObject({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  // Up to the year 9999, so the timestamp column always takes it.
  created: z.number().int().min(0).max(253_402_300_799),
  data: z.looseObject({ object: z.record(z.string(), z.unknown()) }),
});

export async function verifyStripeEvent(
  body: Uint8Array,
  signatureHeader: string | undefined,
  secret: string,
  options: { toleranceSeconds?: number } = {},
): Promise<VerifyResult> {
  if (!signatureHeader) return { ok: false, reason: 'missing_header' };
  let event: unknown;
  try {
    event = await Stripe.webhooks.constructEventAsync(body, signatureHeader, secret, options.toleranceSeconds);
  } catch (err) {
    return { ok: false, reason: failureOf(err) };
  }
  const parsed = EnvelopeSchema.safeParse(event);
  if (!parsed.success) return { ok: false, reason: 'not_an_event' };
  return { ok: true, event: parsed.data as StripeEventEnvelope, payload: parsed.data };
}

function failureOf(err: unknown): VerifyFailure {
  // Anything but a signature error comes after the check: a signed body that is not JSON, or a thin v2 event.
  if ((err as { type?: unknown } | null)?.type !== 'StripeSignatureVerificationError') return 'not_an_event';
  const message = (err as Error).message ?? '';
  if (message.startsWith('Timestamp outside the tolerance zone')) return 'timestamp_outside_tolerance';
  if (message.startsWith('Unable to extract timestamp and signatures')) return 'malformed_header';
  return 'no_matching_signature';
}
