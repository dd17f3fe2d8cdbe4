// The portal lists exactly the instances a user's plan opens, and believes only the edge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS_IDENTITY, createAssertionVerifier } from '#shared/edge-assertion';
import { ASSERTION_HEADER } from '#shared/headers';
import type { Identity } from '#shared/identity';
import { DEFAULT_PLAN_MATRIX } from '#shared/plan-matrix';
import { openDatabase, runMigrations, type Database } from '../../origin/common/database.ts';
import { createMetrics } from '../../origin/common/metrics.ts';
import { MIGRATIONS } from '../../origin/migrations.ts';
import { createPortalApp } from '../../origin/portal/app.tsx';
import { accounts, portalSchema, type PortalSchema } from '../../origin/portal/schema.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createTestEdge, identity, type TestEdge } from './helpers/edge-keys.ts';
import { captureLogger } from './helpers/instance-harness.ts';

let testDb: TestDatabase;
let database: Database<PortalSchema>;
let edge: TestEdge;
let app: ReturnType<typeof createPortalApp>;

beforeAll(async () => {
  testDb = await createTestDatabase('portal');
  await runMigrations(testDb.url, MIGRATIONS.portal);
  database = openDatabase(testDb.url, portalSchema, { max: 4 });
  edge = await createTestEdge();
  app = createPortalApp({
    database,
    logger: captureLogger([]),
    verify: createAssertionVerifier(edge.jwks),
    instances: [
      ...['instance1', 'instance2'].map((id) => ({ id, origin: `http://127.0.0.1:1/${id}`, title: `Wiki ${id}`, maintenance: false })),
      // Closed by `platform instance remove`, in its grace period.
      { id: 'instance3', origin: 'http://127.0.0.1:1/instance3', title: 'Wiki instance3', maintenance: true, removeAfter: '2026-12-31' },
    ],
    planMatrix: DEFAULT_PLAN_MATRIX,
    publicUrlPattern: 'http://{host}.wikiplatform.localhost:8787',
    metrics: createMetrics({ instance: 'portal' }),
  });
});
afterAll(async () => {
  await database.close();
  await testDb.drop();
});

async function get(path: string, who: Identity | null, audience = 'portal') {
  const headers: Record<string, string> = {};
  if (who) headers[ASSERTION_HEADER] = await edge.mint(who, audience);
  return app.request(path, { headers });
}

async function asNobody(path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set(ASSERTION_HEADER, await edge.mint(ANONYMOUS_IDENTITY, 'portal', { purpose: 'public' }));
  return app.request(path, { ...init, headers });
}

describe("portal: the edge's `public` assertion (nobody signed in)", () => {
  it('opens the pricing page and the stylesheet, with no cache and no signed-in header', async () => {
    const res = await asNobody('/pricing');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('Plans and pricing');
    expect(html).not.toContain('Signed in as');
    expect((await asNobody('/_static/portal.css')).status).toBe(200);
  });

  it('is refused everywhere else, with the same 401 as no assertion, however the path is spelled', async () => {
    for (const path of ['/', '/plans', '/api/me', '/billing/done']) {
      const res = await asNobody(path, { headers: { accept: 'application/json' } });
      expect(res.status, path).toBe(401);
      expect((await res.json()).error.code).toBe('unauthenticated');
    }
    // Odd spellings never reach a page: refused, or matched by no route.
    for (const path of ['//plans', '/signup/%2e%2e/plans', '/pricing/x', '/_static/../plans']) {
      expect([401, 404], path).toContain((await asNobody(path, { headers: { accept: 'application/json' } })).status);
    }
    const buying = await asNobody('/billing/checkout', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: 'plan=PRO&attempt=aaaaaaaaaaaaaaaaaaaa' });
    expect(buying.status).toBe(401);
  });

  it('sends a signed-in visitor of the pricing page to their plans page', async () => {
    const res = await get('/pricing', identity());
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/plans');
  });
});

