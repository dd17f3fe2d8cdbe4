// The files page (/_files) on a real instance app: real Postgres, the SigV4-checking S3 server, files
// uploaded through the instance's own media API, the page read and its forms posted as a browser without
// JavaScript would.
import { AwsClient } from 'aws4fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '#shared/identity';
import { mediaPath } from '#shared/media-contract';
import { formatBytes } from '#shared/media-policy';
import { identity } from './helpers/edge-keys.ts';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { objectAt as objectAtIn, storageClient, uploadFile, type Uploaded } from './helpers/uploads.ts';

const admin = identity({ sub: 'files-ada', username: 'ada', name: 'Ada Admin', plan: 'PRO', groups: ['/PRO'], roles: ['platform-admin'] });
const eve = identity({ sub: 'files-eve', username: 'eve', name: 'Eve Editor', plan: 'PRO', groups: ['/PRO'] });
const otto = identity({ sub: 'files-otto', username: 'otto', name: 'Otto Other', plan: 'PRO', groups: ['/PRO'] });
const rita = identity({ sub: 'files-rita', username: 'rita', name: 'Rita Reader', plan: 'PRO', groups: ['/PRO'] });

let h: InstanceHarness;
let s3: AwsClient;

beforeAll(async () => {
  h = await startInstance('instance1', undefined, { media: true });
  s3 = storageClient(h);
  const me = await h.api('/api/me', { as: rita });
  expect((await h.api(`/api/users/${me.body.user.id}`, { method: 'PUT', as: admin, body: { role: 'reader' } })).status).toBe(200);
});
afterAll(() => h.close());

const objectAt = (key: string) => objectAtIn(h, key);
const upload = (who: Identity, filename: string, contentType: string, size: number): Promise<Uploaded> => uploadFile(h, who, filename, contentType, size);

const stored = async (key: string) => (await s3.fetch(objectAt(key), { method: 'HEAD' })).status;
const recorded = async (id: number) => (await h.database.sql`select 1 from media where id = ${id}`).length === 1;
const storedBytes = async () => (await h.api('/api/media/usage', { as: admin })).body.storedBytes as number;

const page = async (path: string, as: Identity = eve) => {
  const res = await h.request(path, { as, headers: { accept: 'text/html' } });
  return { status: res.status, text: await res.text() };
};
const deleteForm = (action: string, as: Identity, headers: Record<string, string> = {}) =>
  h.request(action, { method: 'POST', as, body: new URLSearchParams(), headers: { accept: 'text/html', ...headers } });

/** The media ids a page of the list shows, in order. */
const listedIds = (html: string) => [...html.matchAll(/data-media-id="(\d+)"/g)].map((m) => Number(m[1]));
/** The `<tr>` of one file. */
const rowOf = (html: string, id: number) => {
  const match = new RegExp(`<tr data-media-id="${id}">([\\s\\S]*?)</tr>`).exec(html);
  expect(match, `row of file ${id}`).not.toBeNull();
  return match![1]!;
};

/** Every page of /_files from `start`, following the "Older" links. */
async function walkPages(start: string, as: Identity = eve): Promise<string[]> {
  const pages: string[] = [];
  let next: string | null = start;
  while (next) {
    const { status, text } = await page(next, as);
    expect(status).toBe(200);
    pages.push(text);
    next = /href="([^"]+)" rel="next"/.exec(text)?.[1]?.replaceAll('&amp;', '&') ?? null;
    expect(pages.length).toBeLessThan(50);
  }
  return pages;
}

