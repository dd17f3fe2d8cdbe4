// Recent changes (GET /api/changes, /_changes) on real Postgres: what each kind of change looks like, who
// sees what of the trash, purged pages gone, paging through ties, bad input, and the migration's backfill.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../origin/common/database.ts';
import { MIGRATIONS } from '../../origin/migrations.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { admin, createPage, demoteReader, editor, reader } from './helpers/people.ts';

let h: InstanceHarness;
beforeAll(async () => {
  h = await startInstance('instance1');
  await demoteReader(h);
});
afterAll(() => h.close());

interface Change {
  kind: string;
  pageId: number;
  revision: number;
  path: string;
  title: string;
  previousPath: string | null;
  previousTitle: string | null;
  currentPath: string;
  trashed: boolean;
  restoredFrom: number | null;
  message: string | null;
  authorName: string | null;
  createdAt: string;
  links: { page: string | null; revision: string | null; diff: string | null };
}

const changes = async (query: string, as = editor): Promise<{ changes: Change[]; next: string | null }> => {
  const res = await h.api(`/api/changes${query}`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const html = async (path: string, as = editor) => {
  const res = await h.request(path, { as, headers: { accept: 'text/html' } });
  return { status: res.status, text: await res.text() };
};
const edit = async (id: number, body: Record<string, unknown>, as = editor) => {
  const res = await h.api(`/api/pages/${id}`, { method: 'PUT', as, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { revision: number };
};
const trash = async (id: number, as = editor) => expect((await h.api(`/api/pages/${id}`, { method: 'DELETE', as })).status).toBe(200);
const untrash = async (id: number, as = editor) => expect((await h.api(`/api/trash/${id}/restore`, { method: 'POST', as })).status).toBe(200);

/** Follows `next` from the query `first` (`?…`), passing it back as `before`; every answer's list. */
async function walk(first: string, as = editor): Promise<Change[][]> {
  const pages: Change[][] = [];
  let url = first;
  for (let i = 0; i < 50; i++) {
    const body = await changes(url, as);
    pages.push(body.changes);
    if (body.next === null) return pages;
    url = `${first}&before=${encodeURIComponent(body.next)}`;
  }
  throw new Error(`${first}: next never became null`);
}

describe('GET /api/changes', () => {
  let id: number;
  beforeAll(async () => {
    id = (await createPage(h, { path: '/rc/alpha', title: 'Alpha', content: 'one' })).id;
    await edit(id, { revision: 1, content: 'one, two', message: 'Second thought' }, admin);
    await edit(id, { revision: 2, path: '/rc/beta' });
    await edit(id, { revision: 3, title: 'Beta' }, admin);
    expect((await h.api(`/api/pages/${id}/revisions/2/restore`, { method: 'POST', as: admin })).status).toBe(200);
    await trash(id);
    await untrash(id, admin);
  });

  it('lists a page’s creation, edit, move, rename, restore of a revision, trashing and restore from the trash, newest first, with who did each', async () => {
    const { changes: list, next } = await changes('?path=/rc');
    expect(next).toBeNull();
    expect(list.map((c) => [c.kind, c.revision, c.authorName])).toEqual([
      ['restored_from_trash', 5, 'Ada Admin'],
      ['trashed', 5, 'Eddie Editor'],
      ['restored_revision', 5, 'Ada Admin'],
      ['renamed', 4, 'Ada Admin'],
      ['moved', 3, 'Eddie Editor'],
      ['edited', 2, 'Ada Admin'],
      ['created', 1, 'Eddie Editor'],
    ]);
    const times = list.map((c) => Date.parse(c.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(list.every((c) => c.pageId === id && c.currentPath === '/rc/beta' && !c.trashed)).toBe(true);
  });

  it('gives each change the path, title and note as of then, what a move or rename replaced, and what a restore brought back', async () => {
    const list = (await changes('?path=/rc')).changes;
    const byRevision = (kind: string) => list.find((c) => c.kind === kind);
    expect(byRevision('created')).toMatchObject({ path: '/rc/alpha', title: 'Alpha', message: 'Created', previousPath: null, previousTitle: null });
    expect(byRevision('edited')).toMatchObject({ path: '/rc/alpha', message: 'Second thought' });
    expect(byRevision('moved')).toMatchObject({ path: '/rc/beta', title: 'Alpha', previousPath: '/rc/alpha', previousTitle: null });
    expect(byRevision('renamed')).toMatchObject({ path: '/rc/beta', title: 'Beta', previousPath: null, previousTitle: 'Alpha' });
    expect(byRevision('restored_revision')).toMatchObject({ title: 'Alpha', previousTitle: 'Beta', restoredFrom: 2, message: 'Restored revision 2' });
    expect(byRevision('trashed')).toMatchObject({ path: '/rc/beta', title: 'Alpha', message: null, restoredFrom: null });
  });

  it('links each change to the page where it is now, its revision and its diff, and each link answers', async () => {
    const list = (await changes('?path=/rc')).changes;
    const edited = list.find((c) => c.kind === 'edited')!;
    expect(edited.links).toEqual({ page: '/rc/beta', revision: '/_revision/rc/beta?rev=2', diff: '/_diff/rc/beta?from=1&to=2' });
    expect(list.find((c) => c.kind === 'created')!.links.diff).toBeNull();
    expect(list.find((c) => c.kind === 'trashed')!.links).toEqual({ page: '/rc/beta', revision: null, diff: null });
    for (const url of list.flatMap((c) => Object.values(c.links)).filter((u): u is string => u !== null)) {
      expect((await html(url)).status, url).toBe(200);
    }
    const diff = await html(edited.links.diff!);
    expect(diff.text).toContain('+ one, two');
  });

  it('filters by path: the page itself and below, not a sibling whose name only starts the same', async () => {
    const sibling = await createPage(h, { path: '/rc-sibling', title: 'Sibling', content: '' });
    const child = await createPage(h, { path: '/rc/beta/child', title: 'Child', content: '' });
    const underRc = (await changes('?path=/rc')).changes.map((c) => c.pageId);
    expect(underRc).toContain(child.id);
    expect(underRc).not.toContain(sibling.id);
    expect((await changes('?path=/rc/beta')).changes.map((c) => [c.pageId, c.kind])).toEqual([
      [child.id, 'created'],
      [id, 'restored_from_trash'],
      [id, 'trashed'],
      [id, 'restored_revision'],
      [id, 'renamed'],
      [id, 'moved'], // moved in: its path as of this change is /rc/beta
    ]);
    // "/RC/Beta/" finds the same subtree, as a page path would.
    expect((await changes('?path=%2FRC%2FBeta%2F')).changes).toHaveLength(6);
  });

  it('keeps a move out of a subtree in that subtree’s changes', async () => {
    const page = await createPage(h, { path: '/rc-out/leaving', title: 'Leaving', content: '' });
    await edit(page.id, { revision: 1, path: '/elsewhere/left' });
    expect((await changes('?path=/rc-out')).changes.map((c) => [c.kind, c.path, c.previousPath])).toEqual([
      ['moved', '/elsewhere/left', '/rc-out/leaving'],
      ['created', '/rc-out/leaving', null],
    ]);
  });
});

describe('the trash in recent changes', () => {
  let secret: { id: number };
  beforeAll(async () => {
    secret = await createPage(h, { path: '/rc-trash/salaries', title: 'Salaries', content: 'salary list' });
    await edit(secret.id, { revision: 1, content: 'salary list v2', message: 'raise for everyone' });
    await trash(secret.id);
  });

  it('shows editors a trashed page’s changes marked as trashed, with no link to a page that would answer 404', async () => {
    const list = (await changes('?path=/rc-trash')).changes;
    expect(list.map((c) => c.kind)).toEqual(['trashed', 'edited', 'created']);
    for (const c of list) {
      expect(c.trashed).toBe(true);
      expect(c.links).toEqual({ page: null, revision: null, diff: null });
    }
    const page = await html('/_changes?path=/rc-trash');
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="in-trash"');
    expect(page.text).toContain('<a href="/_trash">trash</a>');
    expect(page.text).not.toContain('href="/rc-trash/salaries"');
    expect(page.text).not.toContain('/_revision/rc-trash');
  });

  it('shows readers nothing of a page in the trash, as its history is hidden from them', async () => {
    const api = await h.api('/api/changes', { as: reader });
    expect(api.status).toBe(200);
    expect(api.body.changes.map((c: Change) => c.pageId)).not.toContain(secret.id);
    expect(JSON.stringify(api.body)).not.toMatch(/salar/i);
    const page = await html('/_changes', reader);
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/salar/i);
  });

  it('shows readers the changes of live pages, a restored one included', async () => {
    const page = await createPage(h, { path: '/rc-trash/back', title: 'Back again', content: '' });
    await trash(page.id);
    expect((await changes('?path=/rc-trash/back', reader)).changes).toEqual([]);
    await untrash(page.id);
    expect((await changes('?path=/rc-trash/back', reader)).changes.map((c) => c.kind)).toEqual(['restored_from_trash', 'trashed', 'created']);
    const seen = await html('/_changes?path=/rc-trash/back', reader);
    expect(seen.text).toContain('<a href="/rc-trash/back">Back again</a>');
  });

  it('forgets every change of a purged page', async () => {
    const page = await createPage(h, { path: '/rc-trash/purged', title: 'Purged', content: 'gone soon' });
    await edit(page.id, { revision: 1, content: 'gone' });
    await trash(page.id);
    await untrash(page.id);
    await trash(page.id);
    expect((await changes('?path=/rc-trash/purged')).changes).toHaveLength(5);
    expect((await h.api(`/api/trash/${page.id}`, { method: 'DELETE', as: admin })).status).toBe(204);
    expect((await changes('?path=/rc-trash/purged', admin)).changes).toEqual([]);
    const everything = (await walk('?limit=100', admin)).flat();
    expect(everything.map((c) => c.pageId)).not.toContain(page.id);
    const [left] = await h.database.sql<{ n: number }[]>`
      select (select count(*) from revisions where page_id = ${page.id})::int + (select count(*) from trash_events where page_id = ${page.id})::int as n`;
    expect(left!.n).toBe(0);
  });
});

describe('paging through recent changes', () => {
  const key = (c: Pick<Change, 'kind' | 'pageId' | 'revision'>) => `${c.kind}:${c.pageId}:${c.revision}`;
  let expected: string[];
  beforeAll(async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const page = await createPage(h, { path: `/rc-tie/p${i}`, title: `Tie ${i}`, content: 'x' });
      await edit(page.id, { revision: 1, content: 'y' });
      ids.push(page.id);
    }
    await trash(ids[1]!);
    await untrash(ids[1]!);
    await trash(ids[3]!);
    // Every change of these pages at one instant (as one transaction would write them), but for one a
    // microsecond earlier: a cursor that dropped microseconds, or had no tiebreak, would repeat or skip.
    const at = '2024-05-01 12:00:00.000002+00';
    await h.database.sql`update revisions set created_at = ${at}::timestamptz where page_id in ${h.database.sql(ids)}`;
    await h.database.sql`update trash_events set created_at = ${at}::timestamptz where page_id in ${h.database.sql(ids)}`;
    await h.database.sql`update revisions set created_at = created_at - interval '1 microsecond' where page_id = ${ids[4]!} and revision = 1`;
    // At one instant: trash moves first, then revisions, each by id, newest first.
    const events = await h.database.sql<{ page_id: number; revision: number; kind: string }[]>`
      select page_id, revision, kind from trash_events where page_id in ${h.database.sql(ids)} order by id desc`;
    const revisions = await h.database.sql<{ page_id: number; revision: number }[]>`
      select page_id, revision from revisions where page_id in ${h.database.sql(ids)} order by (page_id = ${ids[4]!} and revision = 1), id desc`;
    expected = [
      ...events.map((e) => `${e.kind === 'trashed' ? 'trashed' : 'restored_from_trash'}:${e.page_id}:${e.revision}`),
      ...revisions.map((r) => `${r.revision === 1 ? 'created' : 'edited'}:${r.page_id}:${r.revision}`),
    ];
    expect(expected).toHaveLength(13);
  });

  it('walks changes made at the same instant two at a time, each exactly once, in a fixed order', async () => {
    const pages = await walk('?path=/rc-tie&limit=2');
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 2, 2, 2, 1]);
    expect(pages.flat().map(key)).toEqual(expected);
  });

  it('answers next null on a last page that is exactly full', async () => {
    const body = await changes('?path=/rc-tie&limit=13');
    expect(body.changes).toHaveLength(13);
    expect(body.next).toBeNull();
  });

  it('pages in the browser with an "Older" link that keeps the filter and size, and comes back to the latest', async () => {
    const seen: string[] = [];
    const htmlPages: string[] = [];
    let url: string | undefined = '/_changes?path=/rc-tie&limit=5';
    for (let i = 0; url && i < 10; i++) {
      const page = await html(url);
      expect(page.status, url).toBe(200);
      htmlPages.push(page.text);
      for (const m of page.text.matchAll(/data-kind="([a-z_]+)" data-page-id="(\d+)" data-revision="(\d+)"/g)) seen.push(`${m[1]}:${m[2]}:${m[3]}`);
      url = /<a href="([^"]+)" rel="next"/.exec(page.text)?.[1]?.replaceAll('&amp;', '&');
      if (url) expect(url).toMatch(/^\/_changes\?path=%2Frc-tie&before=[A-Za-z0-9_-]+&limit=5$/);
    }
    expect(seen).toEqual(expected);
    expect(htmlPages).toHaveLength(3);
    expect(htmlPages[0]).not.toContain('data-testid="pager-first"');
    expect(htmlPages[2]).not.toContain('rel="next"');
    expect(htmlPages[2]).toContain('<a href="/_changes?path=%2Frc-tie" data-testid="pager-first">Latest</a>');
  });

  it('answers 50 changes by default and at most 100 however many are asked for', async () => {
    expect((await changes('')).changes.length).toBeLessThanOrEqual(50);
    const many = await changes('?limit=1000');
    expect(many.changes.length).toBeLessThanOrEqual(100);
    const total = (await walk('?limit=100')).flat().length;
    expect((await changes('')).changes).toHaveLength(Math.min(50, total));
    expect(many.changes).toHaveLength(Math.min(100, total));
  });
});

