// UserDirectory on Keycloak's admin REST API through the official @keycloak/keycloak-admin-client, signed in
// as the portal's service account (client credentials). The same code runs against the local IdP, which
// implements this subset of the API; local/idp/keycloak-directory.test.ts drives it there.
import KcAdminClient from '@keycloak/keycloak-admin-client';
import { decodeJwt } from 'jose';
import { PLANS, type Plan } from '#shared/plan-matrix';
import { keycloakStatus, toProvisioningError, type KeycloakErrorContext } from './keycloak-error.ts';
import type { DirectoryUser, UserDirectory } from './ports.ts';
import { ProvisioningError } from './provisioning-error.ts';
import { splitName } from './split-name.ts';

export interface KeycloakDirectoryOptions {
  /** Keycloak's root URL, e.g. http://keycloak:8080: the admin API is at /admin/realms/<realm>, tokens at /realms/<realm>/…. */
  baseUrl: string;
  realmName: string;
  /** The confidential client whose service account has realm-management manage-users, view-users and query-groups. */
  clientId: string;
  clientSecret: string;
  /** The configuration variable holding `clientSecret`, named when Keycloak refuses it. */
  clientSecretVariable?: string;
  /** Per request, the token request included. */
  timeoutMs?: number;
}

const DEFAULTS = { clientSecretVariable: 'KEYCLOAK_PORTAL_CLIENT_SECRET', timeoutMs: 10_000 };
/** Sign in again this long before the token expires (at most half its lifetime), so no call carries a dying token. */
const REFRESH_MARGIN_MS = 30_000;

export class KeycloakUserDirectory implements UserDirectory {
  readonly #kc: KcAdminClient;
  readonly #options: Required<KeycloakDirectoryOptions>;
  #token: { value: string; refreshAt: number } | undefined;
  #signingIn: Promise<string> | undefined;
  #planGroups: Promise<ReadonlyMap<Plan, string>> | undefined;

  constructor(options: KeycloakDirectoryOptions) {
    if (!URL.canParse(options.baseUrl)) throw new TypeError('KeycloakUserDirectory: baseUrl must be an absolute URL');
    if (!options.realmName || !options.clientId || !options.clientSecret) throw new TypeError('KeycloakUserDirectory: realmName, clientId and clientSecret are required');
    this.#options = { ...DEFAULTS, ...options };
    this.#kc = new KcAdminClient({ baseUrl: options.baseUrl, realmName: options.realmName, timeout: this.#options.timeoutMs });
    // Client credentials come without a refresh token, which the client's own renewal needs: renew here instead.
    this.#kc.registerTokenProvider({ getAccessToken: () => this.#accessToken() });
  }

  async findUserByEmail(email: string): Promise<DirectoryUser | null> {
    const user = await this.#findWithActions(email);
    return user ? { id: user.id, email: user.email } : null;
  }