describe('the files page', () => {
  it('lists the files newest first with name, type, size, uploader, date, a link to open each and one to its page', async () => {
    const photo = await upload(eve, 'Team photo.png', 'image/png', 3000);
    const minutes = await upload(otto, 'minutes.pdf', 'application/pdf', 1500);
    const logo = await upload(admin, 'logo.webp', 'image/webp', 2 * 1024 * 1024);

    const { status, text } = await page('/_files');
    expect(status).toBe(200);
    const ids = listedIds(text);
    expect(ids.slice(0, 3)).toEqual([logo.id, minutes.id, photo.id]);

    const photoRow = rowOf(text, photo.id);
    expect(photoRow).toContain(`<a href="/_files/${photo.id}" data-testid="file-link">Team photo.png</a>`);
    expect(photoRow).toContain(`<a href="${mediaPath(photo.key)}" aria-label="Open Team photo.png" data-testid="file-open">`);
    expect(photoRow).toContain('image/png');
    expect(photoRow).toContain(`<td data-testid="file-size">${formatBytes(3000)}</td>`);
    expect(photoRow).toContain('by Eve Editor');
    expect(photoRow).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}T[^"]+Z">\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/time>/);
    expect(rowOf(text, minutes.id)).toContain('by Otto Other');
    expect(rowOf(text, logo.id)).toContain('<td data-testid="file-size">2 MB</td>');
  });

  it('shows images as thumbnails through the authorised /_media/ path, other files by extension, and no signed storage URL', async () => {
    const image = await upload(eve, 'diagram.png', 'image/png', 100);
    const doc = await upload(eve, 'notes.txt', 'text/plain', 100);
    const { text } = await page('/_files');
    expect(rowOf(text, image.id)).toContain(`<img class="thumb" src="${mediaPath(image.key)}" alt="" loading="lazy"`);
    expect(rowOf(text, doc.id)).not.toContain('<img');
    expect(rowOf(text, doc.id)).toContain('>TXT</span>');
    // The page links only through the instance host; nothing signed that a cache could keep.
    expect(text).not.toMatch(/X-Amz-|x-amz-|Signature=/);
    expect(text).not.toContain(h.s3!.settings.endpoint);
  });

  it('pages the list with "Older" links, every file exactly once, and comes back to the newest', async () => {
    for (let i = 0; i < 5; i++) await upload(eve, `paging-${i}.txt`, 'text/plain', 10 + i);
    const all = (await h.database.sql<{ id: number }[]>`select id from media order by id desc`).map((r) => r.id);
    const pages = await walkPages('/_files?limit=2');
    expect(pages.map(listedIds)).toEqual(Array.from({ length: Math.ceil(all.length / 2) }, (_, i) => all.slice(i * 2, i * 2 + 2)));
    expect(pages[0]).toContain(`href="/_files?before=${all[1]}&amp;limit=2" rel="next"`);
    expect(pages[0]).not.toContain('data-testid="pager-first"');
    expect(pages.at(-1)).toContain('<a href="/_files" data-testid="pager-first">Newest</a>');
  });

  it('shows usage against the quota to an admin, as the settings page does, and not to an editor', async () => {
    const usage = (await h.api('/api/media/usage', { as: admin })).body;
    const forAdmin = await page('/_files', admin);
    expect(forAdmin.text).toContain('data-testid="storage-usage"');
    expect(forAdmin.text).toContain(`${usage.files} files, ${formatBytes(usage.storedBytes)} of 5 GB used`);
    expect((await page('/_files', eve)).text).not.toContain('data-testid="storage-usage"');
  });

  it('links "Files" in the wiki navigation', async () => {
    const nav = '<a href="/_pages">All pages</a><a href="/_changes" data-testid="recent-changes">Recent changes</a><a href="/_files">Files</a>';
    expect((await page('/_pages', rita)).text).toContain(nav);
    // A page view too: it is assembled as a string on the hot path (views/page-view-html.ts).
    expect((await h.api('/api/pages', { method: 'POST', as: eve, body: { path: '/files-nav', title: 'Files nav', content: 'x' } })).status).toBe(201);
    expect((await page('/files-nav', rita)).text).toContain(nav);
  });
});

