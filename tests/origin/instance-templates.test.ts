// Page templates: the pages under /templates are offered on the new-page form, and the one chosen fills
// the editor with its placeholders filled. Real Postgres, the server-rendered UI driven without JavaScript.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDate } from '../../origin/instance/policy/templates.ts';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { createPage, demoteReader, editor, reader } from './helpers/people.ts';

let h: InstanceHarness;
beforeAll(async () => {
  h = await startInstance('instance1');
  await demoteReader(h);
});
afterAll(() => h.close());

const html = async (path: string, as = editor) => {
  const res = await h.request(path, { as, headers: { accept: 'text/html' } });
  return { status: res.status, text: await res.text() };
};
const textarea = (page: string) => /<textarea[^>]*name="content"[^>]*>([\s\S]*?)<\/textarea>/.exec(page)?.[1];
const templateLinks = (page: string) => [...page.matchAll(/<a href="([^"]+)"[^>]*data-template-choice="([^"]+)"[^>]*>([^<]*)<\/a>/g)].map((m) => ({ href: m[1]!.replaceAll('&amp;', '&'), path: m[2]!, title: m[3]! }));

const MEETING = '# {{title}}\n\nHeld on {{ date }}, notes by {{user}}.\n\n## Decisions\n';

describe('page templates', () => {
  it('says where templates come from while the wiki has none', async () => {
    const page = await html('/_new');
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="templates"');
    expect(page.text).toContain('Pages under <a href="/templates">/templates</a> are offered here as templates.');
    expect(templateLinks(page.text)).toEqual([]);
  });

  it('offers every live page below /templates by title, not the section page, other pages or trashed templates', async () => {
    await createPage(h, { path: '/templates', title: 'Templates', content: 'What each template is for.' });
    await createPage(h, { path: '/templates/meeting-notes', title: 'Meeting notes', content: MEETING });
    await createPage(h, { path: '/templates/hr/onboarding', title: 'Checklist for a newcomer', content: '- [ ] laptop for {{user}}' });
    await createPage(h, { path: '/templates-archive/old', title: 'Archived look-alike', content: 'x' });
    const old = await createPage(h, { path: '/templates/old', title: 'Old template', content: 'x' });
    expect((await h.api(`/api/pages/${old.id}`, { method: 'DELETE', as: editor })).status).toBe(200);

    const links = templateLinks((await html('/_new')).text);
    expect(links.map((l) => [l.title, l.path])).toEqual([
      ['Checklist for a newcomer', '/templates/hr/onboarding'],
      ['Meeting notes', '/templates/meeting-notes'],
    ]);
  });

  it('fills the editor with the chosen template, its date, user and title placeholders filled', async () => {
    const before = isoDate(new Date());
    const page = await html('/_new?title=Weekly%20sync&template=%2Ftemplates%2Fmeeting-notes');
    const after = isoDate(new Date());
    expect(page.status).toBe(200);
    const text = textarea(page.text);
    // The day may turn over during the request; either side of it is right.
    expect([before, after].map((day) => `# Weekly sync\n\nHeld on ${day}, notes by Eddie Editor.\n\n## Decisions\n`)).toContain(text);
    expect(page.text).toContain('name="title" value="Weekly sync"');
    expect(page.text).toMatch(/<a href="[^"]*" aria-current="page" data-template-choice="\/templates\/meeting-notes">/);
  });

  it('leaves the title placeholder for the writer when the form has no title yet', async () => {
    const text = textarea((await html('/_new?template=/templates/meeting-notes')).text);
    expect(text).toMatch(/^# \{\{title\}\}\n\nHeld on \d{4}-\d{2}-\d{2}, notes by Eddie Editor\./);
  });

  it('keeps the title and path the form was opened with in every template link (a red link, a new subpage)', async () => {
    const page = await html('/_new?path=%2Fteam%2Fretro&title=Retro');
    expect(page.text).toContain('name="path" value="/team/retro"');
    const meeting = templateLinks(page.text).find((l) => l.path === '/templates/meeting-notes');
    expect(meeting?.href).toBe('/_new?title=Retro&path=%2Fteam%2Fretro&template=%2Ftemplates%2Fmeeting-notes');
    const chosen = await html(meeting!.href);
    expect(chosen.text).toContain('name="path" value="/team/retro"');
    expect(textarea(chosen.text)).toMatch(/^# Retro\n/);
    // Saved like any page: the text is what the writer saw.
    const saved = await h.request('/_new', {
      method: 'POST', as: editor, headers: { accept: 'text/html' },
      body: new URLSearchParams({ title: 'Retro', path: '/team/retro', content: textarea(chosen.text)!.replaceAll('&amp;', '&'), intent: 'save' }),
    });
    expect(saved.status).toBe(303);
    expect((await html('/team/retro')).text).toContain('notes by Eddie Editor.');
  });

  it('refuses a template outside /templates with a 400, and a missing or trashed one with a 404', async () => {
    for (const path of ['/team/retro', '/templates', '/templates-archive/old', '..', '/templates/%%', 'x'.repeat(700)]) {
      const res = await h.request(`/_new?template=${encodeURIComponent(path)}`, { as: editor });
      expect(res.status, path).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: 'validation_failed' });
    }
    for (const path of ['/templates/nothing', '/templates/old']) {
      const res = await h.request(`/_new?template=${encodeURIComponent(path)}`, { as: editor });
      expect(res.status, path).toBe(404);
      expect((await res.json()).error).toMatchObject({ code: 'not_found' });
    }
  });

  it('lets readers see templates as pages but not start one', async () => {
    expect((await h.request('/_new?template=/templates/meeting-notes', { as: reader })).status).toBe(403);
    const asReader = await html('/templates/meeting-notes', reader);
    expect(asReader.status).toBe(200);
    expect(asReader.text).not.toContain('data-testid="use-template"');
    const asEditor = await html('/templates/meeting-notes');
    expect(asEditor.text).toContain('<a href="/_new?template=%2Ftemplates%2Fmeeting-notes" data-testid="use-template">New page from this template</a>');
    expect((await html('/team/retro')).text).not.toContain('data-testid="use-template"');
  });

  it('offers no templates on the edit form', async () => {
    expect((await html('/_edit/team/retro')).text).not.toContain('data-testid="templates"');
  });
});
