// Odd client input is the client's mistake: a 4xx in the standard error shape, never a database error
// answered as 500. And letters that look like punctuation search like any other letters.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssertionPurpose } from '#shared/edge-assertion';
import { MEDIA_AUTHORIZE_PATH } from '#shared/media-contract';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { admin, createPage, editor } from './helpers/people.ts';

let h: InstanceHarness;
let pageId: number;
beforeAll(async () => {
  h = await startInstance('instance1', undefined, { media: true });
  pageId = (await createPage(h, { path: '/odd', title: 'Odd input', content: 'Hawaiʻi has a word: пʼять' })).id;
  await h.api(`/api/pages/${pageId}`, { method: 'PUT', as: editor, body: { revision: 1, content: 'second revision' } });
});
afterAll(() => h.close());

const NUL = '\u0000';
const form = (fields: Record<string, string>) => new URLSearchParams(fields);
/** A cursor as the lists make them (base64url of a JSON array), holding values they never hand out. */
const cursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

const CASES: { name: string; path: string; method?: string; body?: unknown; as?: typeof editor; purpose?: AssertionPurpose }[] = [
  // Postgres text cannot hold U+0000.
  { name: 'NUL in the search text', path: `/api/search?q=a${encodeURIComponent(NUL)}b` },
  { name: 'NUL in the search text (browser)', path: `/_search?q=a${encodeURIComponent(NUL)}b` },
  { name: 'NUL in a new page title', path: '/api/pages', method: 'POST', body: { title: `n${NUL}ul`, content: 'x' } },
  { name: 'NUL in new page content', path: '/api/pages', method: 'POST', body: { title: 'NUL content', content: `a${NUL}b` } },
  { name: 'NUL in an edit', path: '/api/pages/PAGE', method: 'PUT', body: { revision: 2, content: `a${NUL}b` } },
  { name: 'NUL in a preview', path: '/api/preview', method: 'POST', body: { content: `[[a${NUL}b]]` } },
  { name: 'NUL in settings', path: '/api/settings', method: 'PUT', as: admin, body: { description: `a${NUL}b` } },
  { name: 'NUL in the new-page form title', path: '/_new', method: 'POST', body: form({ title: `x${NUL}y`, content: 'z', intent: 'save' }) },
  { name: 'NUL in the new-page form content', path: '/_new', method: 'POST', body: form({ title: 'NUL form', content: `a${NUL}b`, intent: 'save' }) },
  { name: 'NUL in the edit form', path: '/_edit/odd', method: 'POST', body: form({ title: 'Odd input', content: `a${NUL}b`, revision: '2', intent: 'save' }) },
  {
    name: 'NUL in an upload file name',
    path: MEDIA_AUTHORIZE_PATH,
    method: 'POST',
    purpose: 'media-authorize',
    body: { filename: `photo${NUL}.png`, contentType: 'image/png', size: 100 },
  },
  { name: 'NUL in the path of a page’s history', path: `/_history/a${encodeURIComponent(NUL)}` },
  { name: 'NUL in the path of a page to edit', path: `/_edit/a${encodeURIComponent(NUL)}` },
  // Revision numbers no integer column can hold.
  { name: 'an API diff from a revision beyond int4', path: '/api/pages/PAGE/diff?from=99999999999&to=1' },
  { name: 'an API diff from revision 1e20', path: '/api/pages/PAGE/diff?from=1e20&to=1' },
  { name: 'a browser diff from a revision beyond int4', path: '/_diff/odd?from=99999999999&to=1' },
  { name: 'a browser revision beyond int4', path: '/_revision/odd?rev=3000000000' },
  { name: 'a browser restore of a revision beyond int4', path: '/_restore/odd?rev=3000000000', method: 'POST', body: form({}) },
  // Media paging and ids.
  { name: 'media paged before a fraction', path: '/api/media?before=1.5' },
  { name: 'media paged before 1e20', path: '/api/media?before=1e20' },
  { name: 'media paged before an id beyond int4', path: '/api/media?before=3000000000' },
  { name: 'a fractional media page size', path: '/api/media?limit=1.5' },
  { name: 'deleting a media id beyond int4', path: '/api/media/99999999999', method: 'DELETE' },
  // Paging of the other lists: page sizes, numbers and cursors they did not give out.
  { name: 'a fractional page size of pages', path: '/api/pages?limit=1.5' },
  { name: 'a negative page size of pages', path: '/api/pages?limit=-1' },
  { name: 'pages after a path with NUL', path: `/api/pages?after=a${encodeURIComponent(NUL)}` },
  { name: 'revisions paged before a fraction', path: '/api/pages/PAGE/revisions?before=1.5' },
  { name: 'revisions paged before 1e20', path: '/api/pages/PAGE/revisions?before=1e20' },
  { name: 'revisions paged before a number beyond int4', path: '/api/pages/PAGE/revisions?before=3000000000' },
  { name: 'a page size of revisions in words', path: '/api/pages/PAGE/revisions?limit=ten' },
  { name: 'trash paged before a number', path: '/api/trash?before=12' },
  { name: 'trash paged before a cursor of the wrong shape', path: `/api/trash?before=${cursor(['x', 1])}` },
  { name: 'trash paged before a time beyond a double', path: `/api/trash?before=${cursor([1e300, 1])}` },
  { name: 'trash paged before a cursor that is not JSON', path: `/api/trash?before=${Buffer.from('[1,').toString('base64url')}` },
  { name: 'a fractional page size of the trash', path: '/api/trash?limit=0.5' },
  { name: 'people after a cursor that is not base64url', path: '/api/users?after=%25%25%25' },
  { name: 'people after a cursor with NUL', path: `/api/users?after=${cursor([`a${NUL}`, 1])}` },
  { name: 'people after a cursor with a fractional id', path: `/api/users?after=${cursor(['a', 1.5])}` },
  { name: 'people after a cursor with an id beyond int4', path: `/api/users?after=${cursor(['a', 99_999_999_999])}` },
  { name: 'trash paged before a cursor with an id beyond int4', path: `/api/trash?before=${cursor([1_718_000_000_123_456, 99_999_999_999])}` },
  { name: 'a browser trash paged before an id beyond int4', path: `/_trash?before=${cursor([1_718_000_000_123_456, 3_000_000_000])}` },
  { name: 'a page size of people beyond a whole number', path: '/api/users?limit=1e3' },
  { name: 'a browser history paged before a fraction', path: '/_history/odd?before=1.5' },
  { name: 'a browser trash paged before garbage', path: '/_trash?before=!!' },
  { name: 'a browser people list after garbage', path: '/_people?after=!!' },
  { name: 'a role change sent back to a page that is garbage', path: '/_people/1?after=!!', method: 'POST', as: admin, body: form({ role: 'reader' }) },
  { name: 'a purge sent back to a page that is garbage', path: '/_trash/1/purge?before=!!', method: 'POST', as: admin, body: form({}) },
];

