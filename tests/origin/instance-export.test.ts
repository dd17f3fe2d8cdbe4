// Wiki export (GET /api/export) on a real instance app: real Postgres, the SigV4-checking S3 server, files
// uploaded through the instance's own media API. Archives are read back with fflate, a zip reader
// independent of the writer (zip.js).
import { randomBytes } from 'node:crypto';
import type { AwsClient } from 'aws4fetch';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { mediaPath } from '#shared/media-contract';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { MediaReader } from '../../origin/instance/deps.ts';
import { wikiExport } from '../../origin/instance/services/wiki-export.ts';
import { identity } from './helpers/edge-keys.ts';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { objectAt, storageClient, uploadFile } from './helpers/uploads.ts';

const admin = identity({ sub: 'user-ada', username: 'ada', name: 'Ada Admin', plan: 'PRO', groups: ['/PRO'], roles: ['platform-admin'] });
const editor = identity({ sub: 'user-eve', username: 'eve', name: 'Eve Editor', plan: 'PRO', groups: ['/PRO'] });

let h: InstanceHarness;
let s3: AwsClient;

beforeAll(async () => {
  h = await startInstance('instance1', undefined, { media: true });
  s3 = storageClient(h);
});
afterAll(() => h.close());

const upload = async (filename: string, contentType: string, bytes: Uint8Array<ArrayBuffer>): Promise<string> => (await uploadFile(h, admin, filename, contentType, bytes)).key;

