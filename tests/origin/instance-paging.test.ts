// The lists of the origin page with a cursor: walking `next` from the first page to the one whose `next` is
// null gives every row exactly once, in the list's order, in the API and in the browser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identity } from './helpers/edge-keys.ts';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { admin, createPage, editor } from './helpers/people.ts';

let h: InstanceHarness;
beforeAll(async () => {
  h = await startInstance('instance1');
});
afterAll(() => h.close());

/** Follows `next` from `first` (which carries `?limit=`), passing it back as `cursor`; every answer's list. */
async function walk<T>(first: string, list: string, cursor: 'before' | 'after', as = editor): Promise<T[][]> {
  const pages: T[][] = [];
  let url = first;
  for (let i = 0; i < 50; i++) {
    const res = await h.api(url, { as });
    expect(res.status, url).toBe(200);
    expect(res.body, url).toHaveProperty('next');
    pages.push(res.body[list]);
    if (res.body.next === null) return pages;
    url = `${first}&${cursor}=${encodeURIComponent(res.body.next)}`;
  }
  throw new Error(`${first}: next never became null`);
}

/** Follows the "Older"/"Next" link of an HTML list; every page's HTML. */
async function walkHtml(first: string, as = editor): Promise<string[]> {
  const pages: string[] = [];
  let url: string | undefined = first;
  for (let i = 0; url && i < 50; i++) {
    const res = await h.request(url, { as, headers: { accept: 'text/html' } });
    expect(res.status, url).toBe(200);
    const html = await res.text();
    pages.push(html);
    url = /<a href="([^"]+)" rel="next"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
  }
  return pages;
}

describe('GET /api/pages', () => {
  const paths = ['/paging/p04', '/paging/p01', '/paging/p07', '/paging', '/paging/p03', '/paging/p06', '/paging/p02', '/paging/p05'];
  beforeAll(async () => {
    for (const path of paths) await createPage(h, { path, title: `Paging ${path}`, content: '' });
  });

  it('walks every live page under a prefix once, in path order, three at a time', async () => {
    const pages = await walk<{ path: string; title: string; id: number }>('/api/pages?prefix=/paging&limit=3', 'pages', 'after');
    expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
    expect(pages.flat().map((p) => p.path)).toEqual([...paths].sort());
    expect(pages[0]![0]).toMatchObject({ path: '/paging', title: 'Paging /paging', id: expect.any(Number) }); // the fields callers had
  });

  it('answers next null on a last page that is exactly full', async () => {
    const res = await h.api('/api/pages?prefix=/paging&limit=8', { as: editor });
    expect(res.body.pages).toHaveLength(8);
    expect(res.body.next).toBeNull();
  });

  it('takes the last path of a page as the cursor, so a page added before it does not shift the rest', async () => {
    const first = await h.api('/api/pages?prefix=/paging&limit=3', { as: editor });
    expect(first.body.next).toBe('/paging/p02');
    await createPage(h, { path: '/paging/p00', title: 'Added meanwhile', content: '' });
    const second = await h.api(`/api/pages?prefix=/paging&limit=3&after=${encodeURIComponent(first.body.next)}`, { as: editor });
    expect(second.body.pages.map((p: { path: string }) => p.path)).toEqual(['/paging/p03', '/paging/p04', '/paging/p05']);
  });

  it('answers 50 pages by default and at most 100 however many are asked for', async () => {
    for (let i = 0; i < 110; i++) await createPage(h, { path: `/many/m${String(i).padStart(3, '0')}`, title: `Many ${i}`, content: '' });
    expect((await h.api('/api/pages?prefix=/many', { as: editor })).body.pages).toHaveLength(50);
    const big = await h.api('/api/pages?prefix=/many&limit=1000', { as: editor });
    expect(big.body.pages).toHaveLength(100);
    expect(big.body.next).toBe('/many/m099');
  });
});

