// origin's KeycloakUserDirectory, unchanged, against the local IdP's copy of Keycloak's admin API. It lives
// here rather than beside the directory because it starts the local IdP, which origin code must not import.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeycloakUserDirectory, type KeycloakDirectoryOptions } from '../../origin/portal/provisioning/keycloak-directory.ts';
import { ProvisioningError } from '../../origin/portal/provisioning/provisioning-error.ts';
import { adminClient, BETA_GROUP, claimsOf, EDGE, linkIn, NO_ROLES, openLink, PORTAL, REALM, removeTempDirs, signIn, startTestIdp, submitPassword, WELCOME_URL, type TestIdp } from './idp-test-kit.ts';
import type { IdpHandle } from './idp-server.ts';

afterAll(removeTempDirs);

function directoryFor(idp: IdpHandle, overrides: Partial<KeycloakDirectoryOptions> = {}): KeycloakUserDirectory {
  return new KeycloakUserDirectory({ baseUrl: idp.rootUrl, realmName: REALM, ...PORTAL, ...overrides });
}

async function groupPaths(test: TestIdp, userId: string): Promise<string[]> {
  const kc = await adminClient(test.idp);
  return (await kc.users.listGroups({ id: userId })).map((group) => group.path!).sort();
}

describe('KeycloakUserDirectory on the local IdP', () => {
  let test: TestIdp;
  let directory: KeycloakUserDirectory;

  beforeAll(async () => {
    test = await startTestIdp();
    directory = directoryFor(test.idp);
  });
  afterAll(() => test.close());

  it('creates a user once and finds them afterwards, whatever the case of the email', async () => {
    const first = await directory.ensureUser({ email: 'Buyer.One@Example.test', name: 'Buyer One' });
    expect(first).toMatchObject({ email: 'buyer.one@example.test', created: true });
    const second = await directory.ensureUser({ email: 'buyer.one@example.test', name: null });
    expect(second).toEqual({ id: first.id, email: 'buyer.one@example.test', created: false, needsPassword: true, emailVerified: false });
    expect(await directory.findUserByEmail('BUYER.ONE@EXAMPLE.TEST')).toEqual({ id: first.id, email: 'buyer.one@example.test' });
    expect(await directory.findUserByEmail('buyer.one@example')).toBeNull();

    const kc = await adminClient(test.idp);
    expect(await kc.users.findOne({ id: first.id })).toMatchObject({
      username: 'buyer.one@example.test',
      firstName: 'Buyer',
      lastName: 'One',
      enabled: true,
      emailVerified: false,
      requiredActions: ['UPDATE_PASSWORD'],
    });
  });

  it('creates the user without names when the realm refuses the name typed at Checkout, rather than not at all', async () => {
    const created = await directory.ensureUser({ email: 'finance@example.test', name: 'Ada (Finance) Lovelace' });
    expect(created).toMatchObject({ created: true, needsPassword: true });
    const kc = await adminClient(test.idp);
    const user = await kc.users.findOne({ id: created.id });
    expect(user).toMatchObject({ email: 'finance@example.test', requiredActions: ['UPDATE_PASSWORD'] });
    expect(user?.firstName ?? null).toBeNull();
    expect(user?.lastName ?? null).toBeNull();
    // The refusal itself is Keycloak's user-profile answer, which the stand-in reproduces.
    await expect(kc.users.create({ username: 'refused@example.test', email: 'refused@example.test', enabled: true, firstName: '(Finance)' })).rejects.toMatchObject({ response: { status: 400 } });
  });

  it('ends with one user when two provisioning runs create the same email at once', async () => {
    const racers = await Promise.all([directoryFor(test.idp), directoryFor(test.idp), directory].map((d) => d.ensureUser({ email: 'race@example.test', name: 'Race' })));
    expect(new Set(racers.map((r) => r.id)).size).toBe(1);
    expect(racers.filter((r) => r.created)).toHaveLength(1);
    const kc = await adminClient(test.idp);
    expect(await kc.users.find({ email: 'race@example.test', exact: true })).toHaveLength(1);
  });

  it('joins and leaves plan groups one at a time, idempotently, keeping a group that is not a plan', async () => {
    const { id } = await directory.ensureUser({ email: 'mover@example.test', name: null });
    const kc = await adminClient(test.idp);
    const [beta] = await kc.groups.find({ search: BETA_GROUP, exact: true });
    await kc.users.addToGroup({ id, groupId: beta!.id! });

    await directory.joinPlanGroup(id, 'STARTER');
    expect(await groupPaths(test, id)).toEqual(['/BETA', '/STARTER']);
    await directory.joinPlanGroup(id, 'PRO');
    await directory.joinPlanGroup(id, 'PRO');
    expect(await groupPaths(test, id)).toEqual(['/BETA', '/PRO', '/STARTER']);
    expect((await directory.planGroupsOf(id)).sort()).toEqual(['PRO', 'STARTER']);
    await directory.leavePlanGroup(id, 'STARTER');
    await directory.leavePlanGroup(id, 'STARTER');
    expect(await groupPaths(test, id)).toEqual(['/BETA', '/PRO']);
    await directory.leavePlanGroup(id, 'PRO');
    expect(await groupPaths(test, id)).toEqual(['/BETA']);
    expect(await directory.planGroupsOf(id)).toEqual([]);
  });

  it('reports an unknown user as not found', async () => {
    const error = await directory.joinPlanGroup('00000000-0000-4000-8000-000000000000', 'PRO').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisioningError);
    expect(error).toMatchObject({ code: 'idp_not_found', status: 404, retryable: false });
    expect((error as Error).message).toContain('no such user');
    await expect(directory.sendSetPasswordEmail('00000000-0000-4000-8000-000000000000', { clientId: EDGE.clientId, redirectUri: WELCOME_URL, lifespanSeconds: 60 })).rejects.toMatchObject({ code: 'idp_not_found' });
  });

  it('refuses wrong client credentials with an error naming the secret variable, never the secret', async () => {
    const wrong = directoryFor(test.idp, { clientSecret: 'not-the-secret', clientSecretVariable: 'PORTAL_CLIENT_SECRET' });
    const error = await wrong.findUserByEmail('anyone@example.test').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisioningError);
    expect(error).toMatchObject({ code: 'idp_credentials_rejected', status: 401 });
    expect((error as Error).message).toMatch(/^Keycloak refused the portal's client credentials \(401[^)]*\): check PORTAL_CLIENT_SECRET/);
    expect((error as Error).message).not.toContain('not-the-secret');
  });

  it('refuses a client whose service account has no realm-management roles with 403', async () => {
    const powerless = directoryFor(test.idp, NO_ROLES);
    await expect(powerless.findUserByEmail('pro@demo.wikiplatform.localhost')).rejects.toMatchObject({ code: 'idp_forbidden', status: 403 });
    await expect(powerless.ensureUser({ email: 'blocked@example.test', name: null })).rejects.toMatchObject({ code: 'idp_forbidden' });
  });

  it('refuses a redirect URI the client does not register, saying which', async () => {
    const { id } = await directory.ensureUser({ email: 'badredirect@example.test', name: null });
    const error = await directory.sendSetPasswordEmail(id, { clientId: EDGE.clientId, redirectUri: 'http://evil.example/', lifespanSeconds: 60 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'idp_rejected', status: 400 });
    expect((error as Error).message).toContain('Invalid redirect uri.');
    expect((error as Error).message).toContain('check that http://evil.example/ is a valid redirect URI of client wikiplatform-edge');
  });

  it('provisions end to end: one email whose link sets the password, then a sign-in whose token carries the plan', async () => {
    const before = test.emails.length;
    const { id } = await directory.ensureUser({ email: 'Paying.Customer@example.test', name: 'Paying Customer' });
    await directory.joinPlanGroup(id, 'PRO');
    await directory.sendSetPasswordEmail(id, { clientId: EDGE.clientId, redirectUri: WELCOME_URL, lifespanSeconds: 3600 });
    const sent = test.emails.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe('paying.customer@example.test');

    const page = await openLink(test.idp, linkIn(sent[0]!));
    expect(await submitPassword(test.idp, page, 'my-new-password')).toMatchObject({ status: 303, location: WELCOME_URL });
    expect((await openLink(test.idp, linkIn(sent[0]!))).status).toBe(400);

    const tokens = await signIn(test.idp, 'paying.customer@example.test', 'my-new-password');
    expect(claimsOf(tokens.access_token)).toMatchObject({ sub: id, email_verified: true, name: 'Paying Customer', groups: ['/PRO'] });
    // The password is set: a retried grant must not owe this user another set-password email.
    expect(await directory.ensureUser({ email: 'paying.customer@example.test', name: null })).toMatchObject({ id, created: false, needsPassword: false });
  });

  it('leaves the demo users able to sign in', async () => {
    const tokens = await signIn(test.idp, 'enterprise', 'enterprise');
    expect(claimsOf(tokens.access_token)).toMatchObject({ preferred_username: 'enterprise', groups: ['/ENTERPRISE'] });
  });
});