describe('deleting from the files page', () => {
  it('gives a reader the list without Delete buttons and refuses a reader\'s POST with 403, keeping the file', async () => {
    const file = await upload(eve, 'kept.png', 'image/png', 64);
    const { status, text } = await page('/_files', rita);
    expect(status).toBe(200);
    expect(listedIds(text)).toContain(file.id);
    expect(text).not.toContain('/delete');
    expect(text).not.toContain('Delete forever');

    const res = await deleteForm(`/_files/${file.id}/delete`, rita);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Only the uploader or an admin can delete this file.');
    expect(await recorded(file.id)).toBe(true);
    expect(await stored(file.key)).toBe(200);
  });

  it('offers an editor Delete on their own files only and refuses another editor\'s file with 403', async () => {
    const mine = await upload(eve, 'mine.txt', 'text/plain', 10);
    const theirs = await upload(otto, 'theirs.txt', 'text/plain', 10);
    const { text } = await page('/_files', eve);
    expect(rowOf(text, mine.id)).toContain(`action="/_files/${mine.id}/delete"`);
    expect(rowOf(text, mine.id)).toContain('data-confirm="Delete &quot;mine.txt&quot; for good?');
    expect(rowOf(text, theirs.id)).not.toContain('/delete');

    const res = await h.request(`/_files/${theirs.id}/delete`, { method: 'POST', as: eve, body: new URLSearchParams(), headers: { accept: 'application/json' } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect(await recorded(theirs.id)).toBe(true);
    expect(await stored(theirs.key)).toBe(200);
  });

  it('lets an editor delete their own file: the object leaves storage, the record the list, and usage drops', async () => {
    const file = await upload(eve, 'old draft.pdf', 'application/pdf', 4096);
    const before = await storedBytes();
    expect(await stored(file.key)).toBe(200);

    const res = await deleteForm(`/_files/${file.id}/delete`, eve);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/_files');
    expect(await stored(file.key)).toBe(404);
    expect(await recorded(file.id)).toBe(false);
    expect(await storedBytes()).toBe(before - 4096);
    expect(listedIds((await page('/_files')).text)).not.toContain(file.id);
    // Deleted as the API deletes: the key is tombstoned while its upload URL could still put it back.
    expect((await h.database.sql`select 1 from media_tombstones where key = ${file.key}`).length).toBe(1);
  });

  it('lets an admin delete anyone\'s file and comes back to the same page of the list', async () => {
    for (let i = 0; i < 4; i++) await upload(otto, `otto-${i}.txt`, 'text/plain', 20);
    const first = await page('/_files?limit=2', admin);
    const newest = listedIds(first.text)[0]!;
    expect(first.text).toContain(`action="/_files/${newest}/delete?limit=2"`);
    const fromFirst = await deleteForm(`/_files/${newest}/delete?limit=2`, admin);
    expect(fromFirst.status).toBe(303);
    expect(fromFirst.headers.get('location')).toBe('/_files?limit=2');
    expect(await recorded(newest)).toBe(false);

    const older = /href="\/_files\?before=(\d+)&amp;limit=2" rel="next"/.exec((await page('/_files?limit=2', admin)).text)![1]!;
    const second = await page(`/_files?before=${older}&limit=2`, admin);
    const target = listedIds(second.text)[0]!;
    const [row] = await h.database.sql<{ key: string }[]>`select key from media where id = ${target}`;
    expect(second.text).toContain(`action="/_files/${target}/delete?before=${older}&amp;limit=2"`);

    const res = await deleteForm(`/_files/${target}/delete?before=${older}&limit=2`, admin);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/_files?before=${older}&limit=2`);
    expect(await recorded(target)).toBe(false);
    expect(await stored(row!.key)).toBe(404);
  });

  it('refuses a post from another site (the forms\' CSRF check) and deletes nothing', async () => {
    const file = await upload(eve, 'csrf.txt', 'text/plain', 10);
    for (const site of ['cross-site', 'same-site']) {
      expect((await deleteForm(`/_files/${file.id}/delete`, eve, { 'sec-fetch-site': site })).status).toBe(403);
    }
    expect(await recorded(file.id)).toBe(true);
    expect(await stored(file.key)).toBe(200);
    expect((await deleteForm(`/_files/${file.id}/delete`, eve, { 'sec-fetch-site': 'same-origin' })).status).toBe(303);
  });
});

describe('bad input to the files page', () => {
  it('answers a cursor or page size that is not one the list gave out with 400, as HTML or JSON', async () => {
    for (const query of ['before=abc', 'before=1.5', 'before=-3', 'before=3000000000', 'limit=x']) {
      const asPage = await page(`/_files?${query}`);
      expect(asPage.status, query).toBe(400);
      expect(asPage.text).toContain('Request id:');
      const asJson = await h.api(`/_files?${query}`, { as: eve });
      expect(asJson.status, query).toBe(400);
      expect(asJson.body.error.code).toBe('validation_failed');
    }
  });

  it('checks the cursor a Delete form carries before deleting anything', async () => {
    const file = await upload(eve, 'cursor.txt', 'text/plain', 10);
    expect((await deleteForm(`/_files/${file.id}/delete?before=nope`, eve)).status).toBe(400);
    expect(await recorded(file.id)).toBe(true);
  });

  it('answers an unknown or malformed id with 404 or 400 and changes nothing', async () => {
    const count = async () => Number((await h.database.sql<{ n: string }[]>`select count(*)::text as n from media`)[0]!.n);
    const bytes = await storedBytes();
    const files = await count();
    const [last] = await h.database.sql<{ max: number }[]>`select coalesce(max(id), 0)::int as max from media`;
    expect((await deleteForm(`/_files/${last!.max + 1000}/delete`, admin)).status).toBe(404);
    expect((await deleteForm('/_files/99999999999/delete', admin)).status).toBe(404);
    expect((await deleteForm('/_files/abc/delete', admin)).status).toBe(400);
    expect((await deleteForm('/_files/0/delete', admin)).status).toBe(400);
    expect(await count()).toBe(files);
    expect(await storedBytes()).toBe(bytes);
  });

  it('never deletes another instance\'s object: a record holding its key (a database restored into the wrong instance) is a 404', async () => {
    // instance2's upload, in the same bucket as every tenant's.
    const foreignKey = 'tenants/instance2/uploads/2026/01/0123456789abcdef0123456789abcdef/their-plan.pdf';
    expect((await s3.fetch(objectAt(foreignKey), { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: 'theirs' })).status).toBe(200);
    const [row] = await h.database.sql<{ id: number }[]>`
      insert into media (key, filename, content_type, size) values (${foreignKey}, 'their-plan.pdf', 'application/pdf', 6) returning id`;

    const res = await deleteForm(`/_files/${row!.id}/delete`, admin);
    expect(res.status).toBe(404);
    expect(await stored(foreignKey)).toBe(200);
    expect(await recorded(row!.id)).toBe(true);
    // The API is the same function: the same answer.
    expect((await h.api(`/api/media/${row!.id}`, { method: 'DELETE', as: admin })).status).toBe(404);
    expect(await stored(foreignKey)).toBe(200);
    await h.database.sql`delete from media where id = ${row!.id}`;
  });
});

describe('an instance without file storage', () => {
  let bare: InstanceHarness;
  beforeAll(async () => {
    bare = await startInstance('instance3', h.edge);
  });
  afterAll(() => bare.close());

  it('has no files page and no "Files" link', async () => {
    const res = await bare.request('/_files', { as: eve, headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    const home = await (await bare.request('/_pages', { as: eve, headers: { accept: 'text/html' } })).text();
    expect(home).toContain('<a href="/_pages">All pages</a>');
    expect(home).not.toContain('href="/_files"');
    expect((await bare.request('/_files/1/delete', { method: 'POST', as: eve, body: new URLSearchParams() })).status).toBe(404);
  });
});