describe('bad input to recent changes', () => {
  const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('refuses a bad cursor, limit or path with a 400 in the error shape, never a 500', async () => {
    for (const query of [
      '?before=not-a-cursor!',
      `?before=${forged([1, 2])}`,
      `?before=${forged([1_714_564_800_000_000, 7, 1])}`, // a source that does not exist
      `?before=${forged(['2024-05-01', 0, 1])}`,
      `?before=${forged([1_714_564_800_000_000, 0, 3_000_000_000])}`, // beyond an int id
      '?limit=ten',
      '?limit=-1',
      '?limit=99999999999',
      '?path=/api/pages',
      '?path=/a/../b',
      '?path=%2F%25%25',
    ]) {
      const res = await h.api(`/api/changes${query}`, { as: editor });
      expect(res.status, query).toBe(400);
      expect(res.body.error, query).toMatchObject({ code: 'validation_failed', message: expect.any(String), requestId: expect.any(String) });
    }
  });

  it('answers the browser’s bad input with a 400 page', async () => {
    const page = await html('/_changes?before=garbage');
    expect(page.status).toBe(400);
    expect(page.text).toContain('before: not a cursor this list gave out');
  });

  it('takes a cursor that points past every change as an empty last page', async () => {
    const body = await changes(`?before=${forged([0, 0, 1])}`);
    expect(body).toEqual({ changes: [], next: null });
  });
});

