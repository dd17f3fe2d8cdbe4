import { describe, expect, it } from 'vitest';
import { archiveIndex, linkedArchiveFiles, resolveArchiveLink, rewriteArchiveLinks, type LinkTarget } from './import-links.ts';

const index = archiveIndex([
  'vault/',
  'vault/guide.md',
  'vault/notes/setup.md',
  'vault/assets/diagram one.png',
  'vault/assets/report.pdf',
  'vault/notes/photo.jpg',
  'vault/other/photo.jpg',
  'media/2026/11/abc/team.png',
  'pages/handbook/onboarding.md',
]);

const targets: Record<string, LinkTarget> = {
  'vault/guide.md': { url: '/guide', label: 'guide', image: false },
  'vault/notes/setup.md': { url: '/notes/setup', label: 'setup', image: false },
  'vault/assets/diagram one.png': { url: '/_media/tenants/i1/uploads/x/diagram-one.png', label: 'diagram one', image: true },
  'vault/assets/report.pdf': { url: '/_media/tenants/i1/uploads/y/report.pdf', label: 'report.pdf', image: false },
  'vault/notes/photo.jpg': { url: '/_media/tenants/i1/uploads/z/photo.jpg', label: 'photo', image: true },
  'media/2026/11/abc/team.png': { url: '/_media/tenants/i1/uploads/2026/11/abc/team.png', label: 'team', image: true },
};
const rewrite = (content: string, from: string) => rewriteArchiveLinks(content, from, index, (name) => targets[name] ?? null);

describe('resolveArchiveLink', () => {
  it('resolves relative paths against the linking file, with ./ and ../ and percent-escapes', () => {
    expect(resolveArchiveLink('vault/notes/setup.md', '../assets/diagram%20one.png', index)).toBe('vault/assets/diagram one.png');
    expect(resolveArchiveLink('vault/guide.md', './notes/setup.md#install', index)).toBe('vault/notes/setup.md');
    expect(resolveArchiveLink('vault/guide.md', 'assets/report.pdf?download=1', index)).toBe('vault/assets/report.pdf');
  });

  it('leaves absolute links, other sites, fragments and paths that leave the archive alone', () => {
    for (const target of ['https://example.com/a.png', '/assets/report.pdf', '#section', 'mailto:a@b.c', '//cdn.example/x.png', '../../../etc/passwd', 'missing.png']) {
      expect(resolveArchiveLink('vault/guide.md', target, index), target).toBeNull();
    }
  });
});

describe('rewriteArchiveLinks', () => {
  it('points images and links to archive files at the uploaded copies, titles kept', () => {
    expect(rewrite('![Diagram](../assets/diagram%20one.png "Fig. 1") and [the report](<../assets/report.pdf>)', 'vault/notes/setup.md')).toBe(
      '![Diagram](/_media/tenants/i1/uploads/x/diagram-one.png "Fig. 1") and [the report](/_media/tenants/i1/uploads/y/report.pdf)',
    );
  });

  it('points links between Markdown files at the imported pages, keeping the section', () => {
    expect(rewrite('See [setup](notes/setup.md#install) and [home](guide.md).', 'vault/guide.md')).toBe('See [setup](/notes/setup#install) and [home](/guide).');
  });

  it('rewrites HTML src and href', () => {
    expect(rewrite('<img src="../assets/diagram%20one.png" alt="d"> <a href="../assets/report.pdf">r</a>', 'vault/notes/setup.md')).toBe(
      '<img src="/_media/tenants/i1/uploads/x/diagram-one.png" alt="d"> <a href="/_media/tenants/i1/uploads/y/report.pdf">r</a>',
    );
  });

  it("turns Obsidian embeds into Markdown, finding a file by name when that name is unique", () => {
    expect(rewrite('![[report.pdf]] ![[diagram one.png|The diagram]]', 'vault/guide.md')).toBe(
      '[report.pdf](/_media/tenants/i1/uploads/y/report.pdf) ![The diagram](/_media/tenants/i1/uploads/x/diagram-one.png)',
    );
  });

  it('leaves an embed whose name matches two files, and links to unknown files, as written', () => {
    const content = '![[photo.jpg]] ![x](nowhere.png) [web](https://example.com/guide.md) [up](../../guide.md)';
    expect(rewrite(content, 'vault/guide.md')).toBe(content);
  });

  it('reads links of a wikiplatform export back to the media copies', () => {
    expect(rewrite('![Team](../../media/2026/11/abc/team.png)', 'pages/handbook/onboarding.md')).toBe('![Team](/_media/tenants/i1/uploads/2026/11/abc/team.png)');
  });

  it('escapes brackets in an embed label', () => {
    expect(rewrite('![[report.pdf|Q1 [draft]]]', 'vault/guide.md')).not.toContain('[Q1 [draft]');
  });
});

describe('linkedArchiveFiles', () => {
  it('lists every archive file a page links to, and changes nothing', () => {
    const content = '![a](assets/diagram%20one.png) [b](notes/setup.md) ![[report.pdf]] [c](https://x.test/y.png)';
    expect([...linkedArchiveFiles(content, 'vault/guide.md', index)].sort()).toEqual(['vault/assets/diagram one.png', 'vault/assets/report.pdf', 'vault/notes/setup.md']);
  });
});
