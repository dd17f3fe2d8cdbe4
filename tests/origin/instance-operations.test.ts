// Operations: the welcome page, wiki metrics, readiness while draining, graceful shutdown.
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../origin/common/serve.ts';
import { ensureHomePage } from '../../origin/instance/services/seed.ts';
import { captureLogger, startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { createPage, editor } from './helpers/people.ts';

let h: InstanceHarness;
beforeAll(async () => {
  h = await startInstance('instance3');
});
afterAll(() => h.close());

describe('first start', () => {
  it('writes a welcome home page once and never overwrites it', async () => {
    expect(await ensureHomePage(h.database.db, 'instance3')).toBe(true);
    expect(await ensureHomePage(h.database.db, 'instance3')).toBe(false);
    const home = await (await h.request('/', { as: editor })).text();
    expect(home).toContain('Welcome to <strong>instance3</strong>');
    expect(home).toContain('Signed in as <strong>Eddie Editor</strong>');
  });
});

describe('wiki metrics', () => {
  it('counts pages, revisions and save outcomes, labelled with the instance', async () => {
    const page = await createPage(h, { path: '/metrics-page', title: 'Metrics', content: 'x' });
    await h.api(`/api/pages/${page.id}`, { method: 'PUT', as: editor, body: { revision: 1, content: 'y' } });
    await h.api(`/api/pages/${page.id}`, { method: 'PUT', as: editor, body: { revision: 1, content: 'z' } });
    const text = await (await h.request('/metrics', { as: null })).text();
    expect(text).toMatch(/wiki_pages\{state="live",instance="instance3"\} 2/);
    expect(text).toMatch(/wiki_revisions\{instance="instance3"\} 3/);
    expect(text).toMatch(/wiki_page_saves_total\{outcome="conflict",instance="instance3"\} 1/);
    expect(text).toMatch(/http_requests_total\{[^}]*route="\/api\/pages\/:id"[^}]*status="409"/);
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, refuses new connections, then releases resources', async () => {
    const app = new Hono();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    app.get('/slow', async (c) => {
      await gate;
      return c.text('finished');
    });
    let closed = false;
    let draining = false;
    const server = await startServer({
      fetch: app.fetch,
      port: 0,
      host: '127.0.0.1',
      logger: captureLogger([]),
      onDraining: () => (draining = true),
      onClosed: async () => {
        closed = true;
      },
    });
    const inFlight = fetch(`http://127.0.0.1:${server.port}/slow`);
    await new Promise((r) => setTimeout(r, 50));
    const shutdown = server.shutdown('test');
    expect(draining).toBe(true);
    await expect(fetch(`http://127.0.0.1:${server.port}/slow`)).rejects.toThrow();
    release();
    expect(await (await inFlight).text()).toBe('finished');
    await shutdown;
    expect(closed).toBe(true);
  });
});