describe('recent changes in the wiki', () => {
  it('links "Recent changes" from every page’s navigation, for readers too', async () => {
    await createPage(h, { path: '/rc-nav', title: 'Nav', content: 'a page view, rendered by its own fast path' });
    for (const path of ['/rc-nav', '/_pages', '/_changes', '/no-such-page']) {
      const page = await html(path, reader);
      expect(page.text, path).toMatch(/<nav class="actions" aria-label="Wiki">.*<a href="\/_changes" data-testid="recent-changes">Recent changes<\/a>/s);
    }
  });

  it('renders each change with the page, the revision, the diff, the note and the author, escaping titles', async () => {
    const page = await createPage(h, { path: '/rc-html/escape', title: '<b>Bold</b> & co', content: 'a' });
    await edit(page.id, { revision: 1, content: 'b', message: 'Note <i>here</i>' });
    const { status, text } = await html('/_changes?path=/rc-html', reader);
    expect(status).toBe(200);
    expect(text).toContain(`<tr data-kind="edited" data-page-id="${page.id}" data-revision="2">`);
    expect(text).toContain('<a href="/rc-html/escape">&lt;b&gt;Bold&lt;/b&gt; &amp; co</a>');
    expect(text).toContain('<a href="/_revision/rc-html/escape?rev=2">#2</a>');
    expect(text).toContain('<a href="/_diff/rc-html/escape?from=1&amp;to=2">diff</a>');
    expect(text).toContain('Note &lt;i&gt;here&lt;/i&gt;');
    expect(text).toContain('Eddie Editor');
    expect(text).not.toContain('<b>Bold</b>');
  });

  it('says where a moved page is now', async () => {
    const page = await createPage(h, { path: '/rc-html/before', title: 'Mover', content: '' });
    await edit(page.id, { revision: 1, path: '/rc-html/after' });
    const { text } = await html('/_changes?path=/rc-html/before');
    expect(text).toContain('· now at /rc-html/after');
    expect(text).toContain('<a href="/rc-html/after">Mover</a>');
  });

  it('is described in the API description with its filter, cursor and next', async () => {
    const res = await h.api('/api/openapi.json', { as: editor });
    const get = res.body.paths['/api/changes'].get;
    expect(get.parameters.map((p: { name: string }) => p.name)).toEqual(['path', 'limit', 'before']);
    expect(get.responses['200'].content['application/json'].schema.required).toEqual(['changes', 'next']);
    expect(get.responses).toHaveProperty('400');
    expect(res.body.components.schemas.Change.properties.kind.enum).toContain('restored_from_trash');
  });
});