describe('GET /api/pages/:id/revisions', () => {
  let page: { id: number; path: string };
  beforeAll(async () => {
    page = await createPage(h, { path: '/paging-history', title: 'History', content: 'r1' });
    for (let revision = 1; revision < 8; revision++) {
      const res = await h.api(`/api/pages/${page.id}`, { method: 'PUT', as: editor, body: { revision, content: `r${revision + 1}` } });
      expect(res.status).toBe(200);
    }
  });

  it('walks revisions 8 to 1 once, newest first, three at a time', async () => {
    const pages = await walk<{ revision: number; authorName: string }>(`/api/pages/${page.id}/revisions?limit=3`, 'revisions', 'before');
    expect(pages.map((p) => p.map((r) => r.revision))).toEqual([[8, 7, 6], [5, 4, 3], [2, 1]]);
    expect(pages[0]![0]).toMatchObject({ revision: 8, authorName: expect.any(String), createdAt: expect.any(String) });
  });

  it('answers next null on a last page that is exactly full', async () => {
    const pages = await walk<{ revision: number }>(`/api/pages/${page.id}/revisions?limit=4`, 'revisions', 'before');
    expect(pages.map((p) => p.length)).toEqual([4, 4]);
  });

  it('pages the history in the browser with an "Older" link and comes back to the newest', async () => {
    const html = await walkHtml('/_history/paging-history?limit=3');
    expect(html).toHaveLength(3);
    const revisions = html.map((page) => [...page.matchAll(/data-revision="(\d+)"/g)].map((m) => Number(m[1])));
    expect(revisions).toEqual([[8, 7, 6], [5, 4, 3], [2, 1]]);
    expect(html[0]).toContain('href="/_history/paging-history?before=6&amp;limit=3" rel="next"');
    expect(html[0]).not.toContain('data-testid="pager-first"');
    expect(html[2]).not.toContain('rel="next"');
    expect(html[2]).toContain('<a href="/_history/paging-history" data-testid="pager-first">Newest</a>');
  });
});

