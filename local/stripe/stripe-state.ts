// What the stand-in remembers: customers, Checkout Sessions, subscriptions, portal sessions, events and
// idempotent results, in memory, written to <dataDir>/stripe/state.json after each change when asked.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { PriceObject } from './catalog.ts';

export interface CustomerObject {
  id: string;
  object: 'customer';
  created: number;
  email: string | null;
  name: string | null;
  description: null;
  /** Optional only for customers saved by an older stand-in. */
  invoice_settings?: { default_payment_method: string | null };
  livemode: false;
  metadata: Record<string, string>;
}

export interface PaymentMethodObject {
  id: string;
  object: 'payment_method';
  type: 'card';
  card: { brand: 'visa'; country: 'US'; exp_month: number; exp_year: number; funding: 'credit'; last4: string };
  created: number;
  customer: string | null;
  livemode: false;
  metadata: Record<string, string>;
}

/** What the stand-in knows of a card beyond its object: whether charging it fails (Stripe's test cards). */
export interface PaymentMethodRecord {
  paymentMethod: PaymentMethodObject;
  chargesFail: boolean;
}

export interface CheckoutSessionObject {
  id: string;
  object: 'checkout.session';
  mode: 'subscription';
  ui_mode: 'hosted';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  url: string | null;
  success_url: string;
  cancel_url: string | null;
  customer: string | null;
  customer_email: string | null;
  customer_details: { email: string; name: string | null; address: null; phone: null; tax_exempt: 'none'; tax_ids: [] } | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  subscription: string | null;
  amount_subtotal: number;
  amount_total: number;
  currency: string;
  created: number;
  expires_at: number;
  livemode: false;
  invoice: null;
  payment_intent: null;
  locale: string | null;
  allow_promotion_codes: boolean | null;
}

/** What Stripe keeps of a session that the object does not show until expanded. */
export interface SessionRecord {
  session: CheckoutSessionObject;
  lineItems: { price: string; quantity: number }[];
  subscriptionMetadata: Record<string, string>;
}

export interface SubscriptionItemObject {
  id: string;
  object: 'subscription_item';
  created: number;
  current_period_start: number;
  current_period_end: number;
  metadata: Record<string, string>;
  price: PriceObject;
  quantity: number;
  subscription: string;
}

export type SubscriptionStatus = 'incomplete' | 'incomplete_expired' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'paused';

export interface SubscriptionObject {
  id: string;
  object: 'subscription';
  billing_cycle_anchor: number;
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  collection_method: 'charge_automatically';
  created: number;
  currency: string;
  customer: string;
  description: null;
  ended_at: number | null;
  items: { object: 'list'; data: SubscriptionItemObject[]; has_more: false; total_count: number; url: string };
  latest_invoice: null;
  livemode: false;
  metadata: Record<string, string>;
  /** Changes waiting for their invoice to be paid (payment_behavior=pending_if_incomplete); optional only for older saved state. */
  pending_update?: PendingUpdate | null;
  start_date: number;
  status: SubscriptionStatus;
  trial_end: null;
  trial_start: null;
}

/** Stripe's `pending_update` hash: what the subscription becomes once the update's invoice is paid. */
export interface PendingUpdate {
  billing_cycle_anchor: null;
  expires_at: number;
  subscription_items: SubscriptionItemObject[];
  trial_end: null;
  trial_from_plan: null;
}

export interface PortalSessionObject {
  id: string;
  object: 'billing_portal.session';
  configuration: string;
  created: number;
  customer: string;
  flow: null;
  livemode: false;
  locale: null;
  on_behalf_of: null;
  return_url: string | null;
  url: string;
}

/** A customer portal configuration: which features the portal page offers. */
export interface PortalConfigurationObject {
  id: string;
  object: 'billing_portal.configuration';
  active: boolean;
  application: null;
  business_profile: { headline: string | null; privacy_policy_url: string | null; terms_of_service_url: string | null };
  created: number;
  default_return_url: string | null;
  features: {
    customer_update: { enabled: boolean; allowed_updates: string[] };
    invoice_history: { enabled: boolean };
    payment_method_update: { enabled: boolean };
    subscription_cancel: { enabled: boolean; mode: 'at_period_end' | 'immediately'; proration_behavior: 'always_invoice' | 'create_prorations' | 'none' };
    subscription_update: { enabled: boolean; default_allowed_updates: string[]; products: []; proration_behavior: 'always_invoice' | 'create_prorations' | 'none' };
  };
  is_default: boolean;
  livemode: false;
  login_page: { enabled: false; url: null };
  metadata: Record<string, string>;
  name: string | null;
  updated: number;
}

