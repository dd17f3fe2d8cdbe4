// People and roles: readers cannot write, admins manage roles and settings, platform admins are admins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { admin, createPage, demoteReader, editor, reader } from './helpers/people.ts';

let h: InstanceHarness;
let pageId: number;
beforeAll(async () => {
  h = await startInstance('instance1');
  await h.api('/api/me', { as: editor });
  await demoteReader(h);
  pageId = (await createPage(h, { path: '/shared', title: 'Shared', content: 'text' })).id;
});
afterAll(() => h.close());

describe('roles', () => {
  it('makes anyone the plan lets in an editor by default', async () => {
    const me = await h.api('/api/me', { as: editor });
    expect(me.body.user).toMatchObject({ name: 'Eddie Editor', role: 'editor' });
    expect(me.body.permissions).toMatchObject({ write: true, purge: false, manageSettings: false });
  });

  it('makes a platform admin an admin of the instance', async () => {
    expect((await h.api('/api/me', { as: admin })).body.user.role).toBe('admin');
  });

  it('refuses every write from a reader with 403, but lets them read and search', async () => {
    const attempts = [
      h.api('/api/pages', { method: 'POST', as: reader, body: { title: 'Nope', content: '' } }),
      h.api(`/api/pages/${pageId}`, { method: 'PUT', as: reader, body: { revision: 1, content: 'vandal' } }),
      h.api(`/api/pages/${pageId}`, { method: 'DELETE', as: reader }),
      h.api(`/api/pages/${pageId}/revisions/1/restore`, { method: 'POST', as: reader }),
      h.api(`/api/trash/${pageId}/restore`, { method: 'POST', as: reader }),
      h.api('/api/users/1', { method: 'PUT', as: reader, body: { role: 'admin' } }),
      h.api('/api/settings', { method: 'PUT', as: reader, body: { title: 'Mine' } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await h.api(`/api/pages/${pageId}`, { as: reader })).body.content).toBe('text');
    expect((await h.api('/api/search?q=shared', { as: reader })).status).toBe(200);
  });

  it('shows readers no edit controls in the page UI', async () => {
    const html = await (await h.request('/shared', { as: reader })).text();
    expect(html).not.toContain('data-testid="edit-page"');
    expect(html).not.toContain('data-testid="new-page"');
    const editorHtml = await (await h.request('/shared', { as: editor })).text();
    expect(editorHtml).toContain('data-testid="edit-page"');
  });

  it('lets an admin change a role, which takes effect on the next request', async () => {
    const target = (await h.api('/api/me', { as: editor })).body.user.id;
    expect((await h.api(`/api/users/${target}`, { method: 'PUT', as: admin, body: { role: 'reader' } })).status).toBe(200);
    expect((await h.api('/api/me', { as: editor })).body.user.role).toBe('reader');
    await h.api(`/api/users/${target}`, { method: 'PUT', as: admin, body: { role: null } });
    expect((await h.api('/api/me', { as: editor })).body.user.role).toBe('editor');
  });

  it('refuses role changes from editors, unknown roles and unknown users', async () => {
    expect((await h.api('/api/users/1', { method: 'PUT', as: editor, body: { role: 'admin' } })).status).toBe(403);
    const bad = await h.api('/api/users/1', { method: 'PUT', as: admin, body: { role: 'owner' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('role');
    expect((await h.api('/api/users/9999', { method: 'PUT', as: admin, body: { role: 'reader' } })).status).toBe(404);
  });

  it('lists the people of the instance', async () => {
    const res = await h.api('/api/users', { as: editor });
    expect(res.body.users.map((u: { name: string }) => u.name)).toEqual(expect.arrayContaining(['Eddie Editor', 'Rita Reader', 'Ada Admin']));
  });

  it('shows emails of the people only to those who manage them, since customers share an instance', async () => {
    const forEditor = await h.api('/api/users', { as: editor });
    expect(forEditor.body.users.every((u: Record<string, unknown>) => !('email' in u))).toBe(true);
    const forAdmin = await h.api('/api/users', { as: admin });
    expect(forAdmin.body.users.find((u: { name: string }) => u.name === 'Eddie Editor').email).toMatch(/@/);
    const page = await (await h.request('/_people', { as: editor })).text();
    expect(page).not.toMatch(/@[a-z]+\.(test|example)/);
  });
});

describe('settings', () => {
  it('are visible and changeable by admins only', async () => {
    expect((await h.api('/api/settings', { as: editor })).status).toBe(403);
    const res = await h.api('/api/settings', { as: admin });
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({ title: null, searchLanguage: 'english', defaultRole: 'editor' });
    expect(res.body.searchLanguages).toContain('french');
  });

  it('change the title shown on every page', async () => {
    const saved = await h.api('/api/settings', { method: 'PUT', as: admin, body: { title: 'Team Handbook', description: 'Everything we know' } });
    expect(saved.body.settings.title).toBe('Team Handbook');
    expect(await (await h.request('/', { as: editor })).text()).toContain('Team Handbook');
  });

  it('refuse an unknown search language and a bad default role, naming the field', async () => {
    const lang = await h.api('/api/settings', { method: 'PUT', as: admin, body: { searchLanguage: 'klingon' } });
    expect(lang.status).toBe(400);
    expect(lang.body.error.message).toContain('searchLanguage');
    const role = await h.api('/api/settings', { method: 'PUT', as: admin, body: { defaultRole: 'god' } });
    expect(role.status).toBe(400);
    expect(role.body.error.message).toContain('defaultRole');
  });

  it('apply a new default role to people without an assigned role', async () => {
    await h.api('/api/settings', { method: 'PUT', as: admin, body: { defaultRole: 'reader' } });
    const newcomer = { ...editor, sub: 'newcomer', name: 'Nina Newcomer' };
    expect((await h.api('/api/me', { as: newcomer })).body.user.role).toBe('reader');
    await h.api('/api/settings', { method: 'PUT', as: admin, body: { defaultRole: 'editor' } });
  });
});
