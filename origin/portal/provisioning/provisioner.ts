// The outbox's Provisioner: applies a paid plan to the identity provider (user found or created, the
// portal's own plan-group grant moved to the plan) and sends the welcome email once per Stripe customer.
import { and, eq, sql } from 'drizzle-orm';
import type { InstanceRegistry } from '#shared/instance-registry';
import { bestPlan, instancesFor, type Plan, type PlanMatrix } from '#shared/plan-matrix';
import { publicUrl } from '../../common/public-url.ts';
import type { PortalDb } from '../billing/record-stripe-event.ts';
import type { Provisioner } from '../billing/outbox.ts';
import { accessForStatus } from '../billing/stripe-events.ts';
import { auditLog, planGrants, setPasswordEmails, subscriptions, welcomeEmails } from '../schema.ts';
import { planGrantChanges } from './plan-grant-changes.ts';
import type { Mailer, UserDirectory } from './ports.ts';
import { ProvisioningError } from './provisioning-error.ts';

export interface ProvisionerOptions {
  db: PortalDb;
  directory: UserDirectory;
  mailer: Mailer;
  instances: InstanceRegistry;
  planMatrix: PlanMatrix;
  publicUrlPattern: string;
  /** The client whose redirect rules allow the set-password link's final redirect (the edge's client). */
  setPasswordClientId: string;
  /** How long the set-password link stays valid; Keycloak's own default for admin-sent actions is 12 h. */
  setPasswordLifespanSeconds?: number;
}

const TWELVE_HOURS = 12 * 60 * 60;
const ACTOR = 'provisioner';

/**
 * Side effects and their idempotence, since the outbox may apply a job twice:
 * - the user and their plan group are desired state in Keycloak: applying them again changes nothing.
 *   Only groups the portal granted (plan_grants) are ever removed: anyone can type an email at Checkout,
 *   and a purchase or cancellation under it must not take away a plan an administrator gave that user;
 * - the set-password email is owed while the user still has no password (`needsPassword`), once per
 *   customer: recorded in `set_password_emails` as soon as Keycloak accepts the request;
 * - the welcome email, once per customer: recorded in `welcome_emails` as soon as Mailgun accepts it.
 *   Each step is recorded on its own, outside the job's transaction, so a job that fails later (Mailgun
 *   down) does not repeat the earlier one. A crash between an answer and its insert sends that email
 *   twice; nothing can make an email exactly-once, and a duplicate is the lesser harm than none.
 */
