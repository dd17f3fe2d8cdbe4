// Search: title hits rank above body hits, accents don't matter, odd input never errors, prefixes find pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { admin, createPage, editor } from './helpers/people.ts';

let h: InstanceHarness;
beforeAll(async () => {
  h = await startInstance('instance1');
  await createPage(h, { path: '/body-mention', title: 'Team rituals', content: 'We hold a weekly retrospective on Fridays to look back.' });
  await createPage(h, { path: '/title-hit', title: 'Retrospective', content: 'How the team looks back at a sprint.' });
  await createPage(h, { path: '/cafe', title: 'Café menu', content: 'Crème brûlée and espresso.' });
  await createPage(h, { path: '/onboarding', title: 'Onboarding checklist', content: 'Accounts, laptop, <script>alert(1)</script> badge.' });
});
afterAll(() => h.close());

const search = async (q: string) => h.api(`/api/search?q=${encodeURIComponent(q)}`, { as: editor });

describe('search', () => {
  it('ranks a title hit above a body hit', async () => {
    const res = await search('retrospective');
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { path: string }) => r.path)).toEqual(['/title-hit', '/body-mention']);
    expect(res.body.results[0]).toMatchObject({ id: expect.any(Number), title: 'Retrospective' });
  });

  it('highlights the match in an escaped snippet', async () => {
    const res = await search('retrospective');
    expect(res.body.results[1].snippet).toContain('<mark>retrospective</mark>');
    const script = await search('accounts badge');
    expect(script.body.results[0].snippet).not.toContain('<script');
  });

  it('ignores accents in the query and in the pages', async () => {
    expect((await search('creme brulee')).body.results.map((r: { path: string }) => r.path)).toEqual(['/cafe']);
    expect((await search('CAFÉ')).body.results.map((r: { path: string }) => r.path)).toEqual(['/cafe']);
  });

  it('finds pages by the first letters of a title for quick navigation', async () => {
    expect((await search('onboa')).body.results.map((r: { path: string }) => r.path)).toEqual(['/onboarding']);
  });

  it('understands quoted phrases and exclusions', async () => {
    const res = await search('"look back" -sprint');
    expect(res.body.results.map((r: { path: string }) => r.path)).toEqual(['/body-mention']);
  });

  it('never errors on odd input', async () => {
    for (const q of ['"', "'", '&|!', '(((', ':*', 'a <-> b', '\\', '%_', '-', 'x'.repeat(1000), '🙂']) {
      const res = await search(q);
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body.results)).toBe(true);
    }
    expect((await search('')).body.results).toEqual([]);
  });

  it('does not find pages in the trash', async () => {
    const page = await createPage(h, { path: '/secret-plans', title: 'Zanzibar plans', content: '' });
    expect((await search('zanzibar')).body.results).toHaveLength(1);
    await h.api(`/api/pages/${page.id}`, { method: 'DELETE', as: editor });
    expect((await search('zanzibar')).body.results).toHaveLength(0);
  });

  it('uses the search language setting for stemming', async () => {
    await createPage(h, { path: '/fr', title: 'Les chevaux', content: 'Nous mangeons des pommes.' });
    expect((await search('mangeait')).body.results).toHaveLength(0);
    const saved = await h.api('/api/settings', { method: 'PUT', as: admin, body: { searchLanguage: 'french' } });
    expect(saved.status).toBe(200);
    expect((await search('mangeons')).body.results.map((r: { path: string }) => r.path)).toContain('/fr');
    expect((await search('pomme')).body.results.map((r: { path: string }) => r.path)).toContain('/fr');
    await h.api('/api/settings', { method: 'PUT', as: admin, body: { searchLanguage: 'english' } });
  });
});
