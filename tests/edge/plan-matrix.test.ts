import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_MATRIX } from '#shared/plan-matrix';
import { APP, bearer, Browser, edgeFetch, hostUrl, mintAccessToken, signIn } from './support/edge-client.ts';

interface Subject {
  name: string;
  groups: string[];
  roles: string[];
  opens: string[];
}

// The expected answers are written out, not derived from the matrix, so a matrix edit shows up here.
const SUBJECTS: Subject[] = [
  { name: 'starter', groups: ['/STARTER'], roles: [], opens: ['instance1'] },
  { name: 'pro', groups: ['/PRO'], roles: [], opens: ['instance1', 'instance2'] },
  { name: 'enterprise', groups: ['/ENTERPRISE'], roles: [], opens: ['instance1', 'instance2', 'instance3'] },
  { name: 'admin', groups: [], roles: ['platform-admin'], opens: ['instance1', 'instance2', 'instance3'] },
  { name: 'no-plan', groups: [], roles: [], opens: [] },
  { name: 'starter-and-pro', groups: ['/STARTER', 'PRO'], roles: [], opens: ['instance1', 'instance2'] },
];
const INSTANCES = ['instance1', 'instance2', 'instance3'];

describe('plan matrix', () => {
  it('is the product matrix by default', () => {
    expect(DEFAULT_PLAN_MATRIX).toEqual({
      STARTER: ['instance1'],
      PRO: ['instance1', 'instance2'],
      ENTERPRISE: ['instance1', 'instance2', 'instance3'],
    });
  });

  for (const subject of SUBJECTS) {
    it(`gives ${subject.name} exactly ${subject.opens.join(', ') || 'nothing'} over a browser session`, async () => {
      const browser = new Browser();
      await signIn(browser, { username: `matrix-${subject.name}`, groups: subject.groups, roles: subject.roles }, hostUrl('app', '/'));
      for (const id of INSTANCES) {
        const res = await browser.navigate(hostUrl(id, '/wiki'));
        expect(res.status, `${subject.name} → ${id}`).toBe(subject.opens.includes(id) ? 200 : 403);
      }
    });

    it(`gives ${subject.name} exactly ${subject.opens.join(', ') || 'nothing'} over a bearer token`, async () => {
      const token = await mintAccessToken({ username: `matrix-${subject.name}`, groups: subject.groups, roles: subject.roles });
      for (const id of INSTANCES) {
        const res = await edgeFetch(hostUrl(id, '/api/pages'), bearer(token));
        expect(res.status, `${subject.name} → ${id}`).toBe(subject.opens.includes(id) ? 200 : 403);
      }
    });
  }

  it('shows a browser a 403 page naming the plans that include the instance and a link to upgrade on app', async () => {
    const browser = new Browser();
    await signIn(browser, { username: 'wants-more', groups: ['/STARTER'] }, hostUrl('instance2'));
    const res = await browser.navigate(hostUrl('instance2', '/wiki'));
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('Instance 2 is not included in your plan');
    expect(html).toContain('Instance 2 is available with: PRO, ENTERPRISE.');
    expect(html).toContain(`href="${APP}/plans?instance=instance2"`);
  });

  it('answers API clients with JSON 403 plan_required, never a page or a redirect', async () => {
    const token = await mintAccessToken({ groups: ['/PRO'] });
    const res = await edgeFetch(hostUrl('instance3', '/api/pages'), bearer(token));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'plan_required',
        message: 'Instance 3 is available with: ENTERPRISE.',
        requestId: expect.any(String),
        details: { instance: 'instance3', plans: ['ENTERPRISE'], upgradeUrl: `${APP}/plans?instance=instance3` },
      },
    });
  });

  it('follows a PLAN_MATRIX from configuration', async () => {
    const { baseEnv } = await import('./support/edge-client.ts');
    const env = { ...baseEnv, PLAN_MATRIX: JSON.stringify({ STARTER: ['instance1', 'instance3'], PRO: ['instance2'], ENTERPRISE: ['instance1', 'instance2', 'instance3'] }) };
    const token = await mintAccessToken({ groups: ['/STARTER'] });
    expect((await edgeFetch(hostUrl('instance3'), bearer(token), env)).status).toBe(200);
    expect((await edgeFetch(hostUrl('instance2'), bearer(token), env)).status).toBe(403);
  });
});

describe('unauthenticated callers', () => {
  it('redirects a browser page view to sign in', async () => {
    const res = await new Browser().navigate(hostUrl('instance1', '/wiki'));
    expect(res.status).toBe(302);
  });

  it.each<[string, Record<string, string>]>([
    ['fetch with Accept: application/json', { accept: 'application/json' }],
    ['fetch in cors mode even when it accepts HTML', { accept: 'text/html', 'sec-fetch-mode': 'cors' }],
    ['XMLHttpRequest', { accept: '*/*', 'x-requested-with': 'XMLHttpRequest' }],
    ['curl without Accept', { accept: '*/*' }],
  ])('answers %s with JSON 401, never a redirect', async (_name, headers) => {
    const res = await edgeFetch(hostUrl('instance1', '/api/pages'), { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated', requestId: expect.any(String) } });
  });

  it('answers a POST from a browser form without a session with 401, not a redirect that would lose the body', async () => {
    const res = await edgeFetch(hostUrl('instance1', '/wiki/save'), {
      method: 'POST',
      headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate', origin: 'http://instance1.wikiplatform.localhost' },
      body: 'x=1',
    });
    expect(res.status).toBe(401);
  });

  it('requires sign-in on the portal too', async () => {
    const res = await new Browser().navigate(hostUrl('app', '/'));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${APP}/_auth/login?returnTo=${encodeURIComponent(`${APP}/`)}`);
  });
});
