// Stores one verified Stripe event and everything it implies, in one transaction: the event row (the
// dedup key), the customer's subscription state, at most one outbox job, and an audit row.
import { eq, sql } from 'drizzle-orm';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { auditLog, provisioningOutbox, stripeEvents, subscriptions, type PortalSchema } from '../schema.ts';
import type { PlanPrices } from './purchase-path.ts';
import { mapStripeEvent, type StripeEventEnvelope } from './stripe-events.ts';
import { applyChange, type SubscriptionState } from './subscription-state.ts';

export type PortalDb = PostgresJsDatabase<PortalSchema>;

/** duplicate: seen before, nothing written. The others name the stored event's outcome. */
export type RecordOutcome = 'duplicate' | 'applied' | 'stale' | 'ignored' | 'rejected';

export interface RecordResult {
  outcome: RecordOutcome;
  /** The outbox job enqueued, if any. */
  jobId: number | null;
}

const ACTOR = 'stripe-webhook';

export async function recordStripeEvent(db: PortalDb, event: StripeEventEnvelope, payload: Record<string, unknown>, prices: PlanPrices | null): Promise<RecordResult> {
  const mapping = mapStripeEvent(event, prices);
  const created = new Date(event.created * 1000);
  const storeEvent = async (tx: PortalDb, outcome: Exclude<RecordOutcome, 'duplicate'>) => {
    const rows = await tx
      .insert(stripeEvents)
      .values({ id: event.id, type: event.type, created, outcome, payload })
      .onConflictDoNothing({ target: stripeEvents.id })
      .returning({ id: stripeEvents.id });
    return rows.length === 1;
  };

  return db.transaction(async (tx) => {
    if (mapping.kind === 'ignored') {
      return { outcome: (await storeEvent(tx, 'ignored')) ? 'ignored' : 'duplicate', jobId: null };
    }
    const customerId = mapping.kind === 'change' ? mapping.change.customerId : mapping.customerId;
    // Events of one customer are folded one at a time, whichever webhook delivery or process gets them.
    if (customerId) await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`stripe-customer:${customerId}`}, 0))`);

    if (mapping.kind === 'rejected') {
      if (!(await storeEvent(tx, 'rejected'))) return { outcome: 'duplicate', jobId: null };
      await tx.insert(auditLog).values({
        actor: ACTOR,
        action: 'billing.event_rejected',
        subject: customerId,
        details: { eventId: event.id, type: event.type, reason: mapping.reason, detail: mapping.detail },
      });
      return { outcome: 'rejected', jobId: null };
    }

    const { change } = mapping;
    const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.customerId, change.customerId));
    const current: SubscriptionState | null = row
      ? { customerId: row.customerId, subscriptionId: row.subscriptionId, email: row.email, name: row.name, startedBy: row.checkoutUserSub, plan: row.plan, status: row.status, lastEventCreated: row.lastEventCreated }
      : null;
    const { next, stale, intent } = applyChange(current, change, event.created);
    if (!(await storeEvent(tx, stale ? 'stale' : 'applied'))) return { outcome: 'duplicate', jobId: null };

    const values = {
      customerId: next.customerId,
      subscriptionId: next.subscriptionId,
      email: next.email,
      name: next.name,
      checkoutUserSub: next.startedBy,
      plan: next.plan,
      status: next.status,
      lastEventCreated: next.lastEventCreated,
      lastEventId: stale && row ? row.lastEventId : event.id,
      updatedAt: new Date(),
    };
    await tx.insert(subscriptions).values(values).onConflictDoUpdate({ target: subscriptions.customerId, set: values });

    let jobId: number | null = null;
    if (intent) {
      const [job] = await tx
        .insert(provisioningOutbox)
        .values({ customerId: change.customerId, eventId: event.id, intent })
        .returning({ id: provisioningOutbox.id });
      jobId = job?.id ?? null;
    }
    await tx.insert(auditLog).values({
      actor: ACTOR,
      action: stale ? 'billing.event_stale' : 'billing.subscription_changed',
      subject: change.customerId,
      details: {
        eventId: event.id,
        type: event.type,
        status: next.status,
        plan: next.plan,
        ...(change.overriddenMetadataPlan !== undefined ? { metadataPlanIgnored: change.overriddenMetadataPlan } : {}),
        ...(intent ? { enqueued: intent.action, jobId } : {}),
      },
    });
    return { outcome: stale ? 'stale' : 'applied', jobId };
  });
}
