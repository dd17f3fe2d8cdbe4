import { describe, expect, it } from 'vitest';
import { mediaPath } from '#shared/media-contract';
import { renderMarkdown } from './markdown.ts';
import { MAX_MEDIA_REFS_PER_PAGE, mediaKeysIn } from './media-refs.ts';

const KEY = 'tenants/instance1/uploads/2026/11/0123456789abcdef/diagram.png';
const PDF = 'tenants/instance1/uploads/2026/11/fedcba9876543210/report.pdf';
const keysOf = (markdown: string) => renderMarkdown(markdown, '/handbook/page').mediaKeys;

describe('the files a rendered page uses', () => {
  it('records a Markdown image and a Markdown link to an uploaded file, once each, in order of first use', () => {
    expect(keysOf(`![Diagram](${mediaPath(KEY)})\n\n[The report](${mediaPath(PDF)}) and again ![again](${mediaPath(KEY)})`)).toEqual([KEY, PDF]);
  });

  it('records raw HTML images, which the sanitiser keeps', () => {
    expect(keysOf(`<p><img src="${mediaPath(KEY)}" alt="d"></p>`)).toEqual([KEY]);
  });

  it('decodes each path segment back to the storage key, non-Latin file names included', () => {
    const key = 'tenants/instance1/uploads/2026/11/0123456789abcdef/schéma-réseau.png';
    expect(keysOf(`![s](${mediaPath(key)})`)).toEqual([key]);
    // Written by hand without escapes: markdown-it encodes it the same way.
    expect(keysOf(`![s](/_media/${key})`)).toEqual([key]);
  });

  it('leaves out the query and fragment of a link', () => {
    expect(keysOf(`[p. 3](${mediaPath(PDF)}#page=3) [dl](${mediaPath(PDF)}?download=1)`)).toEqual([PDF]);
  });

  it('does not count a path quoted as code, written as text, or on another host', () => {
    const markdown = [
      `\`${mediaPath(KEY)}\``,
      '',
      '```',
      `![x](${mediaPath(KEY)})`,
      '```',
      '',
      `See ${mediaPath(KEY)} in text.`,
      '',
      `![elsewhere](https://other.example${mediaPath(KEY)})`,
    ].join('\n');
    expect(keysOf(markdown)).toEqual([]);
  });

  it('does not count HTML shown as code or text, whose quotes the sanitiser leaves as they are', () => {
    const tag = `<img src="${mediaPath(KEY)}">`;
    expect(keysOf(`\`${tag}\`\n\n    ${tag}\n\nWrite src="${mediaPath(KEY)}" in your page.`)).toEqual([]);
    expect(keysOf(`<a title="x" href="${mediaPath(PDF)}">report</a>`)).toEqual([PDF]);
  });

  it('refuses what cannot be a key: dot segments, empty segments, malformed escapes', () => {
    expect(mediaKeysIn('<img src="/_media/a/../b.png"><img src="/_media/a//b.png"><a href="/_media/a/%E0%A4%A.png">x</a>')).toEqual([]);
  });

  it('refuses keys with control characters and keys over 1024 bytes, counting bytes and not characters', () => {
    expect(mediaKeysIn('<img src="/_media/%00.png"><a href="/_media/a%0Ab.png">x</a><img src="/_media/a%7F.png">')).toEqual([]);
    const cjk = (n: number) => `tenants/i/uploads/${'文'.repeat(n)}.png`; // 3 bytes a character
    const encoded = (key: string) => key.split('/').map(encodeURIComponent).join('/');
    expect(mediaKeysIn(`<img src="/_media/${encoded(cjk(400))}">`)).toEqual([]);
    expect(mediaKeysIn(`<img src="/_media/${encoded(cjk(330))}">`)).toEqual([cjk(330)]); // 1012 bytes
  });

  it(`records at most ${MAX_MEDIA_REFS_PER_PAGE} files of one page`, () => {
    const html = Array.from({ length: MAX_MEDIA_REFS_PER_PAGE + 20 }, (_, i) => `<img src="/_media/k/${i}.png">`).join('');
    const keys = mediaKeysIn(html);
    expect(keys).toHaveLength(MAX_MEDIA_REFS_PER_PAGE);
    expect(keys[0]).toBe('k/0.png');
  });
});