export function createProvisioner(options: ProvisionerOptions): Provisioner {
  const { db, directory, mailer } = options;
  const portalUrl = publicUrl(options.publicUrlPattern, 'app');

  return {
    async grant({ email, name, plan: paidPlan, customerId }) {
      const plan = await planForEmail(db, email, paidPlan);
      const user = await directory.ensureUser({ email, name });
      // An account the portal did not create (no pending set-password) whose owner never proved they read
      // this address might be anyone's: an address typed into a profile is not an address owned. The plan
      // waits until an administrator verifies the email or gives it to the right user (the job retries).
      if (!user.created && !user.needsPassword && !user.emailVerified) {
        throw new ProvisioningError(
          'idp_email_unverified',
          `Keycloak user ${user.id} has the email ${email} unverified, so the plan paid by Stripe customer ${customerId} is not attached to it: if that user owns the address, mark it verified in Keycloak; otherwise change that user's email`,
        );
      }
      // Recorded first, so a revoke can reach this user by id even if a later step fails.
      await db.update(subscriptions).set({ keycloakUserId: user.id }).where(eq(subscriptions.customerId, customerId));
      await applyPlan(user.id, plan, customerId);
      if (user.created) await audit('provisioning.user_created', customerId, { userId: user.id });
      if (plan !== paidPlan) await audit('provisioning.plan_from_other_subscriptions', customerId, { paid: paidPlan, applied: plan });
      if (plan === null) return;

      if (user.needsPassword && !(await recorded(setPasswordEmails, customerId))) {
        await directory.sendSetPasswordEmail(user.id, {
          clientId: options.setPasswordClientId,
          redirectUri: portalUrl,
          lifespanSeconds: options.setPasswordLifespanSeconds ?? TWELVE_HOURS,
        });
        await db.insert(setPasswordEmails).values({ customerId, userId: user.id }).onConflictDoNothing();
        await audit('provisioning.set_password_email_sent', customerId, { userId: user.id });
      }
      if (await recorded(welcomeEmails, customerId)) return;
      const opened = instancesFor({ plan, roles: [] }, options.planMatrix, options.instances.map((i) => i.id));
      const instances = options.instances
        .filter((i) => opened.includes(i.id))
        .map((i) => ({ id: i.id, title: i.title ?? i.id, url: publicUrl(options.publicUrlPattern, i.id) }));
      const { messageId } = await mailer.sendWelcome({ to: email, name, plan, instances, portalUrl, newAccount: user.needsPassword });
      await db.insert(welcomeEmails).values({ customerId, email, plan, messageId }).onConflictDoNothing();
      await audit('provisioning.welcome_email_sent', customerId, { messageId, plan });
    },

    async revoke({ email, customerId }) {
      // Another live subscription with this email still pays for a plan: keep that one.
      const plan = await planForEmail(db, email, null);
      // The user the plan was granted to, by id: an administrator may have changed their email since.
      const [row] = await db.select({ userId: subscriptions.keycloakUserId }).from(subscriptions).where(eq(subscriptions.customerId, customerId));
      const done = row?.userId ? await applyPlanIfUserExists(row.userId, plan, customerId) : false;
      if (!done) {
        // Granted before user ids were recorded, or that user was deleted: whoever holds the email now.
        const user = await directory.findUserByEmail(email);
        if (!user) return;
        await applyPlan(user.id, plan, customerId);
      }
      if (plan !== null) await audit('provisioning.plan_from_other_subscriptions', customerId, { paid: null, applied: plan });
    },
  };

  async function applyPlanIfUserExists(userId: string, plan: Plan | null, customerId: string): Promise<boolean> {
    try {
      await applyPlan(userId, plan, customerId);
      return true;
    } catch (error) {
      if (error instanceof ProvisioningError && error.code === 'idp_not_found') return false;
      throw error;
    }
  }

  /** Moves the portal's own grant for this user to `plan` (null: takes it back); groups it did not grant stay. */
  async function applyPlan(userId: string, plan: Plan | null, customerId: string): Promise<void> {
    const member = await directory.planGroupsOf(userId);
    const granted = (await db.select({ plan: planGrants.plan }).from(planGrants).where(eq(planGrants.userId, userId))).map((r) => r.plan);
    const changes = planGrantChanges(plan, member, granted);
    // Join before leaving: an upgrade never passes through "no plan".
    if (changes.join) {
      await db.insert(planGrants).values({ userId, plan: changes.join, customerId }).onConflictDoNothing();
      await directory.joinPlanGroup(userId, changes.join);
    }
    for (const old of changes.leave) {
      if (member.includes(old)) await directory.leavePlanGroup(userId, old);
      await db.delete(planGrants).where(and(eq(planGrants.userId, userId), eq(planGrants.plan, old)));
    }
    if (changes.heldOutside) await audit('provisioning.plan_group_held_outside_portal', customerId, { userId, plan });
  }

  async function recorded(table: typeof welcomeEmails | typeof setPasswordEmails, customerId: string): Promise<boolean> {
    const [row] = await db.select({ customerId: table.customerId }).from(table).where(eq(table.customerId, customerId));
    return row !== undefined;
  }

  async function audit(action: string, subject: string, details: Record<string, unknown>): Promise<void> {
    await db.insert(auditLog).values({ actor: ACTOR, action, subject, details });
  }
}

/**
 * The plan an email should have now. One person may pay through several Stripe customers (bought again
 * while signed out, or someone else typed their address at Checkout): access is the best plan any of
 * their live subscriptions pays for, so buying STARTER can never downgrade an ENTERPRISE subscriber and
 * cancelling one subscription never removes what another still pays for. `fallback` applies when the
 * portal has no subscription row for the email at all.
 */
async function planForEmail(db: PortalDb, email: string, fallback: Plan | null): Promise<Plan | null> {
  const rows = await db
    .select({ plan: subscriptions.plan, status: subscriptions.status })
    .from(subscriptions)
    .where(sql`lower(${subscriptions.email}) = lower(${email})`);
  if (rows.length === 0) return fallback;
  const paid = rows.filter((r) => r.plan !== null && ['grant', 'keep'].includes(accessForStatus(r.status))).map((r) => r.plan as Plan);
  return paid.length ? bestPlan(paid) : null;
}
