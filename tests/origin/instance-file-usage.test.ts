// Where each uploaded file is used, on a real instance app (real Postgres, the SigV4-checking S3 server,
// files uploaded through the media API): recorded at every save, shown in the files list, on each file's
// own page and in the media API, following pages through edits, moves, the trash and a purge, and filled
// in for pages saved before it was recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '#shared/identity';
import { mediaPath } from '#shared/media-contract';
import { backfillMediaRefs } from '../../origin/instance/store/media-refs.ts';
import { identity } from './helpers/edge-keys.ts';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { uploadFile, type Uploaded } from './helpers/uploads.ts';

const admin = identity({ sub: 'use-ada', username: 'ada', name: 'Ada Admin', plan: 'PRO', groups: ['/PRO'], roles: ['platform-admin'] });
const eve = identity({ sub: 'use-eve', username: 'eve', name: 'Eve Editor', plan: 'PRO', groups: ['/PRO'] });
const rita = identity({ sub: 'use-rita', username: 'rita', name: 'Rita Reader', plan: 'PRO', groups: ['/PRO'] });

let h: InstanceHarness;

beforeAll(async () => {
  h = await startInstance('instance1', undefined, { media: true });
  const me = await h.api('/api/me', { as: rita });
  expect((await h.api(`/api/users/${me.body.user.id}`, { method: 'PUT', as: admin, body: { role: 'reader' } })).status).toBe(200);
});
afterAll(() => h.close());

const upload = (filename: string, contentType = 'image/png', who: Identity = eve): Promise<Uploaded> => uploadFile(h, who, filename, contentType, 64);
const image = (f: Uploaded) => `![${f.filename}](${mediaPath(f.key)})`;

async function createPage(path: string, title: string, content: string): Promise<{ id: number; revision: number }> {
  const res = await h.api('/api/pages', { method: 'POST', as: eve, body: { path, title, content } });
  expect(res.status).toBe(201);
  return res.body;
}
async function updatePage(id: number, change: { content?: string; path?: string; title?: string }): Promise<void> {
  const current = await h.api(`/api/pages/${id}`, { as: eve });
  const res = await h.api(`/api/pages/${id}`, { method: 'PUT', as: eve, body: { revision: current.body.revision, ...change } });
  expect(res.status).toBe(200);
}

/** GET /api/media/:id's account of where the file is used. */
async function usedBy(file: Uploaded, as: Identity = eve) {
  const res = await h.api(`/api/media/${file.id}`, { as });
  expect(res.status).toBe(200);
  return res.body.usedBy as { live: number; trashed: number; pages: { id: number; path: string; title: string }[] };
}
const usedOnPaths = async (file: Uploaded) => (await usedBy(file)).pages.map((p) => p.path);

const html = async (path: string, as: Identity = eve) => {
  const res = await h.request(path, { as, headers: { accept: 'text/html' } });
  return { status: res.status, text: await res.text() };
};
/** The `<td data-testid="file-usage">` of one file in /_files. */
async function usageCell(file: Uploaded): Promise<string> {
  const { text } = await html('/_files?limit=100');
  const row = new RegExp(`<tr data-media-id="${file.id}">[\\s\\S]*?<td data-testid="file-usage">([\\s\\S]*?)</td>`).exec(text);
  expect(row, `row of file ${file.id}`).not.toBeNull();
  return row![1]!;
}

describe('recording which pages use a file', () => {
  it('records an image and a link in a new page, and the API names the page with its path and title', async () => {
    const photo = await upload('photo.png');
    const report = await upload('report.pdf', 'application/pdf');
    const page = await createPage('/team/welcome', 'Welcome aboard', `${image(photo)}\n\nThe [report](${mediaPath(report.key)}).`);
    expect(await usedBy(photo)).toEqual({ live: 1, trashed: 0, pages: [{ id: page.id, path: '/team/welcome', title: 'Welcome aboard' }] });
    expect((await usedBy(report)).pages.map((p) => p.id)).toEqual([page.id]);
  });

  it('follows edits: a use removed from the text is gone, one added appears; a move or rename keeps the use under the new name', async () => {
    const before = await upload('before.png');
    const after = await upload('after.png');
    const page = await createPage('/edits/one', 'Edited page', image(before));
    await updatePage(page.id, { content: `Now: ${image(after)}` });
    expect(await usedBy(before)).toEqual({ live: 0, trashed: 0, pages: [] });
    expect(await usedOnPaths(after)).toEqual(['/edits/one']);

    await updatePage(page.id, { path: '/edits/moved', title: 'Moved page' });
    expect((await usedBy(after)).pages).toEqual([{ id: page.id, path: '/edits/moved', title: 'Moved page' }]);
  });

  it('does not count a path quoted as code or written as plain text', async () => {
    const quoted = await upload('quoted.png');
    await createPage('/quoting', 'Quoting', `\`${mediaPath(quoted.key)}\`\n\n    ${image(quoted)}\n\nSee ${mediaPath(quoted.key)}.`);
    expect((await usedBy(quoted)).live).toBe(0);
  });

  it('counts a trashed page apart, brings the use back on restore, and forgets it on purge', async () => {
    const file = await upload('trashy.png');
    const page = await createPage('/trash/user', 'Trash user', image(file));
    expect((await h.api(`/api/pages/${page.id}`, { method: 'DELETE', as: eve })).status).toBe(200);
    expect(await usedBy(file)).toEqual({ live: 0, trashed: 1, pages: [] });
    expect(await usageCell(file)).toContain('and 1 page in the trash');

    expect((await h.api(`/api/trash/${page.id}/restore`, { method: 'POST', as: eve })).status).toBe(200);
    expect(await usedOnPaths(file)).toEqual(['/trash/user']);

    expect((await h.api(`/api/pages/${page.id}`, { method: 'DELETE', as: eve })).status).toBe(200);
    expect((await h.api(`/api/trash/${page.id}`, { method: 'DELETE', as: admin })).status).toBe(204);
    expect(await usedBy(file)).toEqual({ live: 0, trashed: 0, pages: [] });
  });

  it('records the files of a page restored from an old revision', async () => {
    const old = await upload('old.png');
    const page = await createPage('/restore/me', 'Restore me', image(old));
    await updatePage(page.id, { content: 'No picture now.' });
    expect((await usedBy(old)).live).toBe(0);
    expect((await h.api(`/api/pages/${page.id}/revisions/1/restore`, { method: 'POST', as: eve })).status).toBe(200);
    expect(await usedOnPaths(old)).toEqual(['/restore/me']);
  });
});