  /** The full representation, for `requiredActions` (the brief one leaves them out). */
  async #findWithActions(email: string): Promise<(DirectoryUser & { needsPassword: boolean; emailVerified: boolean }) | null> {
    const wanted = normalizeEmail(email);
    const found = await this.#call('looking up a user by email', () => this.#kc.users.find({ email: wanted, exact: true, briefRepresentation: false }));
    // Keycloak stores emails lower-cased; compare the same way in case a proxy or version differs.
    const user = found.find((candidate) => candidate.email?.toLowerCase() === wanted);
    if (!user?.id) return null;
    return { id: user.id, email: wanted, needsPassword: (user.requiredActions ?? []).includes('UPDATE_PASSWORD'), emailVerified: user.emailVerified === true };
  }

  async ensureUser(input: { email: string; name: string | null }): Promise<DirectoryUser & { created: boolean; needsPassword: boolean; emailVerified: boolean }> {
    const email = normalizeEmail(input.email);
    const existing = await this.#findWithActions(email);
    if (existing) return { ...existing, created: false };
    const create = (names: { firstName?: string; lastName?: string }) =>
      this.#call('creating a user', () =>
        this.#kc.users.create({
          username: email,
          email,
          enabled: true,
          // Stripe collected this address but never proved the buyer reads it. The set-password link goes
          // to it, and Keycloak marks the email verified when that link is used, so a mistyped address
          // never becomes a verified identity and the buyer has no separate VERIFY_EMAIL step.
          emailVerified: false,
          ...names,
          requiredActions: ['UPDATE_PASSWORD'],
        }),
      );
    try {
      const names = splitName(input.name);
      let created: { id: string };
      try {
        created = await create(names);
      } catch (error) {
        // The realm's user profile may refuse a name as typed at Checkout (Keycloak's default refuses
        // "Ada (Finance)"). A paid account matters more than its name, which the user can add later.
        if (!(error instanceof ProvisioningError && error.status === 400 && (names.firstName || names.lastName))) throw error;
        created = await create({});
      }
      return { id: created.id, email, created: true, needsPassword: true, emailVerified: false };
    } catch (error) {
      if (!(error instanceof ProvisioningError) || error.code !== 'idp_conflict') throw error;
      // A concurrent attempt (a retried job, a second webhook) created the user first: theirs is ours.
      const raced = await this.#findWithActions(email);
      if (raced) return { ...raced, created: false };
      throw new ProvisioningError('idp_conflict', `Keycloak has a user named ${email} whose email is not ${email} (409): rename or remove that user in realm ${this.#options.realmName}`, { status: 409 });
    }
  }

  async planGroupsOf(userId: string): Promise<Plan[]> {
    const planGroups = await this.#planGroupIds();
    const current = await this.#call("reading the user's groups", () => this.#kc.users.listGroups({ id: userId, briefRepresentation: true }));
    const ids = new Set(current.map((group) => group.id));
    return [...planGroups].filter(([, id]) => ids.has(id)).map(([plan]) => plan);
  }

  async joinPlanGroup(userId: string, plan: Plan): Promise<void> {
    // Keycloak answers 204 whether or not the user was already a member.
    await this.#withPlanGroup(plan, (groupId) => this.#call(`adding the user to group ${plan}`, () => this.#kc.users.addToGroup({ id: userId, groupId })));
  }

  async leavePlanGroup(userId: string, plan: Plan): Promise<void> {
    await this.#withPlanGroup(plan, (groupId) => this.#call(`removing the user from group ${plan}`, () => this.#kc.users.delFromGroup({ id: userId, groupId })));
  }

  async #withPlanGroup(plan: Plan, run: (groupId: string) => Promise<unknown>): Promise<void> {
    try {
      await run((await this.#planGroupIds()).get(plan)!);
    } catch (error) {
      // Group ids are cached; a group recreated in Keycloak gets a new one. Look them up again next time.
      this.#planGroups = undefined;
      throw error;
    }
  }

  async sendSetPasswordEmail(userId: string, options: { clientId: string; redirectUri: string; lifespanSeconds: number }): Promise<void> {
    if (!Number.isInteger(options.lifespanSeconds) || options.lifespanSeconds <= 0) throw new TypeError('lifespanSeconds must be a positive integer');
    try {
      await this.#call('sending the set-password email', () =>
        this.#kc.users.executeActionsEmail({ id: userId, actions: ['UPDATE_PASSWORD'], clientId: options.clientId, redirectUri: options.redirectUri, lifespan: options.lifespanSeconds }),
      );
    } catch (error) {
      if (error instanceof ProvisioningError && error.status !== null && error.status >= 500) {
        throw new ProvisioningError('idp_email_failed', `Keycloak could not send the set-password email (${error.status}): check the realm's email (SMTP) settings`, { status: error.status });
      }
      if (error instanceof ProvisioningError && error.status === 400) {
        throw new ProvisioningError('idp_rejected', `${error.message}: check that ${options.redirectUri} is a valid redirect URI of client ${options.clientId}, and that the user has an email and is enabled`, { status: 400 });
      }
      throw error;
    }
  }

  /** Runs an admin call; on a 401 (Keycloak restarted, keys rotated, token revoked) signs in again and retries once. */
  async #call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (keycloakStatus(error) !== 401) throw toProvisioningError(error, this.#context(operation, 'api'));
      this.#token = undefined;
      try {
        return await run();
      } catch (retryError) {
        throw toProvisioningError(retryError, this.#context(operation, 'api'));
      }
    }
  }

  #accessToken(): Promise<string> {
    if (this.#token && Date.now() < this.#token.refreshAt) return Promise.resolve(this.#token.value);
    // Concurrent calls share one sign-in.
    this.#signingIn ??= this.#signIn().finally(() => {
      this.#signingIn = undefined;
    });
    return this.#signingIn;
  }

  async #signIn(): Promise<string> {
    const startedAt = Date.now();
    try {
      await this.#kc.auth({ grantType: 'client_credentials', clientId: this.#options.clientId, clientSecret: this.#options.clientSecret });
    } catch (error) {
      throw toProvisioningError(error, this.#context('signing in with the client credentials', 'token'));
    }
    const value = this.#kc.accessToken;
    if (!value) throw new ProvisioningError('idp_unavailable', 'Keycloak answered the token request without an access token');
    // exp − iat is the lifetime by Keycloak's clock; counting it from our clock makes clock skew irrelevant.
    const { exp, iat } = decodeJwt(value);
    const lifetimeMs = typeof exp === 'number' && typeof iat === 'number' ? (exp - iat) * 1000 : 60_000;
    this.#token = { value, refreshAt: startedAt + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return value;
  }

  #planGroupIds(): Promise<ReadonlyMap<Plan, string>> {
    this.#planGroups ??= this.#loadPlanGroups().catch((error: unknown) => {
      this.#planGroups = undefined;
      throw error;
    });
    return this.#planGroups;
  }

  async #loadPlanGroups(): Promise<ReadonlyMap<Plan, string>> {
    const entries = await Promise.all(
      PLANS.map(async (plan) => {
        const found = await this.#call(`looking up plan group ${plan}`, () => this.#kc.groups.find({ search: plan, exact: true, briefRepresentation: true }));
        // Only the top-level group: a search also returns parents of nested groups with the same name.
        const group = found.find((candidate) => candidate.path === `/${plan}`);
        if (!group?.id) {
          throw new ProvisioningError('idp_plan_group_missing', `Keycloak realm ${this.#options.realmName} has no top-level group ${plan}: import deploy/keycloak/realm-wikiplatform.json or create the group`);
        }
        return [plan, group.id] as const;
      }),
    );
    return new Map(entries);
  }

  #context(operation: string, phase: KeycloakErrorContext['phase']): KeycloakErrorContext {
    const { baseUrl, realmName, clientId, clientSecretVariable, timeoutMs } = this.#options;
    return { operation, phase, baseUrl, realmName, clientId, secretVariable: clientSecretVariable, timeoutMs };
  }
}

/** Keycloak stores emails lower-cased and trimmed; an empty one would make a search list every user. */
function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!normalized) throw new TypeError('email must not be empty');
  return normalized;
}
