// Two instances side by side (one database each) never see each other's pages, users or search results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge } from './helpers/edge-keys.ts';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { createPage, editor } from './helpers/people.ts';

let one: InstanceHarness;
let two: InstanceHarness;
beforeAll(async () => {
  const edge = await createTestEdge();
  [one, two] = await Promise.all([startInstance('instance1', edge), startInstance('instance2', edge)]);
});
afterAll(async () => {
  await Promise.all([one.close(), two.close()]);
});

describe('two instances side by side', () => {
  it('keep their pages apart', async () => {
    const a = await createPage(one, { path: '/plans', title: 'Instance one plans', content: 'aardvark strategy' });
    await createPage(two, { path: '/plans', title: 'Instance two plans', content: 'zebra strategy' });
    expect((await one.api('/api/pages', { as: editor })).body.pages.map((p: { title: string }) => p.title)).toEqual(['Instance one plans']);
    expect((await two.api('/api/pages', { as: editor })).body.pages.map((p: { title: string }) => p.title)).toEqual(['Instance two plans']);
    const html = await (await two.request('/plans', { as: editor })).text();
    expect(html).toContain('zebra');
    expect(html).not.toContain('aardvark');
    expect((await two.api(`/api/pages/${a.id}`, { as: editor })).body.title).not.toBe('Instance one plans');
  });

  it('keep their search results apart', async () => {
    expect((await one.api('/api/search?q=zebra', { as: editor })).body.results).toEqual([]);
    expect((await two.api('/api/search?q=aardvark', { as: editor })).body.results).toEqual([]);
    expect((await two.api('/api/search?q=zebra', { as: editor })).body.results).toHaveLength(1);
  });

  it('keep their users apart', async () => {
    await one.api('/api/me', { as: { ...editor, sub: 'only-in-one', name: 'Olga Only' } });
    const names = (await two.api('/api/users', { as: editor })).body.users.map((u: { name: string }) => u.name);
    expect(names).not.toContain('Olga Only');
  });

  it('refuse an assertion minted for the other instance', async () => {
    expect((await two.request('/', { as: editor, audience: 'instance1' })).status).toBe(401);
    expect((await one.request('/', { as: editor, audience: 'instance2' })).status).toBe(401);
  });
});