/** The hosted page is reached by a token in its URL, not by the session id. */
export interface PortalRecord {
  session: PortalSessionObject;
  token: string;
}

export interface EventObject {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface IdempotentRecord {
  /** Scoped by API key, as Stripe scopes keys by account. */
  scope: string;
  key: string;
  fingerprint: string;
  status: number;
  body: string;
  createdMs: number;
}

const StateFileSchema = z.object({
  customers: z.array(z.record(z.string(), z.unknown())),
  sessions: z.array(z.record(z.string(), z.unknown())),
  subscriptions: z.array(z.record(z.string(), z.unknown())),
  portalSessions: z.array(z.record(z.string(), z.unknown())),
  events: z.array(z.record(z.string(), z.unknown())),
  idempotency: z.array(z.record(z.string(), z.unknown())),
  paymentMethods: z.array(z.record(z.string(), z.unknown())).default([]),
  portalConfigurations: z.array(z.record(z.string(), z.unknown())).default([]),
});

/** Events older than this many are dropped from memory (Stripe keeps 30 days; a dev session needs less). */
const MAX_EVENTS = 5000;

export class StripeState {
  readonly customers = new Map<string, CustomerObject>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly subscriptions = new Map<string, SubscriptionObject>();
  readonly portalSessions = new Map<string, PortalRecord>();
  readonly events: EventObject[] = [];
  readonly idempotency = new Map<string, IdempotentRecord>();
  readonly paymentMethods = new Map<string, PaymentMethodRecord>();
  /** Created through the API; the default configuration is not stored (billing-portal.ts). */
  readonly portalConfigurations = new Map<string, PortalConfigurationObject>();

  private constructor(private readonly file: string | undefined) {}

  /** Fresh state, or the state saved in `file`; a file that does not parse is an error, not a silent reset. */
  static open(file?: string): StripeState {
    const state = new StripeState(file);
    if (!file) return state;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return state;
      throw err;
    }
    const saved = StateFileSchema.parse(JSON.parse(text));
    // The file is the stand-in's own output; its inner shapes are trusted once the outline checks out.
    for (const c of saved.customers as unknown as CustomerObject[]) state.customers.set(c.id, c);
    for (const s of saved.sessions as unknown as SessionRecord[]) state.sessions.set(s.session.id, s);
    for (const s of saved.subscriptions as unknown as SubscriptionObject[]) state.subscriptions.set(s.id, s);
    for (const p of saved.portalSessions as unknown as PortalRecord[]) state.portalSessions.set(p.token, p);
    state.events.push(...(saved.events as unknown as EventObject[]));
    for (const r of saved.idempotency as unknown as IdempotentRecord[]) state.idempotency.set(`${r.scope}\n${r.key}`, r);
    for (const p of saved.paymentMethods as unknown as PaymentMethodRecord[]) state.paymentMethods.set(p.paymentMethod.id, p);
    for (const c of saved.portalConfigurations as unknown as PortalConfigurationObject[]) state.portalConfigurations.set(c.id, c);
    return state;
  }

  /** Written whole after each change (small): to a temporary file first, so a crash never leaves half a file. */
  save(): void {
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const body = JSON.stringify({
      customers: [...this.customers.values()],
      sessions: [...this.sessions.values()],
      subscriptions: [...this.subscriptions.values()],
      portalSessions: [...this.portalSessions.values()],
      events: this.events,
      idempotency: [...this.idempotency.values()],
      paymentMethods: [...this.paymentMethods.values()],
      portalConfigurations: [...this.portalConfigurations.values()],
    });
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, body, { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Ids like Stripe's: a type prefix and random base-62 characters (`cs_test_a1…`, `cus_…`, `sub_1…`). */
export function stripeId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return `${prefix}${out}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A deep copy for events and responses, so later changes never rewrite what was already sent. */
export function snapshot<T>(value: T): T {
  return structuredClone(value);
}
