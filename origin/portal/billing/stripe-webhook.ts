// POST /webhooks/stripe: the Stripe signature is this route's authentication, so the portal mounts it
// before the edge-assertion check. It stores and enqueues; Keycloak and Mailgun are the outbox's business.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '#shared/errors';
import type { BaseEnv } from '../../common/env.ts';
import type { PlanPrices } from './purchase-path.ts';
import { recordStripeEvent, type PortalDb } from './record-stripe-event.ts';
import { verifyStripeEvent, type VerifyFailure } from './verify-stripe-event.ts';

export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';
/** Stripe's events are a few kilobytes; a megabyte leaves room for big line-item lists. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export interface StripeWebhookOptions {
  db: PortalDb;
  /** `whsec_…`; without it the route answers 503 billing_not_configured. */
  webhookSecret?: string;
  /** Each plan's Stripe price: a subscription's plan is read from its price. Without them no subscription event grants. */
  prices?: PlanPrices;
  maxBodyBytes?: number;
  /** Seconds a signature stays acceptable; Stripe's default (300) when absent. */
  toleranceSeconds?: number;
  /** Called after an event enqueued a provisioning job, so the outbox worker runs it without waiting. */
  onEnqueued?: () => void;
}

export function stripeWebhookRoutes(options: StripeWebhookOptions): Hono<BaseEnv> {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
  const app = new Hono<BaseEnv>();
  const limitBody = bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw new AppError('payload_too_large', `Webhook bodies are limited to ${maxBodyBytes} bytes.`);
    },
  });

  app.post(STRIPE_WEBHOOK_PATH, limitBody, async function receiveStripeEvent(c) {
    const secret = options.webhookSecret;
    if (!secret) throw new AppError('billing_not_configured', 'Billing is not configured on this portal: STRIPE_WEBHOOK_SECRET is not set.');
    const body = new Uint8Array(await c.req.arrayBuffer());
    const verified = await verifyStripeEvent(body, c.req.header('stripe-signature'), secret, { toleranceSeconds: options.toleranceSeconds });
    if (!verified.ok) {
      // The precise reason goes to the log; never the header, the secret or the body.
      c.var.log.warn({ reason: verified.reason, bytes: body.byteLength }, 'stripe webhook refused');
      throw refusal(verified.reason);
    }
    const { event, payload } = verified;
    const result = await recordStripeEvent(options.db, event, payload, options.prices ?? null);
    c.var.log.info({ eventId: event.id, type: event.type, outcome: result.outcome, jobId: result.jobId }, 'stripe event recorded');
    if (result.jobId !== null) options.onEnqueued?.();
    return c.json({ received: true });
  });
  return app;
}

function refusal(reason: VerifyFailure): AppError {
  switch (reason) {
    case 'missing_header':
    case 'malformed_header':
    case 'no_matching_signature':
    case 'timestamp_outside_tolerance':
      return new AppError('invalid_signature', 'The Stripe-Signature header is missing, expired or does not match this body.');
    case 'not_an_event':
      return new AppError('bad_request', 'The body is not a Stripe event.');
  }
}
