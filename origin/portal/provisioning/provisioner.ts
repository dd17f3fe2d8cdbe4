// The outbox's Provisioner: applies a paid plan to the identity provider (user found or created, plan
// group made exactly the plan) and sends the welcome email once per Stripe customer.
import { eq } from 'drizzle-orm';
import type { InstanceRegistry } from '#shared/instance-registry';
import { instancesFor, type PlanMatrix } from '#shared/plan-matrix';
import { publicUrl } from '../../common/public-url.ts';
import type { PortalDb } from '../billing/record-stripe-event.ts';
import type { Provisioner } from '../billing/outbox.ts';
import { auditLog, welcomeEmails } from '../schema.ts';
import type { Mailer, UserDirectory } from './ports.ts';

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
 * - the user and their plan group are desired state in Keycloak: applying them again changes nothing;
 * - the set-password email is owed while the user still has no password (`needsPassword`), and only
 *   together with the first welcome email of this customer, so a plan change sends nothing;
 * - the welcome email is recorded in `welcome_emails` as soon as Mailgun accepts it. A crash between
 *   Mailgun's answer and that insert sends it twice; nothing can make an email exactly-once, and a
 *   duplicate welcome is the lesser harm than none.
 */
export function createProvisioner(options: ProvisionerOptions): Provisioner {
  const { db, directory, mailer } = options;
  const portalUrl = publicUrl(options.publicUrlPattern, 'app');

  return {
    async grant({ email, name, plan, customerId }) {
      const user = await directory.ensureUser({ email, name });
      await directory.setPlanGroup(user.id, plan);
      if (user.created) await audit('provisioning.user_created', customerId, { userId: user.id });

      const [welcomed] = await db.select({ customerId: welcomeEmails.customerId }).from(welcomeEmails).where(eq(welcomeEmails.customerId, customerId));
      if (welcomed) return;
      if (user.needsPassword) {
        await directory.sendSetPasswordEmail(user.id, {
          clientId: options.setPasswordClientId,
          redirectUri: portalUrl,
          lifespanSeconds: options.setPasswordLifespanSeconds ?? TWELVE_HOURS,
        });
        await audit('provisioning.set_password_email_sent', customerId, { userId: user.id });
      }
      const opened = instancesFor({ plan, roles: [] }, options.planMatrix, options.instances.map((i) => i.id));
      const instances = options.instances
        .filter((i) => opened.includes(i.id))
        .map((i) => ({ id: i.id, title: i.title ?? i.id, url: publicUrl(options.publicUrlPattern, i.id) }));
      const { messageId } = await mailer.sendWelcome({ to: email, name, plan, instances, portalUrl, newAccount: user.needsPassword });
      await db.insert(welcomeEmails).values({ customerId, email, plan, messageId }).onConflictDoNothing();
      await audit('provisioning.welcome_email_sent', customerId, { messageId, plan });
    },

    async revoke({ email }) {
      const user = await directory.findUserByEmail(email);
      if (user) await directory.setPlanGroup(user.id, null);
    },
  };

  async function audit(action: string, subject: string, details: Record<string, unknown>): Promise<void> {
    await db.insert(auditLog).values({ actor: ACTOR, action, subject, details });
  }
}
