// The local IdP's admin API against Keycloak's documented behaviour, over real HTTP: the official
// @keycloak/keycloak-admin-client where it can express the call, raw fetch for status codes and bodies.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import { NetworkError } from '@keycloak/keycloak-admin-client';
import { importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, APP_URL, BETA_GROUP, claimsOf, EDGE, NO_ROLES, PORTAL, PUBLIC_ISSUER, REALM, removeTempDirs, signIn, startTestIdp, WELCOME_URL, type TestIdp } from './idp-test-kit.ts';
import { serviceAccountUsername, subjectFor } from './keycloak-claims.ts';

afterAll(removeTempDirs);

let test: TestIdp;
let kc: KcAdminClient;
let adminBase: string;

beforeAll(async () => {
  test = await startTestIdp({ logger: (entry) => entry.level === 'error' && console.error(entry) });
  kc = await adminClient(test.idp);
  adminBase = `${test.idp.rootUrl}/admin/realms/${REALM}`;
});
afterAll(() => test.close());

async function api(path: string, init: { method?: string; token?: string | null; body?: unknown } = {}) {
  const token = init.token === undefined ? kc.accessToken : init.token;
  const response = await fetch(`${adminBase}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, location: response.headers.get('location'), json: text ? JSON.parse(text) : null };
}

/** A token signed with the IdP's own key: lets a test mint one that is expired or meant for another realm. */
async function tokenSignedByIdp(claims: Record<string, unknown>): Promise<string> {
  const { keys } = JSON.parse(await readFile(join(test.dataDir, 'idp', 'jwks.json'), 'utf8')) as { keys: JWK[] };
  const key = keys[0]!;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ typ: 'Bearer', azp: PORTAL.clientId, sub: subjectFor(REALM, serviceAccountUsername(PORTAL.clientId)), iss: PUBLIC_ISSUER, iat: now - 600, exp: now + 600, ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .sign(await importJWK(key, 'RS256'));
}

function newUser(email: string) {
  return { username: email, email, enabled: true, requiredActions: ['UPDATE_PASSWORD'] };
}

describe('service-account tokens', () => {
  it("carry the portal's realm-management roles under resource_access, as Keycloak's do", () => {
    expect(claimsOf(kc.accessToken!)).toMatchObject({
      azp: PORTAL.clientId,
      preferred_username: 'service-account-wikiplatform-portal',
      resource_access: { 'realm-management': { roles: ['manage-users', 'view-users', 'query-groups'] } },
    });
  });
});

describe('admin API authentication and roles', () => {
  it('answers 401 without a token, with a forged one, an expired one and one from another issuer', async () => {
    expect(await api('/users', { token: null })).toMatchObject({ status: 401, json: { error: 'HTTP 401 Unauthorized' } });
    expect((await api('/users', { token: `${kc.accessToken!.slice(0, -4)}AAAA` })).status).toBe(401);
    expect((await api('/users', { token: await tokenSignedByIdp({ exp: Math.floor(Date.now() / 1000) - 1 }) })).status).toBe(401);
    expect((await api('/users', { token: await tokenSignedByIdp({ iss: 'http://sso.example/realms/other' }) })).status).toBe(401);
    // The same key and claims but in date: the check above refused only what it should.
    expect((await api('/users', { token: await tokenSignedByIdp({}) })).status).toBe(200);
  });

  it('checks the caller’s roles now, not the roles a token claims', async () => {
    const boasting = await tokenSignedByIdp({ azp: NO_ROLES.clientId, sub: subjectFor(REALM, serviceAccountUsername(NO_ROLES.clientId)), resource_access: { 'realm-management': { roles: ['realm-admin'] } } });
    expect(await api('/users', { token: boasting })).toMatchObject({ status: 403, json: { error: 'HTTP 403 Forbidden' } });
  });

  it('answers 403 to a service account without realm-management roles, on reads and writes', async () => {
    const noRoles = await adminClient(test.idp, NO_ROLES);
    const token = noRoles.accessToken!;
    expect((await api('/users?email=pro@demo.wikiplatform.localhost', { token })).status).toBe(403);
    expect((await api('/groups', { token })).status).toBe(403);
    expect((await api('/users', { method: 'POST', token, body: newUser('nope@example.test') })).status).toBe(403);
    await expect(noRoles.groups.find()).rejects.toMatchObject({ response: { status: 403 } });
  });

  it('answers 403 to a person signed in to the edge', async () => {
    const tokens = await signIn(test.idp, 'admin', 'admin');
    expect((await api('/users', { token: tokens.access_token })).status).toBe(403);
  });
});

describe('admin API users', () => {
  it('creates a user with 201 and a Location naming the id, and finds it by exact email', async () => {
    const created = await api('/users', { method: 'POST', body: { ...newUser('Created@Example.test'), firstName: 'Cree', lastName: 'Ated' } });
    expect(created.status).toBe(201);
    const id = created.location!.split('/').pop()!;
    expect(created.location).toMatch(new RegExp(`/admin/realms/${REALM}/users/${id}$`));

    const found = await kc.users.find({ email: 'created@example.test', exact: true });
    expect(found).toEqual([expect.objectContaining({ id, username: 'created@example.test', email: 'created@example.test', firstName: 'Cree', lastName: 'Ated', enabled: true, emailVerified: false })]);
    expect(await kc.users.findOne({ id })).toMatchObject({ id, requiredActions: ['UPDATE_PASSWORD'], totp: false });
  });

  it('matches email exactly only with exact=true, and as a substring otherwise', async () => {
    await kc.users.create(newUser('substring@example.test'));
    expect(await kc.users.find({ email: 'substring@example', exact: true })).toEqual([]);
    expect((await kc.users.find({ email: 'SUBSTRING@example' })).map((u) => u.email)).toEqual(['substring@example.test']);
    expect((await kc.users.find({ search: 'substr', briefRepresentation: true }))[0]).not.toHaveProperty('requiredActions');
  });

  it('answers 409 with Keycloak’s messages for a taken username or email', async () => {
    await kc.users.create(newUser('taken@example.test'));
    expect(await api('/users', { method: 'POST', body: newUser('taken@example.test') })).toMatchObject({ status: 409, json: { errorMessage: 'User exists with same username' } });
    expect(await api('/users', { method: 'POST', body: { ...newUser('taken@example.test'), username: 'someone-else' } })).toMatchObject({ status: 409, json: { errorMessage: 'User exists with same email' } });
    await expect(kc.users.create(newUser('taken@example.test'))).rejects.toMatchObject({ message: 'User exists with same username', response: { status: 409 } });
  });

  it('answers 400 to a body it cannot accept', async () => {
    expect(await api('/users', { method: 'POST', body: '{not json' })).toMatchObject({ status: 400 });
    expect(await api('/users', { method: 'POST', body: { ...newUser('x@example.test'), email: 'not-an-email' } })).toMatchObject({ status: 400, json: { field: 'email' } });
    expect(await api('/users', { method: 'POST', body: { email: 'nousername@example.test' } })).toMatchObject({ status: 400, json: { field: 'username', errorMessage: 'error-user-attribute-required' } });
    expect(await api('/users', { method: 'POST', body: { ...newUser('cred@example.test'), credentials: [{ type: 'password', value: 'x' }] } })).toMatchObject({ status: 400, json: { field: 'credentials' } });
    expect(await api('/users', { method: 'POST', body: { ...newUser('act@example.test'), requiredActions: ['CONFIGURE_TOTP'] } })).toMatchObject({ status: 400, json: { errorMessage: 'Provided invalid required actions' } });
    expect(await api('/users', { method: 'POST', body: [] })).toMatchObject({ status: 400 });
  });

  it('updates only the fields sent with 204; a new email is unverified unless the same request verifies it', async () => {
    const { id } = await kc.users.create({ ...newUser('update@example.test'), firstName: 'Up' });
    await kc.users.update({ id }, { emailVerified: true, lastName: 'Dated' });
    expect(await kc.users.findOne({ id })).toMatchObject({ email: 'update@example.test', emailVerified: true, firstName: 'Up', lastName: 'Dated', enabled: true, requiredActions: ['UPDATE_PASSWORD'] });
    await kc.users.update({ id }, { email: 'Moved@Example.test' });
    expect(await kc.users.findOne({ id })).toMatchObject({ email: 'moved@example.test', emailVerified: false });
    await kc.users.update({ id }, { email: 'again@example.test', emailVerified: true, requiredActions: [] });
    expect(await kc.users.findOne({ id })).toMatchObject({ email: 'again@example.test', emailVerified: true, requiredActions: [] });
  });

  it('refuses an update that takes another user\'s email (409), changes the username or is malformed (400), changing nothing', async () => {
    const { id } = await kc.users.create(newUser('keeper@example.test'));
    await kc.users.create(newUser('other-owner@example.test'));
    expect(await api(`/users/${id}`, { method: 'PUT', body: { email: 'other-owner@example.test' } })).toMatchObject({ status: 409, json: { errorMessage: 'User exists with same email' } });
    expect(await api(`/users/${id}`, { method: 'PUT', body: { username: 'renamed' } })).toMatchObject({ status: 400, json: { field: 'username', errorMessage: 'error-user-attribute-read-only' } });
    expect(await api(`/users/${id}`, { method: 'PUT', body: { email: 'nope', emailVerified: true } })).toMatchObject({ status: 400, json: { field: 'email' } });
    expect(await api(`/users/${id}`, { method: 'PUT', body: '{not json' })).toMatchObject({ status: 400 });
    expect(await kc.users.findOne({ id })).toMatchObject({ email: 'keeper@example.test', emailVerified: false });
    expect(await api('/users/00000000-0000-0000-0000-000000000000', { method: 'PUT', body: { enabled: false } })).toMatchObject({ status: 404, json: { error: 'User not found' } });
  });

  it('answers 404 {"error":"User not found"} for an unknown id, which the client turns into null', async () => {
    expect(await api('/users/00000000-0000-0000-0000-000000000000')).toMatchObject({ status: 404, json: { error: 'User not found' } });
    expect(await kc.users.findOne({ id: '00000000-0000-0000-0000-000000000000' })).toBeNull();
    await expect(kc.users.listGroups({ id: 'missing' })).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('admin API groups and membership', () => {
  it('lists the realm groups with stable ids and finds one by exact name', async () => {
    const groups = await kc.groups.find();
    expect(groups.map((g) => g.path)).toEqual(['/STARTER', '/PRO', '/ENTERPRISE', `/${BETA_GROUP}`]);
    expect(await kc.groups.find({ search: 'pro', exact: true })).toEqual([expect.objectContaining({ name: 'PRO', path: '/PRO', subGroupCount: 0 })]);
    expect((await kc.groups.find({ search: 'R' })).map((g) => g.name)).toEqual(['STARTER', 'PRO', 'ENTERPRISE']);
    expect(await kc.groups.findOne({ id: groups[1]!.id! })).toMatchObject({ name: 'PRO', attributes: { plan: ['PRO'] } });
  });

  it('adds and removes memberships idempotently with 204, and 404s an unknown group', async () => {
    const { id } = await kc.users.create(newUser('member@example.test'));
    const [pro] = await kc.groups.find({ search: 'PRO', exact: true });
    const put = () => api(`/users/${id}/groups/${pro!.id}`, { method: 'PUT' });
    expect((await put()).status).toBe(204);
    expect((await put()).status).toBe(204);
    expect((await kc.users.listGroups({ id })).map((g) => g.path)).toEqual(['/PRO']);
    await kc.users.delFromGroup({ id, groupId: pro!.id! });
    expect((await api(`/users/${id}/groups/${pro!.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await kc.users.listGroups({ id })).toEqual([]);
    expect(await api(`/users/${id}/groups/not-a-group`, { method: 'PUT' })).toMatchObject({ status: 404, json: { error: 'Group not found' } });
  });
});

