// A wiki import's linked files (images, PDFs…) stored as the wiki's uploads, on real instance apps, real
// Postgres and the SigV4-checking S3 server: an export with its files carried into another instance, a
// folder of Markdown with relative links and Obsidian embeds, and the failures that must leave nothing
// behind (the storage quota, storage down, the pages' transaction failing after the files were stored).
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaPath } from '#shared/media-contract';
import { identity } from './helpers/edge-keys.ts';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { objectAt, storageClient, uploadFile } from './helpers/uploads.ts';

const admin = identity({ sub: 'user-ada', username: 'ada', name: 'Ada Admin', plan: 'ENTERPRISE', groups: ['/ENTERPRISE'], roles: ['platform-admin'] });

const png = (size: number, seed = 7) => new Uint8Array(size).map((_, i) => (i * seed + 3) % 256);
const pdf = new TextEncoder().encode('%PDF-1.4\n% the minutes\n');
const zip = (files: Record<string, string | Uint8Array>) =>
  zipSync(Object.fromEntries(Object.entries(files).map(([name, body]) => [name, typeof body === 'string' ? strToU8(body) : body])));

const s3Client = storageClient;

async function storedBytes(h: InstanceHarness, key: string): Promise<Uint8Array | null> {
  const res = await s3Client(h).fetch(objectAt(h, key));
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

/** Every object stored under the instance's uploads. */
async function storedKeys(h: InstanceHarness): Promise<string[]> {
  const s = h.s3!.settings;
  const res = await s3Client(h).fetch(`${s.endpoint}/${s.bucket}?list-type=2&prefix=${encodeURIComponent(`tenants/${h.instanceId}/`)}`);
  expect(res.status).toBe(200);
  return [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!);
}

const upload = async (h: InstanceHarness, filename: string, contentType: string, bytes: Uint8Array<ArrayBuffer>): Promise<string> =>
  (await uploadFile(h, admin, filename, contentType, bytes)).key;

function postZip(h: InstanceHarness, bytes: Uint8Array, as = admin) {
  return h.api('/api/import', { method: 'POST', as, body: bytes, headers: { 'content-type': 'application/zip' } });
}

async function pageContent(h: InstanceHarness, path: string): Promise<string> {
  const list = await h.api(`/api/pages?limit=100`, { as: admin });
  const page = list.body.pages.find((p: { path: string }) => p.path === path);
  expect(page, path).toBeDefined();
  return (await h.api(`/api/pages/${page.id}`, { as: admin })).body.content;
}

const usage = async (h: InstanceHarness) => (await h.api('/api/media/usage', { as: admin })).body;

describe('wiki import: linked files', () => {
  let source: InstanceHarness;
  let target: InstanceHarness;
  beforeAll(async () => {
    [source, target] = await Promise.all([startInstance('instance1', undefined, { media: true }), startInstance('instance2', undefined, { media: true })]);
  });
  afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
  });

  it("carries an export's files into another instance: stored byte for byte, recorded, and the pages' links pointing to them", async () => {
    const photo = png(5000);
    const photoKey = await upload(source, 'Team photo.png', 'image/png', photo);
    const minutesKey = await upload(source, 'minutes.pdf', 'application/pdf', pdf);
    const content = `![Team photo](${mediaPath(photoKey)})\n\n[Minutes](${mediaPath(minutesKey)})\n`;
    expect((await source.api('/api/pages', { method: 'POST', as: admin, body: { path: '/handbook/onboarding', title: 'Onboarding', content } })).status).toBe(201);
    const exported = await source.request('/api/export', { as: admin });
    expect(exported.status).toBe(200);

    const res = await postZip(target, new Uint8Array(await exported.arrayBuffer()));
    expect(res.status).toBe(201);
    expect(res.body.files.skipped).toEqual([]);
    expect(res.body.files.imported).toHaveLength(2);

    const imported = await pageContent(target, '/handbook/onboarding');
    const links = [...imported.matchAll(/\]\((\/_media\/[^)]+)\)/g)].map((m) => decodeURI(m[1]!.slice('/_media/'.length)));
    expect(links).toHaveLength(2);
    for (const key of links) expect(key.startsWith('tenants/instance2/uploads/')).toBe(true);
    expect(imported).toBe(content.replace(mediaPath(photoKey), mediaPath(links[0]!)).replace(mediaPath(minutesKey), mediaPath(links[1]!)));
    expect(await storedBytes(target, links[0]!)).toEqual(photo);
    expect(await storedBytes(target, links[1]!)).toEqual(pdf);

    const records = (await target.api('/api/media', { as: admin })).body.items;
    expect(records.map((r: { filename: string; contentType: string; size: number; uploadedBy: { name: string } }) => [r.filename, r.contentType, r.size, r.uploadedBy.name]).sort()).toEqual([
      ['Team photo.png', 'image/png', 5000, 'Ada Admin'],
      ['minutes.pdf', 'application/pdf', pdf.length, 'Ada Admin'],
    ]);
    expect(await usage(target)).toMatchObject({ files: 2, storedBytes: 5000 + pdf.length, pendingUploads: 0 });
    // The source keeps its own files and links.
    expect(await pageContent(source, '/handbook/onboarding')).toBe(content);
  });

  it('brings an export back into its own wiki with existing=update: its files are reused, not stored twice, and the edited page gets its exported text back', async () => {
    const exported = new Uint8Array(await (await source.request('/api/export', { as: admin })).arrayBuffer());
    const page = (await source.api('/api/pages?limit=100', { as: admin })).body.pages.find((p: { path: string }) => p.path === '/handbook/onboarding');
    const original = await pageContent(source, '/handbook/onboarding');
    expect((await source.api(`/api/pages/${page.id}`, { method: 'PUT', as: admin, body: { revision: page.revision, content: 'Rewritten, pictures gone.' } })).status).toBe(200);
    const filesBefore = await usage(source);

    const res = await source.api('/api/import?existing=update', { method: 'POST', as: admin, body: exported, headers: { 'content-type': 'application/zip' } });
    expect(res.status).toBe(200);
    expect(res.body.updated.map((p: { path: string }) => p.path)).toEqual(['/handbook/onboarding']);
    expect(res.body.files.imported).toEqual([]);
    expect(res.body.files.reused.map((f: { file: string }) => f.file.split('/').pop()).sort()).toEqual(['Team-photo.png', 'minutes.pdf']);
    expect(await pageContent(source, '/handbook/onboarding')).toBe(original);
    expect(await usage(source)).toMatchObject({ files: filesBefore.files, storedBytes: filesBefore.storedBytes, pendingUploads: 0 });
    expect(await storedKeys(source)).toHaveLength(filesBefore.files);
  });

  it('stores a file anew when the archive holds other bytes under a name this wiki knows', async () => {
    const photo = (await source.api('/api/media?limit=100', { as: admin })).body.items.find((f: { filename: string }) => f.filename === 'Team photo.png');
    const name = `media/${photo.key.slice('tenants/instance1/uploads/'.length)}`;
    const res = await postZip(source, zip({ 'other-bytes.md': `![Same name](${name})`, [name]: png(5000, 3) }));
    expect(res.status).toBe(201);
    expect(res.body.files.reused).toEqual([]);
    expect(res.body.files.imported).toHaveLength(1);
    expect(res.body.files.imported[0].url).not.toBe(mediaPath(photo.key));
  });

  it('reads a folder of Markdown: relative links, HTML images and Obsidian embeds to files and pages all resolve', async () => {
    const diagram = png(2000, 11);
    const res = await postZip(
      target,
      zip({
        'vault/Guide.md': '# Guide\n\n![[diagram.png]]\n\nSee [the setup](notes/setup.md#install) and <img src="assets/photo%201.jpg" alt="p">.\n',
        'vault/notes/setup.md': '# Setup\n\n![A diagram](../assets/diagram.png "Fig. 1")\n\n[Back](../Guide.md)\n',
        'vault/assets/diagram.png': diagram,
        'vault/assets/photo 1.jpg': png(900, 13),
        'vault/assets/unused.png': png(100),
        'vault/.obsidian/app.json': '{}',
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body.files.imported.map((f: { file: string }) => f.file).sort()).toEqual(['vault/assets/diagram.png', 'vault/assets/photo 1.jpg']);

    const guide = await pageContent(target, '/guide');
    const setup = await pageContent(target, '/notes/setup');
    const urls = new Map(res.body.files.imported.map((f: { file: string; url: string }) => [f.file, f.url]));
    expect(guide).toBe(`# Guide\n\n![diagram.png](${urls.get('vault/assets/diagram.png')})\n\nSee [the setup](/notes/setup#install) and <img src="${urls.get('vault/assets/photo 1.jpg')}" alt="p">.\n`);
    expect(setup).toBe(`# Setup\n\n![A diagram](${urls.get('vault/assets/diagram.png')} "Fig. 1")\n\n[Back](/guide)\n`);
    // One copy of a file linked from two pages.
    const diagramKey = decodeURI(String(urls.get('vault/assets/diagram.png')).slice('/_media/'.length));
    expect(await storedBytes(target, diagramKey)).toEqual(diagram);
    expect((await storedKeys(target)).some((key) => key.endsWith('/unused.png'))).toBe(false);
  });

  it('skips linked files uploads would refuse (SVG, over the plan cap) and keeps their links as written', async () => {
    // A STARTER user made an admin of this wiki: the STARTER cap (10 MB a file) applies to what they import.
    const starter = identity({ sub: 'user-sid', username: 'sid', name: 'Sid Starter', plan: 'STARTER', groups: ['/STARTER'] });
    const me = await target.api('/api/me', { as: starter });
    expect((await target.api(`/api/users/${me.body.user.id}`, { method: 'PUT', as: admin, body: { role: 'admin' } })).status).toBe(200);

    const content = '![logo](logo.svg)\n\n[video](big.png)\n\n![ok](ok.png)\n';
    const res = await postZip(target, zip({ 'skips/page.md': content, 'skips/logo.svg': '<svg onload="alert(1)"/>', 'skips/big.png': new Uint8Array(11 * 1024 * 1024), 'skips/ok.png': png(300) }), starter);
    expect(res.status).toBe(201);
    expect(res.body.files.imported.map((f: { file: string }) => f.file)).toEqual(['skips/ok.png']);
    expect(res.body.files.skipped).toEqual([
      { file: 'skips/big.png', reason: 'larger than 10 MB, the most a file may be here' },
      { file: 'skips/logo.svg', reason: 'not a type of file uploads take' },
    ]);
    const page = await pageContent(target, '/page');
    expect(page).toContain('![logo](logo.svg)');
    expect(page).toContain('[video](big.png)');
    expect(page).toContain(`![ok](${res.body.files.imported[0].url})`);
  });

  it('stores no file for a page that already exists (it is left alone)', async () => {
    const before = (await storedKeys(target)).length;
    const res = await postZip(target, zip({ 'guide.md': '![new](fresh.png)', 'fresh.png': png(400) }));
    expect(res.status).toBe(200);
    expect(res.body.existing).toEqual(['/guide']);
    expect(res.body.files.imported).toEqual([]);
    expect((await storedKeys(target)).length).toBe(before);
  });
});