async function createPage(path: string, title: string, content: string, as = admin): Promise<number> {
  const res = await h.api('/api/pages', { method: 'POST', as, body: { path, title, content } });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function exportArchive(query = '', as = admin): Promise<{ res: Response; files: Record<string, Uint8Array> }> {
  const res = await h.request(`/api/export${query}`, { as, headers: { 'sec-fetch-site': 'same-origin' } });
  expect(res.status).toBe(200);
  return { res, files: unzipSync(new Uint8Array(await res.arrayBuffer())) };
}

function frontMatter(doc: string): { front: Record<string, unknown>; body: string } {
  const match = /^---\n([\s\S]*?)---\n\n([\s\S]*)$/.exec(doc);
  expect(match).not.toBeNull();
  return { front: parse(match![1]!), body: match![2]! };
}

const png = new Uint8Array(3000).map((_, i) => (i * 31) % 256);
const pdf = new TextEncoder().encode('%PDF-1.4\n% a small document\n');
let photoKey: string;
let goneKey: string;

describe('wiki export', () => {
  beforeAll(async () => {
    photoKey = await upload('Team photo.png', 'image/png', png);
    goneKey = await upload('minutes.pdf', 'application/pdf', pdf);
    await createPage('/', 'Home', 'Welcome to the wiki.');
    await createPage('/handbook', 'Handbook', '# Handbook\n\nSee [[Onboarding]].');
    await createPage('/handbook/onboarding', 'Onboarding', `Welcome!\n\n![Team photo](${mediaPath(photoKey)})\n\n[Minutes](${mediaPath(goneKey)})\n`, editor);
    const trashed = await createPage('/old-notes', 'Old notes', 'to be deleted');
    expect((await h.api(`/api/pages/${trashed}`, { method: 'DELETE', as: admin })).status).toBe(200);
  });

  it('gives an admin every live page as Markdown with front matter, the home page included and the trash left out', async () => {
    const { res, files } = await exportArchive('?media=0');
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="instance1-wiki-\d{4}-\d{2}-\d{2}\.zip"$/);
    expect(res.headers.get('cache-control')).toBe('no-store');

    const names = Object.keys(files).sort();
    expect(names).toEqual(['README.md', 'pages/_index.md', 'pages/handbook.md', 'pages/handbook/onboarding.md', 'wiki.json']);
    const onboarding = frontMatter(strFromU8(files['pages/handbook/onboarding.md']!));
    expect(onboarding.front).toMatchObject({ title: 'Onboarding', path: '/handbook/onboarding', revision: 1, updatedBy: 'Eve Editor' });
    // Without the files, links to them still point to the wiki.
    expect(onboarding.body).toContain(`![Team photo](${mediaPath(photoKey)})`);
    expect(frontMatter(strFromU8(files['pages/handbook.md']!)).body).toBe('# Handbook\n\nSee [[Onboarding]].');
    expect(frontMatter(strFromU8(files['pages/_index.md']!)).front).toMatchObject({ title: 'Home', path: '/' });

    const manifest = JSON.parse(strFromU8(files['wiki.json']!));
    expect(manifest).toMatchObject({ format: 'wikiplatform-export/1', instance: { id: 'instance1' }, media: 'excluded' });
    expect(manifest.pages.map((p: { path: string }) => p.path)).toEqual(['/', '/handbook', '/handbook/onboarding']);
    expect(manifest.files).toEqual([]);
  });

  it('includes every uploaded file byte for byte, with the pages linking to the copies', async () => {
    const { files } = await exportArchive();
    const photoFile = `media/${photoKey.split('/uploads/')[1]}`;
    const pdfFile = `media/${goneKey.split('/uploads/')[1]}`;
    expect(files[photoFile]).toEqual(png);
    expect(files[pdfFile]).toEqual(pdf);
    const body = frontMatter(strFromU8(files['pages/handbook/onboarding.md']!)).body;
    expect(body).toContain(`![Team photo](../../${photoFile.split('/').map(encodeURIComponent).join('/')})`);
    expect(body).not.toContain('/_media/');
    const manifest = JSON.parse(strFromU8(files['wiki.json']!));
    expect(manifest.media).toBe('included');
    expect(manifest.files).toHaveLength(2);
    expect(manifest.files.find((f: { key: string }) => f.key === photoKey)).toMatchObject({ file: photoFile, filename: 'Team photo.png', contentType: 'image/png', size: png.length });
  });

  it('lists a file whose object is gone from storage as missing and still completes the archive', async () => {
    const del = await s3.fetch(objectAt(h, goneKey), { method: 'DELETE' });
    expect(del.status).toBe(204);
    const { files } = await exportArchive();
    const manifest = JSON.parse(strFromU8(files['wiki.json']!));
    expect(manifest.files.find((f: { key: string }) => f.key === goneKey)).toMatchObject({ file: null, filename: 'minutes.pdf' });
    // The page keeps its link to the wiki for the missing file, and points to the copy for the other.
    const body = frontMatter(strFromU8(files['pages/handbook/onboarding.md']!)).body;
    expect(body).toContain(`[Minutes](${mediaPath(goneKey)})`);
    expect(Object.keys(files).filter((name) => name.startsWith('media/'))).toHaveLength(1);
  });

  it('refuses readers and editors with 403', async () => {
    for (const who of [editor, identity({ sub: 'user-rex', plan: 'PRO', groups: ['/PRO'] })]) {
      const res = await h.api('/api/export', { as: who });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('refuses an export started by another site or another instance', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const res = await h.api('/api/export', { as: admin, headers: { 'sec-fetch-site': site } });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain("this wiki's own pages");
    }
  });

  it('refuses an export embedded in a page (an image, a script, a frame) but not a download link or a fetch', async () => {
    for (const dest of ['image', 'script', 'iframe', 'style']) {
      const res = await h.api('/api/export?media=0', { as: admin, headers: { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': dest } });
      expect(res.status, dest).toBe(403);
      expect(res.body.error.message).toContain('Exports are downloads');
    }
    for (const dest of ['document', 'empty']) {
      const res = await h.request('/api/export?media=0', { as: admin, headers: { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': dest } });
      expect(res.status, dest).toBe(200);
      await res.arrayBuffer(); // read to the end: one export at a time
    }
  });

  it('answers 400 naming the parameter for a media value other than 0 or 1', async () => {
    const res = await h.api('/api/export?media=yes', { as: admin });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed' });
    expect(res.body.error.message).toContain('media');
  });

  it('writes one export at a time and takes the next once the first has been read', async () => {
    const first = await h.request('/api/export', { as: admin });
    expect(first.status).toBe(200);
    const second = await h.api('/api/export', { as: admin });
    expect(second.status).toBe(429);
    expect(second.body.error.message).toContain('already being written');
    unzipSync(new Uint8Array(await first.arrayBuffer()));
    await vi.waitFor(async () => {
      const next = await h.request('/api/export?media=0', { as: admin });
      const text = next.status === 200 ? await next.arrayBuffer() : await next.text();
      expect(next.status, String(text)).toBe(200);
    });
  });

  it('frees the slot when the client goes away in the middle of the download', async () => {
    const first = await h.request('/api/export', { as: admin });
    const reader = first.body!.getReader();
    await reader.read();
    await reader.cancel();
    await vi.waitFor(async () => {
      const next = await h.request('/api/export?media=0', { as: admin });
      if (next.status === 200) await next.arrayBuffer();
      expect(next.status).toBe(200);
    });
    await vi.waitFor(() => expect(h.logLines.some((line) => line.includes('wiki export ended before it was complete'))).toBe(true));
  });
});

describe('wiki export streaming', () => {
  const row = (id: number, name: string) => ({
    id,
    key: `tenants/instance1/uploads/2026/11/${String(id).padStart(16, '0')}/${name}`,
    filename: name,
    contentType: 'image/png',
    size: 4096,
    etag: null,
    createdAt: new Date('2026-11-01T00:00:00Z'),
    uploadedBy: null,
    uploaderName: null,
  });
  const filesOf = (open: MediaReader['open']): MediaReader => ({
    list: async ({ before }) => (before === undefined ? [row(2, 'b.png'), row(1, 'a.png')] : []),
    open,
  });
  const input = (files: MediaReader, idleMs?: number) => ({ instanceId: 'instance1', title: 'T', description: '', db: h.database.db, files, now: new Date(), idleMs });

  it('fails the download, not just ends it, when storage fails in the middle of a file', async () => {
    const broken = filesOf(async () => ({
      size: 4096,
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(1024));
          controller.error(new Error('connection reset by storage'));
        },
      }),
    }));
    const exported = wikiExport(input(broken));
    await expect(new Response(exported.body).arrayBuffer()).rejects.toThrow();
    await expect(exported.done).rejects.toThrow('connection reset by storage');
  });

  it('ends an export nobody reads once it has sent nothing for the idle time, and cancels the storage read', async () => {
    let storageCancelled = false;
    const hanging = filesOf(async () => ({
      size: 4096,
      body: new ReadableStream<Uint8Array>({
        // Never answers: a storage read that hangs.
        pull: () => new Promise(() => {}),
        cancel: () => void (storageCancelled = true),
      }),
    }));
    const exported = wikiExport(input(hanging, 50));
    // Reading keeps the output moving until the hung file; then nothing is sent.
    const reading = new Response(exported.body).arrayBuffer();
    await expect(exported.done).rejects.toThrow('nothing sent for');
    await expect(reading).rejects.toThrow();
    expect(storageCancelled).toBe(true);
  });

  it('ends the export when an HTTP client disconnects mid-download', async () => {
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      // Larger than loopback socket buffers hold, so the archive cannot be all sent before the client leaves.
      await upload('large.png', 'image/png', new Uint8Array(24 * 1024 * 1024).fill(1));
      const { port } = server.address() as AddressInfo;
      const assertion = await h.edge.mint(admin, 'instance1');
      const before = h.logLines.length;
      const aborted = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/api/export`, { headers: { 'x-wikiplatform-assertion': assertion }, signal: aborted.signal });
      expect(res.status).toBe(200);
      // Into the large file: past the pages and the first megabyte.
      const reader = res.body!.getReader();
      for (let received = 0; received < 1024 * 1024; ) received += (await reader.read()).value!.length;
      aborted.abort();
      await vi.waitFor(() => expect(h.logLines.slice(before).some((line) => line.includes('wiki export ended before it was complete'))).toBe(true));
      expect(h.logLines.slice(before).some((line) => line.includes('"msg":"wiki exported"'))).toBe(false);
    } finally {
      server.close();
    }
  });
});

describe('wiki export consistency', () => {
  it('writes the wiki as it was when the export began, though pages move between its batches', async () => {
    // 150 pages, two batches; random text deflates little, so the first batch (≈ 2 MB of zip) cannot be
    // written ahead of a client that stopped reading: the second batch is read after the moves below.
    const ids = new Map<string, number>();
    for (let i = 0; i < 150; i++) {
      const path = `/snap/p${String(i).padStart(3, '0')}`;
      ids.set(path, await createPage(path, `Snapshot ${i}`, randomBytes(22_000).toString('base64')));
    }
    const exported = wikiExport({ instanceId: 'instance1', title: 'T', description: '', db: h.database.db, now: new Date() });
    const reader = exported.body.getReader();
    const received: Uint8Array[] = [];
    // The first batch has been read once its first page is in the archive.
    while (!Buffer.concat(received).includes('pages/snap/p000.md')) received.push((await reader.read()).value!);

    const move = async (from: string, to: string) => {
      const res = await h.api(`/api/pages/${ids.get(from)}`, { method: 'PUT', as: admin, body: { revision: 1, path: to } });
      expect(res.status).toBe(200);
    };
    await move('/snap/p010', '/zz-moved'); // from the first batch to past the last: read apart, twice
    await move('/snap/p140', '/a-moved'); // from the second batch to before the first: read apart, never

    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received.push(chunk.value);
    await exported.done;
    const files = unzipSync(new Uint8Array(Buffer.concat(received)));
    const snapshotPages = Object.keys(files).filter((name) => /^pages\/(snap\/|zz-moved|a-moved)/.test(name));
    expect(snapshotPages).toHaveLength(150);
    expect(snapshotPages).toContain('pages/snap/p010.md');
    expect(snapshotPages).toContain('pages/snap/p140.md');
    const manifest = JSON.parse(strFromU8(files['wiki.json']!));
    expect(manifest.pages.filter((p: { path: string }) => p.path.startsWith('/snap/'))).toHaveLength(150);
  });
});
