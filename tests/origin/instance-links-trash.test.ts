// Trash and restore, purge, and moves/renames that keep every link and backlink working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { admin, createPage, demoteReader, editor, reader } from './helpers/people.ts';

let h: InstanceHarness;
beforeAll(async () => {
  h = await startInstance('instance1');
});
afterAll(() => h.close());

const getPage = (id: number) => h.api(`/api/pages/${id}`, { as: editor });

describe('trash', () => {
  it('moves a deleted page to the trash, hides it, and restores it with its history', async () => {
    const page = await createPage(h, { path: '/trash/me', title: 'Trash me', content: 'bye' });
    const del = await h.api(`/api/pages/${page.id}`, { method: 'DELETE', as: editor });
    expect(del.status).toBe(200);
    expect(del.body.trashed).toBe(true);
    expect((await getPage(page.id)).status).toBe(404);
    expect((await h.api('/api/pages?prefix=/trash', { as: editor })).body.pages).toEqual([]);
    const trash = await h.api('/api/trash', { as: editor });
    expect(trash.body.pages.map((p: { id: number }) => p.id)).toContain(page.id);

    const restored = await h.api(`/api/trash/${page.id}/restore`, { method: 'POST', as: editor });
    expect(restored.status).toBe(200);
    expect((await getPage(page.id)).body.content).toBe('bye');
    expect((await h.api(`/api/pages/${page.id}/revisions`, { as: editor })).body.revisions).toHaveLength(1);
  });

  it('refuses to restore over a page that took the path meanwhile', async () => {
    const page = await createPage(h, { path: '/trash/taken', title: 'Old', content: '' });
    await h.api(`/api/pages/${page.id}`, { method: 'DELETE', as: editor });
    await createPage(h, { path: '/trash/taken', title: 'New', content: '' });
    const res = await h.api(`/api/trash/${page.id}/restore`, { method: 'POST', as: editor });
    expect(res.status).toBe(409);
  });

  it('lets only admins purge, and only pages already in the trash', async () => {
    const page = await createPage(h, { path: '/trash/purge', title: 'Purge', content: '' });
    expect((await h.api(`/api/trash/${page.id}`, { method: 'DELETE', as: admin })).status).toBe(404);
    await h.api(`/api/pages/${page.id}`, { method: 'DELETE', as: editor });
    expect((await h.api(`/api/trash/${page.id}`, { method: 'DELETE', as: editor })).status).toBe(403);
    expect((await h.api(`/api/trash/${page.id}`, { method: 'DELETE', as: admin })).status).toBe(204);
    expect((await h.api('/api/trash', { as: editor })).body.pages.map((p: { id: number }) => p.id)).not.toContain(page.id);
    expect((await h.api(`/api/pages/${page.id}/revisions`, { as: editor })).status).toBe(404);
  });

  it('hides a trashed page’s history, revisions and diffs from readers, and keeps them for editors', async () => {
    await demoteReader(h);
    const page = await createPage(h, { path: '/trash/secret', title: 'Secret', content: 'salary list' });
    await h.api(`/api/pages/${page.id}`, { method: 'PUT', as: editor, body: { revision: 1, content: 'salary list v2' } });
    const history = [`/api/pages/${page.id}/revisions`, `/api/pages/${page.id}/revisions/1`, `/api/pages/${page.id}/diff?from=1&to=2`];
    for (const path of history) expect((await h.api(path, { as: reader })).status, `live ${path}`).toBe(200);
    await h.api(`/api/pages/${page.id}`, { method: 'DELETE', as: editor });

    for (const path of history) {
      const res = await h.api(path, { as: reader });
      expect(res.status, path).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('salary');
      expect((await h.api(path, { as: editor })).status, `editor ${path}`).toBe(200);
    }
    expect((await h.api(`/api/pages/${page.id}/revisions/1`, { as: editor })).body.content).toBe('salary list');
    // The browser's history views find live pages only, so a trashed page is not there for anyone.
    for (const path of ['/_history/trash/secret', '/_revision/trash/secret?rev=1', '/_diff/trash/secret?from=1&to=2']) {
      for (const who of [reader, editor]) expect((await h.request(path, { as: who, headers: { accept: 'text/html' } })).status, path).toBe(404);
    }
  });

  it('answers 404 when deleting a page twice', async () => {
    const page = await createPage(h, { path: '/trash/twice', title: 'Twice', content: '' });
    await h.api(`/api/pages/${page.id}`, { method: 'DELETE', as: editor });
    expect((await h.api(`/api/pages/${page.id}`, { method: 'DELETE', as: editor })).status).toBe(404);
  });
});

