import { describe, expect, it } from 'vitest';
import { EXPORT_FORMAT } from './export-layout.ts';
import { exportedFiles, importedFileType, MAX_IMPORT_PAGES, planImport, splitFrontMatter } from './import-layout.ts';

const manifest = JSON.stringify({ format: EXPORT_FORMAT });
const md = (name: string, text: string) => ({ name, text });

function pagesOf(plan: ReturnType<typeof planImport>) {
  if (!plan.ok) throw new Error(plan.problems.join('\n'));
  return plan.pages.map(({ path, title, content }) => ({ path, title, content }));
}

describe('wiki import layout', () => {
  it('takes a wikiplatform export back at the paths and titles its front matter names, skipping its README', () => {
    const plan = planImport(
      [
        md('README.md', '# An export'),
        md('pages/_index.md', '---\ntitle: "Home"\npath: "/"\n---\n\nWelcome.\n'),
        md('pages/handbook/onboarding.md', '---\ntitle: "On: boarding"\npath: "/handbook/onboarding"\nrevision: 4\n---\n\nSee [[Handbook]].\n'),
      ],
      manifest,
    );
    expect(pagesOf(plan)).toEqual([
      { path: '/', title: 'Home', content: 'Welcome.\n' },
      { path: '/handbook/onboarding', title: 'On: boarding', content: 'See [[Handbook]].\n' },
    ]);
  });

  it('maps a folder of Markdown to the hierarchy, dropping the one folder that holds everything', () => {
    const plan = planImport(
      [
        md('My Vault/README.md', 'The vault.'),
        md('My Vault/Guides/index.md', '# All guides\n'),
        md('My Vault/Guides/Getting Started.md', 'Steps.'),
        md('My Vault/.obsidian/workspace.md', 'ignored'),
        md('__MACOSX/My Vault/._x.md', 'ignored'),
      ],
      undefined,
    );
    expect(pagesOf(plan)).toEqual([
      { path: '/guides/getting-started', title: 'Getting Started', content: 'Steps.' },
      { path: '/guides', title: 'All guides', content: '# All guides\n' },
      { path: '/', title: 'Home', content: 'The vault.' },
    ]);
  });

  it('keeps top-level folders as levels when files sit in several', () => {
    expect(pagesOf(planImport([md('a/x.md', 'x'), md('b/y.md', 'y')], undefined)).map((p) => p.path)).toEqual(['/a/x', '/b/y']);
  });

  it('refuses the whole archive, naming each file, for bad front matter, clashing paths and reserved or NUL-holding pages', () => {
    const plan = planImport(
      [
        md('notes/broken.md', '---\ntitle: [unclosed\n---\nbody'),
        md('notes/Team Notes.md', 'one'),
        md('notes/team-notes.md', 'two'),
        md('api/secret.md', 'x'),
        md('nul.md', 'a\u0000b'),
      ],
      undefined,
    );
    expect(plan.ok).toBe(false);
    const problems = plan.ok ? [] : plan.problems;
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('notes/broken.md'))).toContain('not valid YAML');
    expect(problems.find((p) => p.startsWith('notes/team-notes.md'))).toContain('same page path (/notes/team-notes) as notes/Team Notes.md');
    expect(problems.find((p) => p.startsWith('api/secret.md'))).toContain('/api');
    expect(problems.find((p) => p.startsWith('nul.md'))).toContain('NUL');
  });

  it('refuses an archive without Markdown and one with more pages than an import takes', () => {
    expect(planImport([md('photo.png', '')], undefined)).toEqual({ ok: false, problems: ['The archive holds no Markdown (.md) files.'] });
    const many = Array.from({ length: MAX_IMPORT_PAGES + 1 }, (_, i) => md(`p${i}.md`, 'x'));
    expect(planImport(many, undefined).ok).toBe(false);
  });

  it('reads front matter with Windows line endings and a byte-order mark, and leaves a body without any alone', () => {
    expect(splitFrontMatter('\uFEFF---\r\ntitle: "T"\r\n---\r\nBody\r\n')).toEqual({ front: { title: 'T' }, body: 'Body\n' });
    expect(splitFrontMatter('No front matter\n---\nnot a block')).toEqual({ front: {}, body: 'No front matter\n---\nnot a block' });
    expect(splitFrontMatter('---\n- a list\n---\nx')).toEqual({ error: 'its front matter is not a set of fields' });
  });
});

describe('importedFileType', () => {
  it('takes the type an export lists, else the one the extension names, and refuses what uploads refuse', () => {
    expect(importedFileType('media/x/photo', 'image/PNG')).toBe('image/png');
    expect(importedFileType('assets/Report.PDF')).toBe('application/pdf');
    expect(importedFileType('assets/photo.jpeg')).toBe('image/jpeg');
    expect(importedFileType('assets/logo.svg')).toBeNull();
    expect(importedFileType('assets/page.html', 'text/html')).toBeNull();
    expect(importedFileType('assets/noextension')).toBeNull();
  });
});

describe('exportedFiles', () => {
  const manifest = (files: unknown) => JSON.stringify({ format: EXPORT_FORMAT, files });

  it("reads an export's file list: archive name to original name and type, files left out of the archive skipped", () => {
    const files = exportedFiles(manifest([
      { file: 'media/2026/11/a/team.png', filename: 'Team photo.png', contentType: 'image/png', key: 'k', size: 1 },
      { file: null, filename: 'gone.pdf', contentType: 'application/pdf' },
    ]));
    expect([...files]).toEqual([['media/2026/11/a/team.png', { filename: 'Team photo.png', contentType: 'image/png' }]]);
  });

  it('reads nothing from a manifest of another kind or of the wrong shape', () => {
    expect(exportedFiles(JSON.stringify({ format: 'other', files: [{ file: 'a.png', filename: 'a.png', contentType: 'image/png' }] })).size).toBe(0);
    expect(exportedFiles(manifest([{ file: 'a.png', filename: 42 }])).size).toBe(0);
    expect(exportedFiles(undefined).size).toBe(0);
  });
});
