// History: every save is a revision; list, read, diff, restore; and concurrent edits never lose one.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { createPage, editor } from './helpers/people.ts';

let h: InstanceHarness;
beforeAll(async () => {
  h = await startInstance('instance1');
});
afterAll(() => h.close());

async function edit(id: number, revision: number, content: string, message?: string) {
  return h.api(`/api/pages/${id}`, { method: 'PUT', as: editor, body: { revision, content, message } });
}

describe('revision history', () => {
  it('lists every save newest first with author, time and message', async () => {
    const page = await createPage(h, { path: '/hist/list', title: 'History', content: 'one' });
    await edit(page.id, 1, 'two', 'fix typo');
    const res = await h.api(`/api/pages/${page.id}/revisions`, { as: editor });
    expect(res.status).toBe(200);
    expect(res.body.revisions.map((r: { revision: number }) => r.revision)).toEqual([2, 1]);
    expect(res.body.revisions[0]).toMatchObject({ message: 'fix typo', authorName: 'Eddie Editor', title: 'History' });
    expect(res.body.revisions[1].message).toBe('Created');
    expect(Date.parse(res.body.revisions[0].createdAt)).not.toBeNaN();
  });

  it('reads one old revision as a full snapshot with its rendered html', async () => {
    const page = await createPage(h, { path: '/hist/read', title: 'Snapshot', content: '**first**' });
    await edit(page.id, 1, 'second');
    const res = await h.api(`/api/pages/${page.id}/revisions/1`, { as: editor });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ revision: 1, content: '**first**', title: 'Snapshot' });
    expect(res.body.html).toContain('<strong>first</strong>');
    expect((await h.api(`/api/pages/${page.id}/revisions/9`, { as: editor })).status).toBe(404);
    expect((await h.api('/api/pages/777777/revisions', { as: editor })).status).toBe(404);
  });

  it('diffs any two revisions line by line', async () => {
    const page = await createPage(h, { path: '/hist/diff', title: 'Diff', content: 'a\nb\nc' });
    await edit(page.id, 1, 'a\nB\nc');
    await edit(page.id, 2, 'a\nB\nc\nd');
    const res = await h.api(`/api/pages/${page.id}/diff?from=1&to=3`, { as: editor });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: 1, to: 3, added: 2, removed: 1 });
    expect(res.body.lines).toContainEqual({ op: 'removed', text: 'b' });
    expect(res.body.lines).toContainEqual({ op: 'added', text: 'd' });
    expect((await h.api(`/api/pages/${page.id}/diff?from=1&to=x`, { as: editor })).status).toBe(400);
  });

  it('answers a diff of two very different large revisions with "too large to compare", in the API and the browser', async () => {
    const lines = (word: string) => Array.from({ length: 3000 }, (_, i) => `${word} line ${i}`).join('\n');
    const page = await createPage(h, { path: '/hist/too-large', title: 'Too large', content: lines('first') });
    expect((await edit(page.id, 1, lines('second'))).status).toBe(200);
    const api = await h.api(`/api/pages/${page.id}/diff?from=1&to=2`, { as: editor });
    expect(api.status).toBe(422);
    expect(api.body.error).toMatchObject({ code: 'unprocessable_content', message: expect.stringContaining('too large to compare'), requestId: expect.any(String) });
    const html = await h.request('/_diff/hist/too-large?from=1&to=2', { as: editor, headers: { accept: 'text/html' } });
    expect(html.status).toBe(422);
    const text = await html.text();
    expect(text).toContain('data-testid="diff-too-large"');
    expect(text).toContain('href="/_revision/hist/too-large?rev=1"');
  });

  it('restores an old revision as a new revision, keeping the history', async () => {
    const page = await createPage(h, { path: '/hist/restore', title: 'Original title', content: 'original' });
    await h.api(`/api/pages/${page.id}`, { method: 'PUT', as: editor, body: { revision: 1, title: 'Changed title', content: 'changed' } });
    const res = await h.api(`/api/pages/${page.id}/revisions/1/restore`, { method: 'POST', as: editor });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ revision: 3, title: 'Original title' });
    const now = await h.api(`/api/pages/${page.id}`, { as: editor });
    expect(now.body.content).toBe('original');
    const history = await h.api(`/api/pages/${page.id}/revisions`, { as: editor });
    expect(history.body.revisions[0]).toMatchObject({ revision: 3, message: 'Restored revision 1' });
    expect(history.body.revisions).toHaveLength(3);
  });

  it('answers 404 when restoring a revision that does not exist', async () => {
    const page = await createPage(h, { path: '/hist/restore-missing', title: 'R', content: 'x' });
    expect((await h.api(`/api/pages/${page.id}/revisions/5/restore`, { method: 'POST', as: editor })).status).toBe(404);
  });
});

describe('optimistic concurrency', () => {
  it('lets exactly one of 20 parallel edits from the same base revision win; the rest get 409 and no revision is lost', async () => {
    const page = await createPage(h, { path: '/race', title: 'Race', content: 'base' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => edit(page.id, 1, `edit number ${i}`)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const loser of results.filter((r) => r.status === 409)) expect(loser.body.error.details.currentRevision).toBe(2);

    const winner = results.find((r) => r.status === 200);
    const current = await h.api(`/api/pages/${page.id}`, { as: editor });
    expect(current.body.revision).toBe(2);
    expect(current.body.html).toBe(winner?.body.html);
    // Every accepted save has exactly one revision row, and the page points at the last one.
    const rows = await h.database.db.execute<{ revision: number; content: string }>(
      sql`select revision, content from revisions where page_id = ${page.id} order by revision`,
    );
    expect(rows.map((r) => r.revision)).toEqual([1, 2]);
    expect(rows[1]?.content).toBe(current.body.content);
  });

  it('accepts a retry from the winning revision after a conflict', async () => {
    const page = await createPage(h, { path: '/race/retry', title: 'Retry', content: 'base' });
    await edit(page.id, 1, 'first');
    const conflict = await edit(page.id, 1, 'second');
    expect(conflict.status).toBe(409);
    const retry = await edit(page.id, conflict.body.error.details.currentRevision, 'second, merged');
    expect(retry.status).toBe(200);
    expect(retry.body.revision).toBe(3);
  });
});
