// Page views are served from in-process caches (user row, settings, sidebar, backlinks, rendered article
// markup). Whatever changes in this process must show on the very next view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { createPage, editor, admin } from './helpers/people.ts';

let h: InstanceHarness;
beforeAll(async () => {
  h = await startInstance('cacheviews');
});
afterAll(() => h.close());

const view = async (path: string, as = editor) => {
  const res = await h.request(path, { as, headers: { accept: 'text/html' } });
  return { status: res.status, text: await res.text() };
};
/** The "Pages linking here" footer only (the sidebar lists the same pages with the same markup). */
const backlinksOf = (html: string) => html.match(/<footer class="backlinks">.*?<\/footer>/)?.[0] ?? '';
const update = async (id: number, body: Record<string, unknown>, as = editor) => {
  const res = await h.api(`/api/pages/${id}`, { method: 'PUT', body, as });
  expect(res.status).toBe(200);
  return res.body as { revision: number; path: string };
};

describe('page views served from caches', () => {
  it('shows the new content right after a save', async () => {
    const page = await createPage(h, { path: '/cached/target', title: 'Target', content: '# Target\n\nfirst text' });
    for (let i = 0; i < 3; i++) expect((await view('/cached/target')).text).toContain('first text');
    const saved = await update(page.id, { content: '# Target\n\nsecond text', revision: page.revision });
    const after = await view('/cached/target');
    expect(after.text).toContain('second text');
    expect(after.text).not.toContain('first text');
    expect(after.text).toContain(`data-revision="${saved.revision}"`);
  });

  it('shows a renamed or moved page, its sidebar entry and its backlinks right after the save', async () => {
    const target = await createPage(h, { path: '/cached/hub', title: 'Hub', content: 'The hub.' });
    const linker = await createPage(h, { path: '/cached/linker', title: 'Linker', content: 'See [[Hub]].' });
    const first = await view('/cached/hub');
    expect(backlinksOf(first.text)).toContain('<a href="/cached/linker">Linker</a>');
    await view('/cached/hub');

    // A page linking here is renamed: the backlink shows its new title.
    const renamed = await update(linker.id, { title: 'Linker renamed', revision: linker.revision });
    expect(backlinksOf((await view('/cached/hub')).text)).toContain('<a href="/cached/linker">Linker renamed</a>');

    // The page itself is renamed: title, sidebar and article follow.
    const hub = await update(target.id, { title: 'Hub renamed', revision: target.revision });
    const afterRename = await view('/cached/hub');
    expect(afterRename.text).toContain('<h1 class="page-title">Hub renamed</h1>');
    expect(afterRename.text).toContain('class="current">Hub renamed</a>');

    // The linking page goes to the trash: its backlink goes too.
    expect((await h.api(`/api/pages/${linker.id}`, { method: 'DELETE' })).status).toBe(200);
    const afterTrash = await view('/cached/hub');
    expect(afterTrash.text).not.toContain('Linker renamed');
    expect(backlinksOf(afterTrash.text)).toBe('');

    // The page moves: the old path redirects, the new one shows it.
    await update(target.id, { path: '/cached/hub-moved', revision: hub.revision });
    expect((await view('/cached/hub')).status).toBe(301);
    expect((await view('/cached/hub-moved')).text).toContain('<h1 class="page-title">Hub renamed</h1>');
    expect(renamed.revision).toBe(2);
  });

  it('picks up a renamed user on the next view', async () => {
    const sam = { ...editor, sub: 'cache-sam', username: 'sam', name: 'Sam Before', email: 'sam@example.test' };
    await createPage(h, { path: '/cached/people', title: 'People page', content: 'hello' }, sam);
    expect((await view('/cached/people', sam)).text).toContain('Signed in as <strong>Sam Before</strong>');
    expect((await view('/cached/people', sam)).text).toContain('last edited by Sam Before');

    const renamed = { ...sam, name: 'Sam After' };
    const next = await view('/cached/people', renamed);
    expect(next.text).toContain('Signed in as <strong>Sam After</strong>');
    expect(next.text).toContain('last edited by Sam After');
    const users = await h.api('/api/users', { as: admin });
    const names = users.body.users.map((u: { name: string }) => u.name);
    expect(names).toContain('Sam After');
    expect(names).not.toContain('Sam Before');
  });

  it('shows a role change and a new instance title on the next view', async () => {
    const rob = { ...editor, sub: 'cache-rob', username: 'rob', name: 'Rob', email: 'rob@example.test' };
    await createPage(h, { path: '/cached/roles', title: 'Roles page', content: 'hello' });
    expect((await view('/cached/roles', rob)).text).toContain('data-testid="edit-page"');
    const me = await h.api('/api/me', { as: rob });
    expect((await h.api(`/api/users/${me.body.user.id}`, { method: 'PUT', as: admin, body: { role: 'reader' } })).status).toBe(200);
    const asReader = await view('/cached/roles', rob);
    expect(asReader.text).not.toContain('data-testid="edit-page"');
    expect(asReader.text).toContain('<span class="role role-reader">reader</span>');

    expect((await h.api('/api/settings', { method: 'PUT', as: admin, body: { title: 'Renamed wiki' } })).status).toBe(200);
    const titled = await view('/cached/roles', rob);
    expect(titled.text).toContain('<title>Roles page · Renamed wiki</title>');
    expect(titled.text).toContain('<a class="brand" href="/">Renamed wiki</a>');
  });
});
