// The last author's name is stored on the page (pages.updated_by_name, kept by triggers from migration
// 0002) so a page view reads one row of one table. It must follow every change of author and of name,
// whoever makes it: this process, another replica, an ops script.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { createPage, editor, reader } from './helpers/people.ts';

let h: InstanceHarness;
beforeAll(async () => {
  h = await startInstance('lastauthor');
});
afterAll(() => h.close());

const view = async (path: string, as = reader) => {
  const res = await h.request(path, { as, headers: { accept: 'text/html' } });
  expect(res.status).toBe(200);
  return res.text();
};
const apiAuthor = async (id: number) => (await h.api(`/api/pages/${id}`)).body.updatedBy as string | null;

describe('last author shown on a page', () => {
  it('shows the new author name to everyone after a user is renamed at the edge', async () => {
    const una = { ...editor, sub: 'author-una', username: 'una', name: 'Una Before', email: 'una@example.test' };
    const page = await createPage(h, { path: '/authors/una', title: 'Una page', content: 'hello' }, una);
    expect(await view('/authors/una')).toContain('last edited by Una Before');
    expect(await apiAuthor(page.id)).toBe('Una Before');

    // Una comes back under a new name: any request of hers syncs her user row.
    expect((await h.api('/api/me', { as: { ...una, name: 'Una After' } })).status).toBe(200);
    const after = await view('/authors/una'); // seen by someone else, served from the article cache before
    expect(after).toContain('last edited by Una After');
    expect(after).not.toContain('Una Before');
    expect(await apiAuthor(page.id)).toBe('Una After');
  });

  it('shows the new author name after a rename made outside this process', async () => {
    const vic = { ...editor, sub: 'author-vic', username: 'vic', name: 'Vic Before', email: 'vic@example.test' };
    await createPage(h, { path: '/authors/vic', title: 'Vic page', content: 'hello' }, vic);
    expect(await view('/authors/vic')).toContain('last edited by Vic Before');
    await h.database.sql`update users set name = 'Vic <After>' where sub = 'author-vic'`;
    expect(await view('/authors/vic')).toContain('last edited by Vic &lt;After&gt;');
  });

  it('shows the latest editor after someone else edits, and no one once the author is gone', async () => {
    const wes = { ...editor, sub: 'author-wes', username: 'wes', name: 'Wes', email: 'wes@example.test' };
    const xia = { ...editor, sub: 'author-xia', username: 'xia', name: 'Xia', email: 'xia@example.test' };
    const page = await createPage(h, { path: '/authors/shared', title: 'Shared page', content: 'one' }, wes);
    expect(await view('/authors/shared')).toContain('last edited by Wes');
    const res = await h.api(`/api/pages/${page.id}`, { method: 'PUT', as: xia, body: { content: 'two', revision: page.revision } });
    expect(res.status).toBe(200);
    expect(await view('/authors/shared')).toContain('last edited by Xia');

    // Renaming the former author leaves the page alone.
    await h.database.sql`update users set name = 'Wes Renamed' where sub = 'author-wes'`;
    expect(await view('/authors/shared')).toContain('last edited by Xia');

    // A removed user (ON DELETE SET NULL) leaves the page without an author line.
    await h.database.sql`delete from users where sub = 'author-xia'`;
    const orphaned = await view('/authors/shared');
    expect(orphaned).not.toContain('last edited by');
    expect(await apiAuthor(page.id)).toBeNull();
  });
});