describe('wiki import: linked files that cannot be stored leave nothing behind', () => {
  let h: InstanceHarness;
  beforeAll(async () => {
    h = await startInstance('instance3', undefined, { media: true, quotaBytes: 10_000 });
  });
  afterAll(() => h?.close());

  it('refuses the whole import with 413 when the files exceed the storage left, writing no page and no file', async () => {
    const res = await postZip(h, zip({ 'a.md': '![one](one.png)', 'b.md': '![two](two.png)', 'one.png': png(6000), 'two.png': png(6000) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(res.body.error.message).toContain('left of');
    expect((await h.api('/api/pages?limit=100', { as: admin })).body.pages.map((p: { path: string }) => p.path)).not.toContain('/a');
    expect(await storedKeys(h)).toEqual([]);
    expect(await usage(h)).toMatchObject({ files: 0, pendingUploads: 0 });
  });

  it('deletes the stored files and frees their reservations when the pages cannot be written', async () => {
    // A fault in the database after the files are in storage: the pages' transaction fails.
    await h.database.sql.unsafe(`
      create function refuse_import() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$;
      create trigger refuse_import before insert on pages for each row when (new.path = '/explodes') execute function refuse_import();`);
    try {
      const res = await postZip(h, zip({ 'explodes.md': '![x](x.png)', 'fine.md': 'ok', 'x.png': png(500) }));
      expect(res.status).toBe(500);
      expect(await storedKeys(h)).toEqual([]);
      expect(await usage(h)).toMatchObject({ files: 0, pendingUploads: 0 });
      expect((await h.api('/api/pages?limit=100', { as: admin })).body.pages.map((p: { path: string }) => p.path)).not.toContain('/fine');
    } finally {
      await h.database.sql.unsafe('drop trigger refuse_import on pages; drop function refuse_import();');
    }
  });

  it('answers 502 and writes no page when storage is down', async () => {
    await h.s3!.server.close();
    const res = await postZip(h, zip({ 'offline.md': '![x](x.png)', 'x.png': png(500) }));
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('bad_gateway');
    expect((await h.api('/api/pages?limit=100', { as: admin })).body.pages.map((p: { path: string }) => p.path)).not.toContain('/offline');
  });
});

describe('wiki import: bounds on linked files', () => {
  let h: InstanceHarness;
  beforeAll(async () => {
    h = await startInstance('instance1', undefined, { media: true });
  });
  afterAll(() => h?.close());

  it('refuses an archive whose pages link to more files than an import stores, naming the limit', async () => {
    const files: Record<string, string | Uint8Array> = { 'many.md': Array.from({ length: 2001 }, (_, i) => `![f${i}](f${i}.png)`).join('\n') };
    for (let i = 0; i < 2001; i++) files[`f${i}.png`] = png(1);
    const res = await postZip(h, zip(files));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('at most 2000');
    expect(await storedKeys(h)).toEqual([]);
  });
});