describe('client mistakes', () => {
  it.each(CASES)('answers $name with a 4xx in the standard error shape', async ({ path, method, body, as, purpose }) => {
    h.logLines.length = 0;
    const res = await h.api(path.replace('PAGE', String(pageId)), { method, body, as: as ?? editor, purpose });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).toEqual({
      error: expect.objectContaining({ code: expect.any(String), message: expect.any(String), requestId: expect.any(String) }),
    });
    expect(h.logLines.join('')).not.toContain('"level":"error"'); // nothing was logged as a server error
  });

  it('refuses the editor forms over the API\'s limits with a 400 on the form, saving nothing (the form used to skip them)', async () => {
    // Random text: a long repeated one would compress under the title index's limit and hide the 500.
    const longTitle = randomBytes(2400).toString('base64');
    const longContent = 'a'.repeat(500_001);
    const posts: { path: string; fields: Record<string, string>; says: string }[] = [
      { path: '/_new', fields: { title: longTitle, path: '/too-long', content: 'x', intent: 'save' }, says: 'Title: must be at most 200 characters.' },
      { path: '/_new', fields: { title: 'Big', path: '/too-big', content: longContent, intent: 'save' }, says: 'Content: must be at most 500000 characters.' },
      { path: '/_new', fields: { title: 'Big', path: '/too-big', content: longContent, intent: 'preview' }, says: 'Content: must be at most 500000 characters.' },
      { path: '/_new', fields: { title: ' ', path: '/untitled', content: 'x', intent: 'save' }, says: 'Title: a page needs a title.' },
      { path: '/_edit/odd', fields: { title: longTitle, content: 'x', revision: '2', intent: 'save' }, says: 'Title: must be at most 200 characters.' },
      { path: '/_edit/odd', fields: { title: 'Odd input', content: 'x', message: 'm'.repeat(501), revision: '2', intent: 'save' }, says: 'Change note: must be at most 500 characters.' },
    ];
    for (const { path, fields, says } of posts) {
      h.logLines.length = 0;
      const res = await h.request(path, { method: 'POST', as: editor, body: form(fields), headers: { accept: 'text/html' } });
      expect(res.status, says).toBe(400);
      expect(await res.text()).toContain(says);
      expect(h.logLines.join('')).not.toContain('"level":"error"');
    }
    expect((await h.api('/api/pages?limit=100', { as: editor })).body.pages.map((p: { path: string }) => p.path)).toEqual(['/odd']);
    expect((await h.api(`/api/pages/${pageId}`, { as: editor })).body).toMatchObject({ revision: 2, title: 'Odd input' });
  });

  it('saves a page whose links name no storage key of ours (NUL, over 1024 bytes) without recording them as file uses', async () => {
    for (const link of ['/_media/%00.png', `/_media/${encodeURIComponent('文'.repeat(400))}.png`]) {
      h.logLines.length = 0;
      const created = await h.api('/api/pages', { method: 'POST', as: editor, body: { title: `Odd link ${link.length}`, content: `![x](${link}) [y](${link})` } });
      expect(created.status, link).toBe(201);
      expect(h.logLines.join('')).not.toContain('"level":"error"');
    }
  });

  it('still pages media and deletes by id with well-formed numbers', async () => {
    expect((await h.api('/api/media?before=5&limit=10', { as: editor })).status).toBe(200);
    expect((await h.api('/api/media?limit=1000', { as: editor })).status).toBe(200);
    expect((await h.api('/api/media/12345', { method: 'DELETE', as: editor })).status).toBe(404);
  });

  it('still pages the other lists with well-formed values, a page size beyond the maximum included', async () => {
    for (const path of [
      '/api/pages?limit=1000&after=%2Fa',
      '/api/pages/PAGE/revisions?limit=1000&before=2',
      `/api/trash?limit=1000&before=${cursor([1_718_000_000_123_456, 5])}`,
      `/api/users?limit=1000&after=${cursor(['m', 5])}`,
      '/_history/odd?before=2&limit=0',
      `/_trash?before=${cursor([1_718_000_000_123_456, 5])}`,
      `/_people?after=${cursor(['m', 5])}`,
    ]) {
      expect((await h.api(path.replace('PAGE', String(pageId)), { as: editor })).status, path).toBe(200);
    }
  });
});

describe('search text with letters that unaccent turns into punctuation', () => {
  it.each(['ʼ', 'ː', 'Hawaiʻi', 'пʼять', 'aː'])('searches %s normally', async (q) => {
    const res = await h.api(`/api/search?q=${encodeURIComponent(q)}`, { as: editor });
    expect(res.status).toBe(200);
    const html = await h.request(`/_search?q=${encodeURIComponent(q)}`, { as: editor, headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
  });

  it('finds a page by a word written with a modifier-letter apostrophe', async () => {
    await createPage(h, { path: '/apostrophe', title: 'Apostrophe', content: 'Числа: пʼять і шість.' });
    const res = await h.api(`/api/search?q=${encodeURIComponent('пʼять')}`, { as: editor });
    expect(res.body.results.map((r: { path: string }) => r.path)).toContain('/apostrophe');
    const prefix = await h.api(`/api/search?q=${encodeURIComponent('пʼя')}`, { as: editor });
    expect(prefix.body.results.map((r: { path: string }) => r.path)).toContain('/apostrophe');
  });
});