describe('migration 0003', () => {
  it('records the pages already in the trash as trashed, by whom and when', async () => {
    const db = await createTestDatabase('rc_migration');
    const dir = await mkdtemp(join(tmpdir(), 'rc-migrations-'));
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      // The migrations up to 0002, as a database deployed before recent changes has them.
      await cp(MIGRATIONS.instance, dir, { recursive: true });
      const journal = JSON.parse(await readFile(join(dir, 'meta/_journal.json'), 'utf8'));
      const at = journal.entries.findIndex((e: { tag: string }) => e.tag === '0003_recent_changes');
      expect(at).toBeGreaterThan(0);
      await writeFile(join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
      await runMigrations(db.url, dir);

      const [user] = await sql<{ id: number }[]>`insert into users (sub, username, email, name) values ('s', 'u', 'u@example.test', 'Una') returning id`;
      const pages = await sql<{ id: number }[]>`
        insert into pages (path, title, content, html, revision, deleted_at, deleted_by) values
          ('/kept', 'Kept', '', '', 1, null, null),
          ('/binned', 'Binned', '', '', 2, '2024-05-01 12:00:00.000007+00', ${user!.id})
        returning id`;
      await runMigrations(db.url, MIGRATIONS.instance);

      const events = await sql`select page_id, kind, revision, actor_id, created_at = '2024-05-01 12:00:00.000007+00' as exact from trash_events`;
      expect([...events]).toEqual([{ page_id: pages[1]!.id, kind: 'trashed', revision: 2, actor_id: user!.id, exact: true }]);
    } finally {
      await sql.end();
      await rm(dir, { recursive: true, force: true });
      await db.drop();
    }
  });
});
