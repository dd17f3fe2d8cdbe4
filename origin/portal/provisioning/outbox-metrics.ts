// What on-call watches of provisioning, read from the outbox at each scrape: jobs waiting, how long the
// oldest has waited, and the most attempts any has taken. A paid plan stuck here is a customer who paid
// and cannot get in, so these are alerting material (e.g. oldest pending > 10 min).
import { isNull, sql } from 'drizzle-orm';
import { Gauge, type Registry } from 'prom-client';
import type { PortalDb } from '../billing/record-stripe-event.ts';
import { provisioningOutbox } from '../schema.ts';

export function registerOutboxMetrics(registry: Registry, db: PortalDb): void {
  let snapshot: Promise<{ pending: number; oldestSeconds: number; maxAttempts: number }> | null = null;
  // One query per scrape for all three gauges, whichever collects first.
  const read = () =>
    (snapshot ??= db
      .select({
        pending: sql<number>`count(*)::int`,
        oldestSeconds: sql<number>`coalesce(extract(epoch from now() - min(${provisioningOutbox.createdAt})), 0)::float8`,
        maxAttempts: sql<number>`coalesce(max(${provisioningOutbox.attempts}), 0)::int`,
      })
      .from(provisioningOutbox)
      .where(isNull(provisioningOutbox.doneAt))
      .then(([row]) => row ?? { pending: 0, oldestSeconds: 0, maxAttempts: 0 })
      .finally(() => setImmediate(() => (snapshot = null))));

  new Gauge({
    name: 'wikiplatform_provisioning_jobs_pending',
    help: 'Provisioning jobs not applied yet (waiting, or failing and retried with backoff)',
    registers: [registry],
    async collect() {
      this.set((await read()).pending);
    },
  });
  new Gauge({
    name: 'wikiplatform_provisioning_oldest_pending_seconds',
    help: 'Age of the oldest provisioning job not applied yet; 0 when none waits',
    registers: [registry],
    async collect() {
      this.set((await read()).oldestSeconds);
    },
  });
  new Gauge({
    name: 'wikiplatform_provisioning_max_attempts',
    help: 'Most attempts taken by a provisioning job not applied yet',
    registers: [registry],
    async collect() {
      this.set((await read()).maxAttempts);
    },
  });
}