describe('links and backlinks', () => {
  it('resolves wiki links by title and relative links by path, and lists backlinks on the target', async () => {
    const target = await createPage(h, { path: '/guide/setup', title: 'Setup Guide', content: 'how to' });
    const source = await createPage(h, { path: '/guide/intro', title: 'Intro', content: 'See [[setup guide]] and [the setup](setup).' });
    expect(source.html).toContain('<a class="wiki-link" href="/guide/setup">setup guide</a>');
    expect(source.html).toContain('<a href="/guide/setup" class="wiki-link">the setup</a>');
    const res = await getPage(target.id);
    expect(res.body.backlinks).toEqual([{ path: '/guide/intro', title: 'Intro' }]);
  });

  it('turns a missing link into a real one when the page is created', async () => {
    const source = await createPage(h, { path: '/later/source', title: 'Source', content: '[[Written Later]]' });
    expect(source.html).toContain('wiki-missing');
    const later = await createPage(h, { path: '/later/target', title: 'Written Later', content: '' });
    expect((await getPage(source.id)).body.html).toContain('<a class="wiki-link" href="/later/target">Written Later</a>');
    expect((await getPage(later.id)).body.backlinks).toEqual([{ path: '/later/source', title: 'Source' }]);
  });

  it('keeps links and backlinks working after the target is moved and renamed', async () => {
    const target = await createPage(h, { path: '/move/old-place', title: 'Old Name', content: 'target' });
    const byTitle = await createPage(h, { path: '/move/by-title', title: 'By title', content: '[[Old Name]]' });
    const byPath = await createPage(h, { path: '/move/by-path', title: 'By path', content: '[link](/move/old-place#part)' });
    const moved = await h.api(`/api/pages/${target.id}`, { method: 'PUT', as: editor, body: { revision: 1, path: '/elsewhere/new-place', title: 'New Name' } });
    expect(moved.status).toBe(200);
    expect(moved.body.path).toBe('/elsewhere/new-place');

    expect((await getPage(byTitle.id)).body.html).toContain('href="/elsewhere/new-place"');
    expect((await getPage(byPath.id)).body.html).toContain('href="/elsewhere/new-place#part"');
    expect((await getPage(byTitle.id)).body.revision).toBe(1); // re-rendered, not re-written
    const backlinks = (await getPage(target.id)).body.backlinks.map((b: { title: string }) => b.title);
    expect(backlinks).toEqual(['By path', 'By title']);

    // A page saved later with the old wording still finds the page.
    const later = await createPage(h, { path: '/move/later', title: 'Later', content: '[[Old Name]] [x](/move/old-place)' });
    expect(later.html).not.toContain('wiki-missing');
    // And the old URL redirects to the new one.
    const old = await h.request('/move/old-place', { as: editor });
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe('/elsewhere/new-place');
  });

  it('marks links to a trashed page as missing and restores them with the page', async () => {
    const target = await createPage(h, { path: '/gone/target', title: 'Gone Target', content: '' });
    const source = await createPage(h, { path: '/gone/source', title: 'Gone Source', content: '[[Gone Target]]' });
    await h.api(`/api/pages/${target.id}`, { method: 'DELETE', as: editor });
    expect((await getPage(source.id)).body.html).toContain('wiki-missing');
    await h.api(`/api/trash/${target.id}/restore`, { method: 'POST', as: editor });
    expect((await getPage(source.id)).body.html).toContain('<a class="wiki-link" href="/gone/target">');
  });

  it('refuses to move a page onto the path of another live page', async () => {
    await createPage(h, { path: '/occupied', title: 'Occupied', content: '' });
    const mover = await createPage(h, { path: '/mover', title: 'Mover', content: '' });
    const res = await h.api(`/api/pages/${mover.id}`, { method: 'PUT', as: editor, body: { revision: 1, path: '/occupied' } });
    expect(res.status).toBe(409);
  });
});
