// Applies provisioning jobs from the outbox: one job per transaction, claimed with FOR UPDATE SKIP LOCKED
// so several processors can run at once, and only a customer's oldest pending job is ever claimable, so
// one customer's intents are applied in the order they were enqueued (a failing job holds the later ones).
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Plan } from '#shared/plan-matrix';
import { auditLog, provisioningOutbox } from '../schema.ts';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffOptions } from './backoff.ts';
import type { PortalDb } from './record-stripe-event.ts';
import type { ProvisioningIntent } from './subscription-state.ts';

/**
 * Applies intents to the identity provider. The contract is idempotence, because a job can be applied
 * again after a crash between the call and the commit that marks it done:
 * - grant: find the user by email or create them (a welcome email only when created, never a password
 *   in it), then move the portal's own plan-group grant to `plan` (adding its group, leaving the group
 *   of an earlier portal grant; a plan group the portal did not grant is never removed).
 *   Granting what is already granted changes nothing and sends nothing.
 * - revoke: take back the portal's grant from the user the customer's plan was granted to (by Keycloak
 *   id, else by email); no user, or no grant, is success.
 * Throw to have the job retried later; the message is recorded (keep secrets out of it).
 */
export interface Provisioner {
  grant(input: { email: string; name: string | null; plan: Plan; customerId: string }): Promise<void>;
  revoke(input: { email: string; customerId: string }): Promise<void>;
}

export interface ProcessOutboxOptions {
  db: PortalDb;
  provisioner: Provisioner;
  now?: () => Date;
  /** At most this many jobs per call. */
  batch?: number;
  backoff?: BackoffOptions;
  /** Stop taking jobs when this turns true (shutdown): the job in hand finishes, no other starts. */
  shouldStop?: () => boolean;
  /** Told about each failed attempt, after it is recorded (for a warning in the log). */
  onFailure?: (failure: JobFailure) => void;
}

export interface JobFailure {
  jobId: number;
  customerId: string;
  attempts: number;
  nextAttemptAt: Date;
  error: unknown;
}

export interface OutboxRun {
  applied: number;
  failed: number;
}

const ACTOR = 'provisioning-outbox';
const MAX_ERROR_CHARS = 1000;

export async function processOutbox(options: ProcessOutboxOptions): Promise<OutboxRun> {
  const { db, provisioner } = options;
  const now = options.now ?? (() => new Date());
  const batch = options.batch ?? 20;
  const run: OutboxRun = { applied: 0, failed: 0 };
  for (let i = 0; i < batch && !options.shouldStop?.(); i++) {
    const result = await db.transaction((tx) => processOne(tx, provisioner, now(), options.backoff ?? DEFAULT_BACKOFF, options.onFailure));
    if (result === 'empty') break;
    run[result]++;
  }
  return run;
}

async function processOne(tx: PortalDb, provisioner: Provisioner, at: Date, backoff: BackoffOptions, onFailure?: (failure: JobFailure) => void): Promise<'applied' | 'failed' | 'empty'> {
  const [job] = await tx
    .select()
    .from(provisioningOutbox)
    .where(
      and(
        isNull(provisioningOutbox.doneAt),
        lte(provisioningOutbox.nextAttemptAt, at),
        sql`not exists (select 1 from provisioning_outbox older where older.customer_id = ${provisioningOutbox.customerId} and older.done_at is null and older.id < ${provisioningOutbox.id})`,
      ),
    )
    .orderBy(asc(provisioningOutbox.id))
    .limit(1)
    .for('update', { of: provisioningOutbox, skipLocked: true });
  if (!job) return 'empty';

  const intent = job.intent;
  const attempts = job.attempts + 1;
  try {
    await apply(provisioner, intent);
  } catch (err) {
    const lastError = describe(err);
    const nextAttemptAt = new Date(at.getTime() + retryDelayMs(attempts, backoff));
    await tx.update(provisioningOutbox).set({ attempts, lastError, nextAttemptAt }).where(eq(provisioningOutbox.id, job.id));
    await tx.insert(auditLog).values({
      actor: ACTOR,
      action: 'provisioning.failed',
      subject: job.customerId,
      details: { jobId: job.id, eventId: job.eventId, intent: intent.action, attempts, error: lastError, nextAttemptAt: nextAttemptAt.toISOString() },
    });
    onFailure?.({ jobId: job.id, customerId: job.customerId, attempts, nextAttemptAt, error: err });
    return 'failed';
  }
  await tx.update(provisioningOutbox).set({ attempts, doneAt: at, lastError: null }).where(eq(provisioningOutbox.id, job.id));
  await tx.insert(auditLog).values({
    actor: ACTOR,
    action: intent.action === 'grant' ? 'provisioning.granted' : 'provisioning.revoked',
    subject: job.customerId,
    details: { jobId: job.id, eventId: job.eventId, email: intent.email, attempts, ...(intent.action === 'grant' ? { plan: intent.plan } : {}) },
  });
  return 'applied';
}

function apply(provisioner: Provisioner, intent: ProvisioningIntent): Promise<void> {
  switch (intent.action) {
    case 'grant':
      return provisioner.grant({ email: intent.email, name: intent.name, plan: intent.plan, customerId: intent.customerId });
    case 'revoke':
      return provisioner.revoke({ email: intent.email, customerId: intent.customerId });
  }
}

function describe(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, MAX_ERROR_CHARS);
}