describe('showing where a file is used', () => {
  it('lists up to three pages by title in the files list, then "and N more" linking to the file\'s page', async () => {
    const logo = await upload('logo.png');
    for (const n of [5, 4, 3, 2, 1]) await createPage(`/logo/p${n}`, `Logo page ${n}`, image(logo));
    const cell = await usageCell(logo);
    expect(cell).toContain('<a href="/logo/p1">Logo page 1</a>, <a href="/logo/p2">Logo page 2</a>, <a href="/logo/p3">Logo page 3</a>');
    expect(cell).toContain(` and <a href="/_files/${logo.id}">2 more</a>`);

    const single = await upload('single.png');
    await createPage('/single', 'Only <one>', image(single));
    expect(await usageCell(single)).toBe('<a href="/single">Only &lt;one&gt;</a>');
    expect(await usageCell(await upload('unused.png'))).toBe('<span class="muted">No page</span>');
  });

  it('gives each file a page with its facts, its Markdown and every page that uses it, to readers too', async () => {
    const chart = await upload('chart.png');
    await createPage('/charts/b', 'Bravo', image(chart));
    await createPage('/charts/a', 'Alpha', `[see the chart](${mediaPath(chart.key)})`);
    const { status, text } = await html(`/_files/${chart.id}`, rita);
    expect(status).toBe(200);
    expect(text).toContain('<h1 data-testid="file-name">chart.png</h1>');
    expect(text).toContain(`<img class="file-preview" src="${mediaPath(chart.key)}"`);
    expect(text).toContain(`<code data-testid="file-markdown">![chart](${mediaPath(chart.key)})</code>`);
    const listed = /<ul data-testid="file-pages">([\s\S]*?)<\/ul>/.exec(text)![1]!;
    expect([...listed.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['/charts/a', 'Alpha'],
      ['/charts/b', 'Bravo'],
    ]);
    // A reader may not delete it.
    expect(text).not.toContain('Delete forever');
  });

  it('warns, before a delete, how many pages will have a broken link', async () => {
    const used = await upload('used.png');
    await createPage('/warn/one', 'Warn one', image(used));
    await createPage('/warn/two', 'Warn two', image(used));
    const { text } = await html(`/_files/${used.id}`);
    expect(text).toContain('data-confirm="Delete &quot;used.png&quot; for good? 2 pages show or link to it: they will have a broken link."');
    expect(text).toContain(`action="/_files/${used.id}/delete"`);
    const unused = await upload('lonely.png');
    expect((await html(`/_files/${unused.id}`)).text).toContain('data-testid="file-unused"');
  });

  it('gives the number of pages using each file in GET /api/media', async () => {
    const listedFile = await upload('listed.png');
    await createPage('/listed', 'Listed', image(listedFile));
    const res = await h.api('/api/media?limit=100', { as: eve });
    expect(res.status).toBe(200);
    const item = res.body.items.find((i: { id: number }) => i.id === listedFile.id);
    expect(item.usedBy).toEqual({ live: 1, trashed: 0 });
  });

  it('answers an unknown file id with 404 as HTML and JSON, and an id beyond any integer with 400 (HTML, as the other pages) or 404 (API)', async () => {
    expect((await html('/_files/999999')).status).toBe(404);
    expect((await html('/_files/99999999999999999999')).status).toBe(400);
    const api = await h.api('/api/media/999999', { as: eve });
    expect(api.status).toBe(404);
    expect(api.body.error).toMatchObject({ code: 'not_found', message: 'No such file.' });
    expect((await h.api('/api/media/99999999999999999999', { as: eve })).status).toBe(404);
  });
});

describe('pages saved before uses were recorded', () => {
  it('are scanned once from their stored HTML, in batches that resume where a start stopped', async () => {
    const files = await Promise.all(['b1.png', 'b2.png', 'b3.png'].map((name) => upload(name)));
    const pages = [];
    for (const [i, f] of files.entries()) pages.push(await createPage(`/backfill/p${i}`, `Backfill ${i}`, image(f)));
    // As the database stood before migration 0004 had been run: no uses recorded, the scan to do.
    await h.database.sql`delete from media_refs`;
    await h.database.sql`insert into media_refs_backfill (after_page_id) values (${pages[0]!.id})`;
    expect(await backfillMediaRefs(h.database.db)).toBe(2);
    // Resumed after the first page: it is left for its next save, the others are recorded.
    expect((await usedBy(files[0]!)).live).toBe(0);
    expect(await usedOnPaths(files[1]!)).toEqual(['/backfill/p1']);
    expect(await usedOnPaths(files[2]!)).toEqual(['/backfill/p2']);
    expect(await h.database.sql`select 1 from media_refs_backfill`).toHaveLength(0);
    // Done: another start scans nothing.
    await h.database.sql`delete from media_refs`;
    expect(await backfillMediaRefs(h.database.db)).toBe(0);
    expect((await usedBy(files[1]!)).live).toBe(0);
  });
});
