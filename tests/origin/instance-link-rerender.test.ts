// Re-rendering the pages that link to a renamed or moved page never undoes an edit of those pages.
// The interleavings that lost edits are forced with a row lock held by the test, not left to timing.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { createPage, editor } from './helpers/people.ts';

let h: InstanceHarness;
let side: postgres.Sql;
beforeAll(async () => {
  h = await startInstance('instance1');
  side = postgres(h.testDatabase.url, { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await side.end();
  await h.close();
});

const put = (id: number, body: Record<string, unknown>) => h.api(`/api/pages/${id}`, { method: 'PUT', as: editor, body });

/** The page's row and the revision it claims to be at must say the same thing. */
async function expectPageMatchesItsRevision(id: number) {
  const page = await h.api(`/api/pages/${id}`, { as: editor });
  const revision = await h.api(`/api/pages/${id}/revisions/${page.body.revision}`, { as: editor });
  // Compared by their opening and length: the long pages below would flood a failure's diff.
  const gist = (text: string) => `${text.slice(0, 60)}… (${text.length} characters)`;
  expect(gist(page.body.content)).toBe(gist(revision.body.content));
  return page.body as { revision: number; content: string; html: string };
}

/** Backends of this test's database waiting for a lock. */
async function lockWaiters(): Promise<number> {
  const [row] = await side<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
  return row!.n;
}

/**
 * Runs `hold` in a transaction of the test's own, then starts `first` and `second`, each running until it
 * waits for what `hold` locked; then rolls `hold` back, so `first` goes on before `second`.
 */
async function queueBehind<A, B>(hold: (tx: postgres.Sql) => Promise<unknown>, first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
  const tx = await side.reserve();
  try {
    await tx`begin`;
    await hold(tx);
    const a = first();
    await vi.waitFor(async () => expect(await lockWaiters()).toBe(1), { timeout: 10_000, interval: 20 });
    const b = second();
    await vi.waitFor(async () => expect(await lockWaiters()).toBe(2), { timeout: 10_000, interval: 20 });
    await tx`rollback`;
    return await Promise.all([a, b]);
  } finally {
    tx.release();
  }
}

const holdRow = (id: number) => (tx: postgres.Sql) => tx`select id from pages where id = ${id} for update`;

describe('re-rendering linking pages', () => {
  it('keeps an edit that commits while a rename of a page it links to re-renders it', async () => {
    const target = await createPage(h, { path: '/rr/target', title: 'Rerender target', content: 'target' });
    const linker = await createPage(h, { path: '/rr/linker', title: 'Rerender linker', content: '[[Rerender target]] v1' });
    const [edit, rename] = await queueBehind(
      holdRow(linker.id),
      () => put(linker.id, { revision: 1, content: '[[Rerender target]] EDITED v2' }),
      () => put(target.id, { revision: 1, title: 'Rerender target renamed' }),
    );
    expect([edit.status, rename.status]).toEqual([200, 200]);
    const page = await expectPageMatchesItsRevision(linker.id);
    expect(page).toMatchObject({ revision: 2, content: '[[Rerender target]] EDITED v2' });
    expect(page.html).toContain('EDITED v2');
    expect(page.html).toContain('href="/rr/target"');
  });

  it('completes two renames of pages that link to each other, running the one Postgres aborts as a deadlock again', async () => {
    // Each rename holds its own page, then locks the other to re-render it: a lock cycle. The test holds
    // the alias rows both renames add, so each has locked its page before either goes on.
    const a = await createPage(h, { path: '/rr/cycle-a', title: 'Cycle A', content: '[[Cycle B]]' });
    const b = await createPage(h, { path: '/rr/cycle-b', title: 'Cycle B', content: '[[Cycle A]]' });
    const [renameA, renameB] = await queueBehind(
      (tx) => tx`insert into aliases (kind, key, page_id) values ('title', 'cycle a', ${a.id}), ('title', 'cycle b', ${b.id})`,
      () => put(a.id, { revision: 1, title: 'Cycle A renamed' }),
      () => put(b.id, { revision: 1, title: 'Cycle B renamed' }),
    );
    expect([renameA.status, renameB.status]).toEqual([200, 200]);
    for (const id of [a.id, b.id]) await expectPageMatchesItsRevision(id);
    expect((await h.api(`/api/pages/${a.id}`, { as: editor })).body.html).toContain('href="/rr/cycle-b"');
    expect((await h.api(`/api/pages/${b.id}`, { as: editor })).body.html).toContain('href="/rr/cycle-a"');
  });

  it('never leaves a page out of step with its revision over rounds of parallel renames, moves and edits', async () => {
    const filler = 'word '.repeat(20_000); // rendering takes long enough for the requests to overlap
    for (let round = 0; round < 8; round++) {
      const target = await createPage(h, { path: `/rr/round-${round}`, title: `Round target ${round}`, content: 'target' });
      const linker = await createPage(h, { path: `/rr/round-${round}-linker`, title: `Round linker ${round}`, content: `[[Round target ${round}]] v1 ${filler}` });
      const change = round % 2 ? { path: `/rr/round-${round}-moved` } : { title: `Round target ${round} renamed` };
      const results = await Promise.all([put(target.id, { revision: 1, ...change }), put(linker.id, { revision: 1, content: `[[Round target ${round}]] EDITED` })]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      expect((await expectPageMatchesItsRevision(linker.id)).content).toBe(`[[Round target ${round}]] EDITED`);
    }
  });
});
