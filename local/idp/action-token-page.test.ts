// The emailed set-password link end to end: the admin client asks for the email, a scripted browser opens
// the link, sets a password, and signs in with it at the edge's authorization endpoint.
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, claimsOf, EDGE, linkIn, openLink, PUBLIC_ISSUER, removeTempDirs, signIn, startTestIdp, submitPassword, throughEdge, WELCOME_URL, type TestIdp } from './idp-test-kit.ts';
import { CookieJar, followAuthorization } from './login-client.ts';

afterAll(removeTempDirs);

let test: TestIdp;
let kc: KcAdminClient;

beforeAll(async () => {
  test = await startTestIdp();
  kc = await adminClient(test.idp);
});
afterAll(() => test.close());

/** A new user without password, in STARTER, and the link of the one email sent to them. */
async function provisioned(email: string, options: { lifespan?: number; actions?: string[]; redirect?: boolean } = {}) {
  const { id } = await kc.users.create({ username: email, email, enabled: true, requiredActions: ['UPDATE_PASSWORD'] });
  const [starter] = await kc.groups.find({ search: 'STARTER', exact: true });
  await kc.users.addToGroup({ id, groupId: starter!.id! });
  const before = test.emails.length;
  await kc.users.executeActionsEmail({
    id,
    actions: options.actions ?? ['UPDATE_PASSWORD'],
    ...(options.redirect === false ? {} : { clientId: EDGE.clientId, redirectUri: WELCOME_URL }),
    lifespan: options.lifespan ?? 600,
  });
  expect(test.emails.length).toBe(before + 1);
  return { id, link: linkIn(test.emails.at(-1)!) };
}

describe('the set-password link', () => {
  it('sets the password, clears UPDATE_PASSWORD, verifies the email and redirects; the user can then sign in', async () => {
    const { id, link } = await provisioned('newcomer@example.test');
    await expect(signIn(test.idp, 'newcomer@example.test', 'whatever-it-is')).rejects.toThrow(/did not accept the credentials/);

    const page = await openLink(test.idp, link);
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="kc-passwd-update-form"');
    const done = await submitPassword(test.idp, page, 'a-long-secret');
    expect(done).toMatchObject({ status: 303, location: WELCOME_URL });

    expect(await kc.users.findOne({ id })).toMatchObject({ requiredActions: [], emailVerified: true });
    const tokens = await signIn(test.idp, 'NEWCOMER@example.test', 'a-long-secret');
    expect(claimsOf(tokens.access_token)).toMatchObject({ sub: id, email: 'newcomer@example.test', email_verified: true, groups: ['/STARTER'] });
  });

  it('works once: a second visit or submission says the link was used', async () => {
    const { link } = await provisioned('once@example.test');
    const page = await openLink(test.idp, link);
    expect((await submitPassword(test.idp, page, 'first-password')).status).toBe(303);

    const again = await openLink(test.idp, link);
    expect(again.status).toBe(400);
    expect(again.body).toContain('already used or has expired');
    const resubmitted = await submitPassword(test.idp, page, 'second-password');
    expect(resubmitted.status).toBe(400);
    await expect(signIn(test.idp, 'once@example.test', 'second-password')).rejects.toThrow();
    await signIn(test.idp, 'once@example.test', 'first-password');
  });

  it('expires after the lifespan the admin gave', async () => {
    const { link } = await provisioned('late@example.test', { lifespan: 1 });
    const page = await openLink(test.idp, link);
    expect(page.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await submitPassword(test.idp, page, 'too-late-now')).status).toBe(400);
    expect((await openLink(test.idp, link)).status).toBe(400);
  });

  it('keeps the link usable after a too-short or mismatched password', async () => {
    const { link } = await provisioned('typo@example.test');
    const page = await openLink(test.idp, link);
    const short = await submitPassword(test.idp, page, 'short');
    expect(short.status).toBe(200);
    expect(short.body).toContain('Invalid password: minimum length 8.');
    const mismatch = await submitPassword(test.idp, page, 'long-enough-1', 'long-enough-2');
    expect(mismatch.body).toContain('Passwords don&#39;t match.');
    expect((await submitPassword(test.idp, page, 'long-enough-1')).status).toBe(303);
  });

  it('refuses a form sent without the page’s cookie or from another origin, and leaves the link usable', async () => {
    const { link } = await provisioned('csrf@example.test');
    const page = await openLink(test.idp, link);
    const withoutCookie = await submitPassword(test.idp, { ...page, jar: new CookieJar() }, 'attacker-chosen');
    expect(withoutCookie.status).toBe(400);
    expect(withoutCookie.body).toContain('This form has expired');
    const crossOrigin = await submitPassword(test.idp, page, 'attacker-chosen', 'attacker-chosen', { origin: 'http://evil.example' });
    expect(crossOrigin.status).toBe(403);
    expect((await submitPassword(test.idp, page, 'the-real-one')).status).toBe(303);
  });

  it('ends on an "account updated" page when the email named no redirect', async () => {
    const { link } = await provisioned('noredirect@example.test', { redirect: false });
    const done = await submitPassword(test.idp, await openLink(test.idp, link), 'a-long-secret');
    expect(done.status).toBe(200);
    expect(done.body).toContain('Your account has been updated.');
  });

  it('escapes the email address it shows', async () => {
    const { link } = await provisioned("o'hara@example.test");
    const page = await openLink(test.idp, link);
    expect(page.body).toContain('o&#39;hara@example.test');
    expect(page.body).not.toContain("o'hara");
  });

  it('survives an IdP restart, as the user does', async () => {
    const { link } = await provisioned('restart@example.test');
    await test.close();
    test = await startTestIdp({ dataDir: test.dataDir, realmFile: test.realmFile });
    kc = await adminClient(test.idp);
    expect((await submitPassword(test.idp, await openLink(test.idp, link), 'after-restart')).status).toBe(303);
    await signIn(test.idp, 'restart@example.test', 'after-restart');
  });
});

describe('sign-in without a password', () => {
  it('fails like a wrong password and points to the emailed link, without saying the account exists', async () => {
    await provisioned('pending@example.test');
    const jar = new CookieJar();
    const http = { resolveHost: throughEdge(test.idp) };
    const start = new URL(`${PUBLIC_ISSUER}/protocol/openid-connect/auth`);
    start.search = new URLSearchParams({ client_id: EDGE.clientId, response_type: 'code', scope: 'openid', redirect_uri: EDGE.redirectUri, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }).toString();
    const form = await followAuthorization(start.href, jar, http);
    if (form.kind !== 'login-form') throw new Error('expected the login form');
    const pending = await followAuthorization(form.action, jar, http, { method: 'POST', form: { username: 'pending@example.test', password: '' } });
    const stranger = await followAuthorization(form.action, jar, http, { method: 'POST', form: { username: 'nobody@example.test', password: 'x' } });
    for (const outcome of [pending, stranger]) {
      if (outcome.kind !== 'login-form') throw new Error('expected the login form again');
      expect(outcome.html).toContain('Invalid username or password.');
      expect(outcome.html).toContain('Set your password first with the link in the email we sent you');
    }
  });
});
