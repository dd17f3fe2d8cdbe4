// What provisioning needs from the outside world, as interfaces: the identity provider's user directory
// (Keycloak's admin API in production, the local IdP's copy of it on a laptop) and the mail service
// (Mailgun). The provisioner composes them; tests and the local platform give it real implementations.
import type { Plan } from '#shared/plan-matrix';

export interface DirectoryUser {
  id: string;
  email: string;
}

/** The identity provider's users and plan groups. Every method is idempotent: a retried job calls them again. */
export interface UserDirectory {
  /** The user whose email is exactly this one (case-insensitive, as Keycloak stores emails lower-cased), or null. */
  findUserByEmail(email: string): Promise<DirectoryUser | null>;
  /**
   * Finds the user by email or creates them: enabled, the email as username, no credential, and the
   * UPDATE_PASSWORD required action. `created` says which. A concurrent creation (409) counts as found.
   * `needsPassword` is true while UPDATE_PASSWORD is still pending (Keycloak's `requiredActions`): it is
   * what tells a retried job, after a crash between creating the user and emailing them, that the
   * set-password email is still owed — `created` is false by then.
   * `emailVerified` is the provider's own flag: whether the user proved they read that address.
   */
  ensureUser(input: { email: string; name: string | null }): Promise<DirectoryUser & { created: boolean; needsPassword: boolean; emailVerified: boolean }>;
  /** The plan groups the user is a member of, whoever put them there. */
  planGroupsOf(userId: string): Promise<Plan[]>;
  /** Adds the user to the plan's group (already a member: nothing changes). */
  joinPlanGroup(userId: string, plan: Plan): Promise<void>;
  /** Removes the user from the plan's group (not a member: nothing changes); other groups are left alone. */
  leavePlanGroup(userId: string, plan: Plan): Promise<void>;
  /**
   * Has the identity provider email the user a single-use link to set their password (Keycloak's
   * execute-actions-email with UPDATE_PASSWORD). The link ends on `redirectUri`.
   */
  sendSetPasswordEmail(userId: string, options: { clientId: string; redirectUri: string; lifespanSeconds: number }): Promise<void>;
}

export interface WelcomeEmail {
  to: string;
  name: string | null;
  plan: Plan;
  /** The instances the plan opens, in registry order. */
  instances: readonly { id: string; title: string; url: string }[];
  /** Where to sign in and see them (the portal's dashboard). */
  portalUrl: string;
  /** True when the account is new, so the email mentions the separate set-password email. */
  newAccount: boolean;
}

/** Sends the welcome email. Never carries a password or a sign-in token. */
export interface Mailer {
  sendWelcome(email: WelcomeEmail): Promise<{ messageId: string }>;
}