describe('KeycloakUserDirectory across token expiry and IdP restarts', () => {
  it('signs in again before its token expires', async () => {
    const test = await startTestIdp({ accessTokenTtlSeconds: 2 });
    try {
      const directory = directoryFor(test.idp);
      expect(await directory.findUserByEmail('pro@demo.wikiplatform.localhost')).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect(await directory.findUserByEmail('pro@demo.wikiplatform.localhost')).not.toBeNull();
    } finally {
      await test.close();
    }
  });

  it('keeps provisioned users, groups and passwords across a restart, and signs in again on a 401', async () => {
    const first = await startTestIdp();
    const directory = directoryFor(first.idp);
    const { id } = await directory.ensureUser({ email: 'durable@example.test', name: 'Du Rable' });
    await directory.joinPlanGroup(id, 'ENTERPRISE');
    await directory.sendSetPasswordEmail(id, { clientId: EDGE.clientId, redirectUri: WELCOME_URL, lifespanSeconds: 600 });
    await submitPassword(first.idp, await openLink(first.idp, linkIn(first.emails.at(-1)!)), 'durable-password');
    await first.close();

    // Same users and port, new signing keys: the directory's cached (unexpired) token is now refused with a
    // 401, which only a fresh sign-in gets past.
    await rm(join(first.dataDir, 'idp', 'jwks.json'));
    const second = await startTestIdp({ dataDir: first.dataDir, realmFile: first.realmFile, port: first.idp.port });
    try {
      expect(await directory.findUserByEmail('durable@example.test')).toEqual({ id, email: 'durable@example.test' });
      const tokens = await signIn(second.idp, 'durable@example.test', 'durable-password');
      expect(claimsOf(tokens.access_token)).toMatchObject({ sub: id, groups: ['/ENTERPRISE'] });
    } finally {
      await second.close();
    }
  });

  it('reports an unreachable Keycloak as worth retrying', async () => {
    const test = await startTestIdp();
    const directory = directoryFor(test.idp);
    await test.close();
    await expect(directory.findUserByEmail('anyone@example.test')).rejects.toMatchObject({ code: 'idp_unavailable', retryable: true, status: null });
  });
});