describe('GET /api/trash', () => {
  const ids: number[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 5; i++) {
      const page = await createPage(h, { path: `/trash-paging/t${i}`, title: `Trash ${i}`, content: '' });
      expect((await h.api(`/api/pages/${page.id}`, { method: 'DELETE', as: editor })).status).toBe(200);
      ids.push(page.id);
    }
    // Deletion times a microsecond apart, and two in the same microsecond (one transaction trashing two):
    // a cursor that kept only milliseconds, or no id tiebreak, would repeat or skip rows.
    const at = ['2024-05-01 12:00:00.000003+00', '2024-05-01 12:00:00.000001+00', '2024-05-01 12:00:00.000002+00', '2024-05-01 12:00:00.000002+00', '2024-05-01 12:00:00+00'];
    for (const [i, id] of ids.entries()) await h.database.sql`update pages set deleted_at = ${at[i]!}::timestamptz where id = ${id}`;
  });
  // Newest deletion first; the two deleted in the same microsecond by id, higher first.
  const expected = () => [ids[0], ids[3], ids[2], ids[1], ids[4]];

  it('walks the trash once, most recently deleted first, two at a time', async () => {
    const pages = await walk<{ id: number; path: string; deletedAt: string; deletedBy: string }>('/api/trash?limit=2', 'pages', 'before');
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((p) => p.id)).toEqual(expected());
    expect(pages[0]![0]).toMatchObject({ path: '/trash-paging/t0', title: 'Trash 0', deletedAt: '2024-05-01T12:00:00.000Z', deletedBy: expect.any(String) });
  });

  it('pages the trash in the browser with an "Older" link', async () => {
    const html = await walkHtml('/_trash?limit=2');
    expect(html.map((page) => [...page.matchAll(/data-page-id="(\d+)"/g)].map((m) => Number(m[1]))).flat()).toEqual(expected());
    expect(html[2]).toContain('data-testid="pager-first">Latest</a>');
  });

  it('comes back to the same page of the trash after a purge', async () => {
    const first = await h.api('/api/trash?limit=2', { as: admin });
    const before = encodeURIComponent(first.body.next);
    const html = await (await h.request(`/_trash?limit=2&before=${before}`, { as: admin, headers: { accept: 'text/html' } })).text();
    expect(html).toContain(`action="/_trash/${ids[2]}/purge?before=${before}&amp;limit=2"`);
    const res = await h.request(`/_trash/${ids[2]}/purge?before=${before}&limit=2`, { method: 'POST', as: admin, body: new URLSearchParams() });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/_trash?before=${before}&limit=2`);
    const rest = await walk<{ id: number }>('/api/trash?limit=2', 'pages', 'before', admin);
    expect(rest.flat().map((p) => p.id)).toEqual(expected().filter((id) => id !== ids[2]));
  });
});

describe('GET /api/users', () => {
  beforeAll(async () => {
    // Names that differ only in case, and the same name twice: the order is case-insensitive, ties by id.
    for (const [sub, name] of [['u-carol', 'Carol'], ['u-bob1', 'bob'], ['u-alice', 'alice'], ['u-bob2', 'Bob'], ['u-bob3', 'bob'], ['u-dave', 'Dave']]) {
      expect((await h.request('/', { as: identity({ sub, name, username: sub, email: `${sub}@example.test` }) })).status).toBe(200);
    }
  });
  const expectedIds = async () => (await h.database.sql<{ id: number }[]>`select id from users order by lower(name), id`).map((r) => r.id);

  it('walks every person once, by name and then id, two at a time', async () => {
    const pages = await walk<{ id: number; name: string; email?: string }>('/api/users?limit=2', 'users', 'after', admin);
    const all = pages.flat();
    expect(all.map((u) => u.id)).toEqual(await expectedIds());
    expect(all.length).toBeGreaterThanOrEqual(7);
    const bobs = all.filter((u) => u.name.toLowerCase() === 'bob');
    expect(bobs.map((u) => u.id)).toEqual([...bobs.map((u) => u.id)].sort((a, b) => a - b));
    expect(all.find((u) => u.name === 'Carol')).toMatchObject({ email: 'u-carol@example.test', role: null }); // the fields callers had
    expect((await h.api('/api/users?limit=2', { as: admin })).body.defaultRole).toBe('editor');
  });

  it('keeps a cursor valid when the person it ends on is renamed meanwhile', async () => {
    const first = await h.api('/api/users?limit=3', { as: admin });
    const last = first.body.users.at(-1);
    expect(last.username).toMatch(/^u-/); // one of ours: its sub is its username
    await h.request('/', { as: identity({ sub: last.username, name: 'Zz Renamed', username: last.username, email: `${last.username}@example.test` }) });
    const second = await h.api(`/api/users?limit=3&after=${encodeURIComponent(first.body.next)}`, { as: admin });
    const ids = await expectedIds();
    // The next page starts where the first ended, though the renamed person now sorts last.
    expect(second.body.users.map((u: { id: number }) => u.id)).toEqual(ids.filter((id) => id !== last.id).slice(2, 5));
  });

  it('pages people in the browser with a "Next" link and sends a role change back to the same page', async () => {
    const html = await walkHtml('/_people?limit=2', admin);
    const ids = html.flatMap((page) => [...page.matchAll(/action="\/_people\/(\d+)/g)].map((m) => Number(m[1])));
    expect(ids).toEqual(await expectedIds());
    const after = /href="\/_people\?after=([^&"]+)&amp;limit=2" rel="next"/.exec(html[0]!)?.[1];
    expect(after).toBeDefined();
    const res = await h.request(`/_people/${ids[2]}?after=${after}&limit=2`, { method: 'POST', as: admin, body: new URLSearchParams({ role: 'reader' }) });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/_people?after=${after}&limit=2`);
  });
});

describe('the API description', () => {
  it('describes limit, the cursor and next for every paged list', async () => {
    const res = await h.api('/api/openapi.json', { as: editor });
    for (const [path, cursor] of [['/api/pages', 'after'], ['/api/pages/{id}/revisions', 'before'], ['/api/trash', 'before'], ['/api/users', 'after']] as const) {
      const get = res.body.paths[path].get;
      expect(get.parameters.map((p: { name: string }) => p.name), path).toEqual(expect.arrayContaining(['limit', cursor]));
      expect(get.responses['200'].content['application/json'].schema.required, path).toContain('next');
      expect(get.responses, path).toHaveProperty('400');
    }
  });
});