describe('admin API execute-actions-email', () => {
  it('emails the user one link to the action-token page of the public issuer and answers 204', async () => {
    const { id } = await kc.users.create(newUser('mailed@example.test'));
    const before = test.emails.length;
    await kc.users.executeActionsEmail({ id, actions: ['UPDATE_PASSWORD'], clientId: EDGE.clientId, redirectUri: WELCOME_URL, lifespan: 3600 });
    const sent = test.emails.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'mailed@example.test', subject: 'Update Your Account' });
    expect(sent[0]!.text).toMatch(new RegExp(`${PUBLIC_ISSUER}/login-actions/action-token\\?key=[A-Za-z0-9_-]{43}\\n`));
    expect(sent[0]!.text).toContain('Update Password');
    expect(sent[0]!.text).toContain('This link will expire within 1 hour.');
    expect(sent[0]!.html).toContain('<a href="http://sso.wikiplatform.localhost:8787/realms/wikiplatform/login-actions/action-token?key=');
  });

  it('answers 400 with Keycloak’s messages for unusable parameters, and sends nothing', async () => {
    const { id } = await kc.users.create(newUser('refused@example.test'));
    const before = test.emails.length;
    const put = (query: string, body: unknown = ['UPDATE_PASSWORD']) => api(`/users/${id}/execute-actions-email${query}`, { method: 'PUT', body });
    expect(await put('', ['LEARN_KUNG_FU'])).toMatchObject({ status: 400, json: { errorMessage: 'Provided invalid required actions' } });
    expect(await put(`?client_id=${EDGE.clientId}&redirect_uri=${encodeURIComponent('http://evil.example/')}`)).toMatchObject({ status: 400, json: { errorMessage: 'Invalid redirect uri.' } });
    expect(await put(`?redirect_uri=${encodeURIComponent(WELCOME_URL)}`)).toMatchObject({ status: 400, json: { errorMessage: 'Client id missing' } });
    expect(await put('?client_id=nobody')).toMatchObject({ status: 400, json: { errorMessage: "Client doesn't exist" } });
    expect(await put('?lifespan=-5')).toMatchObject({ status: 400, json: { field: 'lifespan' } });
    expect(await put('', { actions: ['UPDATE_PASSWORD'] })).toMatchObject({ status: 400 });
    expect((await api(`/users/nobody/execute-actions-email`, { method: 'PUT', body: ['UPDATE_PASSWORD'] })).status).toBe(404);
    expect(test.emails.length).toBe(before);
  });

  it('answers 500 as Keycloak without SMTP when no mail service is configured', async () => {
    const bare = await startTestIdp({ deliverEmail: undefined });
    try {
      const client = await adminClient(bare.idp);
      const { id } = await client.users.create(newUser('nomail@example.test'));
      await expect(client.users.executeActionsEmail({ id, actions: ['UPDATE_PASSWORD'] })).rejects.toMatchObject({ response: { status: 500 } });
    } finally {
      await bare.close();
    }
  });
});

describe('admin API routing', () => {
  it('answers 404 for admin paths it does not implement, after authentication', async () => {
    expect((await api('/clients')).status).toBe(404);
    expect((await api('/clients', { token: null })).status).toBe(401);
  });
});