describe('portal', () => {
  it('refuses a request without an assertion or with one minted for an instance', async () => {
    expect((await get('/', null)).status).toBe(401);
    expect((await get('/', identity(), 'instance1')).status).toBe(401);
  });

  it('shows a STARTER user their name, plan and only instance1 as a link', async () => {
    const res = await get('/', identity());
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Sam Starter');
    expect(html).toContain('STARTER');
    expect(html).toContain('href="http://instance1.wikiplatform.localhost:8787/"');
    expect(html).not.toContain('href="http://instance2.wikiplatform.localhost:8787/"');
    expect(html).toMatch(/Wiki instance3: included in ENTERPRISE · <a href="\/plans\?instance=instance3">compare plans<\/a>/);
  });

  it('shows an instance scheduled for removal as closed, with its removal day, and no link to it', async () => {
    const html = await (await get('/', identity({ plan: 'ENTERPRISE', groups: ['/ENTERPRISE'] }))).text();
    expect(html).toContain('href="http://instance2.wikiplatform.localhost:8787/"');
    expect(html).toContain(
      '<li data-instance="instance3"><span>Wiki instance3 <em>(closed: to be removed after 2026-12-31 UTC; its administrators can ask support to restore it before then)</em></span></li>',
    );
    expect(html).not.toContain('href="http://instance3.wikiplatform.localhost:8787/"');
    const me = await (await get('/api/me', identity({ plan: 'ENTERPRISE', groups: ['/ENTERPRISE'] }))).json();
    expect(me.instances.map((i: { id: string; maintenance: boolean; removeAfter: string | null }) => [i.id, i.maintenance, i.removeAfter])).toEqual([
      ['instance1', false, null],
      ['instance2', false, null],
      ['instance3', true, '2026-12-31'],
    ]);
  });

  it('records the account on a visit', async () => {
    await get('/', identity({ sub: 'portal-visitor', name: 'Vera Visitor' }));
    const rows = await database.db.select().from(accounts);
    expect(rows.find((r) => r.sub === 'portal-visitor')?.name).toBe('Vera Visitor');
  });

  it('answers /api/me with the plan and which instances are open', async () => {
    const res = await get('/api/me', identity({ plan: 'PRO', groups: ['/PRO'] }));
    const body = await res.json();
    expect(body.user).toMatchObject({ plan: 'PRO', email: 'sam@example.test', emailVerified: true });
    const unverified = await (await get('/api/me', identity({ emailVerified: false }))).json();
    expect(unverified.user.emailVerified).toBe(false);
    expect(body.instances.filter((i: { allowed: boolean }) => i.allowed).map((i: { id: string }) => i.id)).toEqual(['instance1', 'instance2']);
  });

  it('opens every instance to a platform admin', async () => {
    const res = await get('/api/me', identity({ plan: null, groups: [], roles: ['platform-admin'] }));
    const body = await res.json();
    expect(body.instances.every((i: { allowed: boolean }) => i.allowed)).toBe(true);
  });

  it('answers probes without an assertion', async () => {
    expect((await get('/healthz', null)).status).toBe(200);
    expect((await get('/readyz', null)).status).toBe(200);
    expect(await (await get('/metrics', null)).text()).toContain('instance="portal"');
  });

  it('answers probes 404 to a request that came through the edge (the %-encoded spelling included)', async () => {
    for (const path of ['/%6Detrics', '/metrics', '/readyz']) expect((await get(path, identity())).status, path).toBe(404);
  });

  it('shows the plans page naming which plans open the instance the user was refused', async () => {
    const res = await get('/plans?instance=instance2', identity());
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<strong>Wiki instance2</strong> is included in the plans marked below.');
    expect(html).toMatch(/class="plan current" data-plan="STARTER"/);
    expect(html).toMatch(/class="plan wanted" data-plan="PRO"/);
    expect(html).toMatch(/class="plan wanted" data-plan="ENTERPRISE"/);
  });

  it('ignores an unknown instance on the plans page instead of echoing it', async () => {
    const html = await (await get('/plans?instance=%3Cscript%3E', identity())).text();
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('data-testid="wanted"');
  });
});
