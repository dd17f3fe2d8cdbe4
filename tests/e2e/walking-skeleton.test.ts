// The walking skeleton, end to end: the platform started like `npm start`, driven in a real Chromium.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../support/browser.ts';
import { fillSignInForm } from '../support/e2e.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let env: TestPlatform;

beforeAll(async () => {
  env = await startTestPlatform();
});

afterAll(async () => {
  await env?.stop();
});

async function signIn(page: Page, username: string) {
  await Promise.all([page.waitForLoadState('load'), fillSignInForm(page, username)]);
}

describe('walking skeleton in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('sends a signed-out visitor of instance1 to sign in, then shows instance1 greeting the starter user by name', async () => {
    const urls = env.platform.info.urls;
    const page = await browser.context.newPage();
    await page.goto(`${urls.instance1}/`);
    expect(new URL(page.url()).hostname).toBe(`sso.${env.platform.info.domain}`);
    await signIn(page, 'starter');
    await page.waitForURL(`${urls.instance1}/**`);
    await expect.poll(() => page.textContent('body')).toContain('Sam Starter');
    expect(await page.title()).toMatch(/Instance 1|instance1/i);
  });

  it('shows the starter user a 403 page on instance2 naming the plans that include it', async () => {
    const page = await browser.context.newPage();
    const response = await page.goto(`${env.platform.info.urls.instance2}/`);
    expect(response?.status()).toBe(403);
    const text = (await page.textContent('body')) ?? '';
    expect(text).toContain('PRO');
    expect(text).toContain('ENTERPRISE');
    expect(text).not.toContain('STARTER');
    const upgrade = page.locator(`a[href^="${env.platform.info.urls.app}"]`);
    expect(await upgrade.count()).toBeGreaterThan(0);
  });

  it('lists on the portal exactly the instances the starter plan opens', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${env.platform.info.urls.app}/`);
    const opens = await page.locator(`a[href^="${env.platform.info.urls.instance1}"]`).count();
    const locked = await page.locator(`a[href^="${env.platform.info.urls.instance2}"], a[href^="${env.platform.info.urls.instance3}"]`).count();
    expect(opens).toBeGreaterThan(0);
    expect(locked).toBe(0);
    expect(await page.textContent('body')).toContain('Sam Starter');
  });

  it('lets the enterprise user reach instance3', async () => {
    const other = await openBrowser();
    try {
      const page = await other.context.newPage();
      await page.goto(`${env.platform.info.urls.instance3}/`);
      await signIn(page, 'enterprise');
      await page.waitForURL(`${env.platform.info.urls.instance3}/**`);
      await expect.poll(() => page.textContent('body')).toContain('Erin Enterprise');
    } finally {
      await other.close();
    }
  });
});

describe('origins trust only the edge', () => {
  it('refuses a request sent straight to an origin port without an edge assertion', async () => {
    for (const origin of Object.values(env.platform.info.origins)) {
      const res = await fetch(`${origin}/`, { headers: { accept: 'application/json' } });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; requestId: string } };
      expect(body.error.code).toBe('unauthenticated');
      expect(body.error.requestId).toBeTruthy();
    }
  });

  it('refuses a forged assertion header sent straight to an origin', async () => {
    const res = await fetch(`${env.platform.info.origins.instance1}/`, {
      headers: { 'x-wikiplatform-assertion': 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', accept: 'application/json' },
    });
    expect(res.status).toBe(401);
  });
});

describe('state across restarts', () => {
  it('writes run.json with the edge, origins, identity provider, S3 and demo users', async () => {
    const run = JSON.parse(await readFile(join(env.stateDir, 'run.json'), 'utf8'));
    expect(run.edge).toBe(`http://127.0.0.1:${env.ports.edge}`);
    expect(run.domain).toBe('wikiplatform.localhost');
    expect(Object.keys(run.origins).sort()).toEqual(['instance1', 'instance2', 'instance3', 'portal']);
    expect(run.idp.issuer).toBe(`http://sso.wikiplatform.localhost:${env.ports.edge}/realms/wikiplatform`);
    expect(run.idp.jwks).toMatch(/\/protocol\/openid-connect\/certs$/);
    expect(run.s3).toMatchObject({ bucket: 'wikiplatform-media', accessKeyId: expect.any(String), secretAccessKey: expect.any(String) });
    expect(run.demoUsers.map((u: { username: string }) => u.username).sort()).toEqual(['admin', 'enterprise', 'pro', 'starter']);
  });

  it('keeps data and signing keys across a restart, and --reset starts clean', async () => {
    const keysBefore = await readFile(join(env.stateDir, 'keys', 'local-secrets.json'), 'utf8');
    const jwksBefore = await readFile(join(env.stateDir, 'idp', 'jwks.json'), 'utf8');
    const marker = `restart-${Date.now()}`;
    const { default: postgres } = await import('postgres');
    const pgUrl = `postgres://postgres:${(await readFile(join(env.stateDir, 'postgres', 'cluster.password'), 'utf8')).trim()}@127.0.0.1:${env.ports.postgres}/instance1`;
    let sql = postgres(pgUrl, { max: 1 });
    await sql`create table if not exists restart_probe (v text)`;
    await sql`insert into restart_probe values (${marker})`;
    await sql.end();

    await env.restart();
    expect(await readFile(join(env.stateDir, 'keys', 'local-secrets.json'), 'utf8')).toBe(keysBefore);
    expect(await readFile(join(env.stateDir, 'idp', 'jwks.json'), 'utf8')).toBe(jwksBefore);
    sql = postgres(pgUrl.replace(/:[^:@]+@/, `:${(await readFile(join(env.stateDir, 'postgres', 'cluster.password'), 'utf8')).trim()}@`), { max: 1 });
    expect((await sql`select v from restart_probe`).map((r) => r.v)).toContain(marker);
    await sql.end();

    await env.restart({ reset: true });
    expect(await readFile(join(env.stateDir, 'keys', 'local-secrets.json'), 'utf8')).not.toBe(keysBefore);
    const pw = (await readFile(join(env.stateDir, 'postgres', 'cluster.password'), 'utf8')).trim();
    sql = postgres(`postgres://postgres:${pw}@127.0.0.1:${env.ports.postgres}/instance1`, { max: 1 });
    const probe = await sql`select to_regclass('restart_probe') as t`;
    expect(probe[0]?.t).toBeNull();
    await sql.end();
  });
});
