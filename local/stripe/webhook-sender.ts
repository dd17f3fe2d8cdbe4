// Delivers events to the one configured endpoint as Stripe does: a POST of the event JSON with a
// Stripe-Signature header (t=…,v1=HMAC-SHA256(secret, t.payload), made by Stripe's own library), success
// meaning any 2xx, failures retried later with growing delays. First attempts go out in event order;
// a failing event does not hold the others back.
import Stripe from 'stripe';
import type { EventObject } from './stripe-state.ts';

export interface WebhookEndpoint {
  url: string;
  /** `whsec_…`, the secret the receiving side verifies with. */
  secret: string;
  /** Waits before the 2nd, 3rd … attempt; after the last one the event is given up. */
  retryDelaysMs?: readonly number[];
  /** Per attempt. */
  timeoutMs?: number;
}

export interface Delivery {
  eventId: string;
  type: string;
  attempt: number;
  /** The endpoint's status, or null when it could not be reached. */
  status: number | null;
  ok: boolean;
  /** Why it failed, without the signature or the body. */
  error?: string;
  at: number;
}

export type StandInLogger = (entry: Record<string, unknown>) => void;

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000, 25_000];
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_DELIVERIES_KEPT = 2000;

export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly endpoint: WebhookEndpoint,
    private readonly log: StandInLogger,
  ) {}

  send(event: EventObject): void {
    if (this.closed) return;
    this.pending++;
    const payload = JSON.stringify(event);
    this.chain = this.chain.then(() => this.attempt(event, payload, 1));
  }

  /** Resolves once every event sent so far is delivered or given up (retries included). */
  settled(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pending = 0;
    this.wakeIdle();
  }

  private async attempt(event: EventObject, payload: string, attempt: number): Promise<void> {
    if (this.closed) return;
    // Signed at each attempt with a fresh timestamp, as Stripe re-signs retries.
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: this.endpoint.secret });
    let status: number | null = null;
    let error: string | undefined;
    try {
      const res = await fetch(this.endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
      status = res.status;
      await res.body?.cancel();
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : 'unreachable';
    }
    if (this.closed) return;
    const ok = status !== null && status >= 200 && status < 300;
    if (!ok && !error) error = `endpoint answered ${status}`;
    this.record({ eventId: event.id, type: event.type, attempt, status, ok, ...(error ? { error } : {}), at: Date.now() });
    if (ok) return this.done();
    const delays = this.endpoint.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const delay = delays[attempt - 1];
    if (delay === undefined) {
      this.log({ level: 'warn', msg: 'stripe stand-in gave up a webhook', eventId: event.id, type: event.type, attempts: attempt });
      return this.done();
    }
    this.log({ level: 'info', msg: 'stripe stand-in will retry a webhook', eventId: event.id, type: event.type, attempt, status, retryInMs: delay });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(event, payload, attempt + 1);
    }, delay);
    this.timers.add(timer);
  }

  private record(delivery: Delivery): void {
    this.deliveries.push(delivery);
    if (this.deliveries.length > MAX_DELIVERIES_KEPT) this.deliveries.splice(0, this.deliveries.length - MAX_DELIVERIES_KEPT);
  }

  private done(): void {
    this.pending = Math.max(0, this.pending - 1);
    if (this.pending === 0) this.wakeIdle();
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
