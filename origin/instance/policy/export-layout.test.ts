import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mediaPath } from '#shared/media-contract';
import { archiveName, mediaFile, mediaKeyOf, pageDocument, pageFile, relativeLink, withArchiveMediaLinks } from './export-layout.ts';

const KEY = 'tenants/instance1/uploads/2026/11/abcdef0123456789/photo.png';

describe('wiki export layout', () => {
  it('places pages by path, the home page at pages/_index.md', () => {
    expect(pageFile('/')).toBe('pages/_index.md');
    expect(pageFile('/handbook')).toBe('pages/handbook.md');
    expect(pageFile('/handbook/onboarding')).toBe('pages/handbook/onboarding.md');
  });

  it('places an uploaded file by its key below the instance uploads prefix', () => {
    expect(mediaFile('instance1', KEY)).toBe('media/2026/11/abcdef0123456789/photo.png');
  });

  it('gives back the key an exported file had, as this instance would hold it, and nothing for other names', () => {
    expect(mediaKeyOf('instance1', mediaFile('instance1', KEY)!)).toBe(KEY);
    expect(mediaKeyOf('instance2', 'media/2026/11/abcdef0123456789/photo.png')).toBe('tenants/instance2/uploads/2026/11/abcdef0123456789/photo.png');
    expect(mediaKeyOf('instance1', 'pictures/photo.png')).toBeNull();
    expect(mediaKeyOf('instance1', 'media/2026/../../x.png')).toBeNull();
    expect(mediaKeyOf('instance1', 'media//x.png')).toBeNull();
  });

  it('refuses keys of another instance or with empty or dot segments', () => {
    expect(mediaFile('instance2', KEY)).toBeNull();
    expect(mediaFile('instance1', 'tenants/instance1/uploads/2026/../../../etc/passwd')).toBeNull();
    expect(mediaFile('instance1', 'tenants/instance1/uploads/2026//x.png')).toBeNull();
    expect(mediaFile('instance1', 'tenants/instance1/backups/db.dump')).toBeNull();
  });

  it('links between archive files relatively, with encoded segments', () => {
    expect(relativeLink('pages/_index.md', 'media/a/b.png')).toBe('../media/a/b.png');
    expect(relativeLink('pages/handbook/onboarding.md', 'media/a/été photo.png')).toBe('../../media/a/%C3%A9t%C3%A9%20photo.png');
    expect(relativeLink('pages/a/b.md', 'pages/a/c.md')).toBe('c.md');
  });

  it('rewrites links to archived files only, leaving other links as written', () => {
    const files = new Map([[mediaPath(KEY), 'media/2026/11/abcdef0123456789/photo.png']]);
    const other = mediaPath('tenants/instance1/uploads/2026/11/ffffffffffffffff/gone.png');
    const content = `![Photo](${mediaPath(KEY)})\n<img src="${mediaPath(KEY)}">\n[gone](${other})\n[site](https://example.com/_media/x)`;
    expect(withArchiveMediaLinks(content, 'instance1', 'pages/handbook/onboarding.md', files)).toBe(
      `![Photo](../../media/2026/11/abcdef0123456789/photo.png)\n<img src="../../media/2026/11/abcdef0123456789/photo.png">\n[gone](${other})\n[site](https://example.com/_media/x)`,
    );
  });

  it('rewrites a link to a file whose name was percent-encoded in the page', () => {
    const key = 'tenants/instance1/uploads/2026/11/abcdef0123456789/été.pdf';
    const files = new Map([[mediaPath(key), 'media/2026/11/abcdef0123456789/été.pdf']]);
    expect(withArchiveMediaLinks(`[doc](${mediaPath(key)})`, 'instance1', 'pages/_index.md', files)).toBe(
      '[doc](../media/2026/11/abcdef0123456789/%C3%A9t%C3%A9.pdf)',
    );
  });

  it('writes front matter that YAML readers give back unchanged, titles that look like other types included', () => {
    const page = {
      path: '/notes',
      title: 'yes',
      revision: 3,
      createdAt: new Date('2026-01-02T03:04:05.000Z'),
      updatedAt: new Date('2026-02-03T04:05:06.000Z'),
      updatedBy: 'Ada: "the" Admin',
    };
    const doc = pageDocument(page, '---\nnot front matter\n---\nbody');
    const [, front, rest] = /^---\n([\s\S]*?)---\n\n([\s\S]*)$/.exec(doc)!;
    expect(parse(front!)).toEqual({ title: 'yes', path: '/notes', revision: 3, created: '2026-01-02T03:04:05.000Z', updated: '2026-02-03T04:05:06.000Z', updatedBy: 'Ada: "the" Admin' });
    expect(parse(front!, { version: '1.1' }).title).toBe('yes');
    expect(rest).toBe('---\nnot front matter\n---\nbody');
  });

  it('names the archive after the instance and the day', () => {
    expect(archiveName('instance2', new Date('2026-11-21T23:59:00Z'))).toBe('instance2-wiki-2026-11-21.zip');
  });
});
