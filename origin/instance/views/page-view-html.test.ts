// The string-assembled page view must be the very markup the JSX screen renders.
import { raw } from 'hono/html';
import { jsx } from 'hono/jsx';
import { describe, expect, it } from 'vitest';
import type { PageView } from '../store/page-view.ts';
import { createPageViewRenderer, renderPageViewHtml } from './page-view-html.ts';
import { PageViewScreen } from './page-view.tsx';
import type { UiContext } from './ui-context.ts';

const ui = (over: Partial<UiContext> = {}): UiContext => ({
  instanceId: 'acme',
  instanceTitle: 'Acme wiki',
  userName: 'Ada',
  role: 'reader',
  canWrite: false,
  canAdmin: false,
  portalUrl: 'http://app.wikiplatform.localhost:8787',
  requestId: 'r1',
  asset: (name) => `/_static/${name}?v=0123456789ab`,
  uploads: false,
  files: false,
  ...over,
});

const page = (over: Partial<PageView> = {}): PageView => ({
  id: 7,
  path: '/handbook/onboarding',
  title: 'Onboarding',
  html: '<h2 id="a">A</h2><p>Hello &amp; welcome — ünïcödé, 日本語, 🎉</p>',
  toc: [],
  revision: 3,
  updatedAt: '2026-03-04T05:06:07.000Z',
  updatedByName: 'Bob',
  backlinks: [],
  ...over,
});

const viaJsx = (u: UiContext, p: PageView, sidebar: string) => String(jsx(PageViewScreen, { ui: u, page: p, sidebar: raw(sidebar) }));

const hostile = `<script>alert("x")</script> & 'quotes'`;

const cases: [string, UiContext, PageView][] = [
  ['a reader', ui(), page()],
  ['a writer', ui({ role: 'editor', canWrite: true }), page()],
  ['an admin', ui({ role: 'admin', canWrite: true, canAdmin: true }), page()],
  ['a reader of a wiki with uploaded files', ui({ files: true }), page()],
  ['a writer of a wiki with uploads', ui({ role: 'editor', canWrite: true, uploads: true, files: true }), page()],
  ['the home page', ui(), page({ path: '/', title: 'Home' })],
  ['a top-level page', ui({ canWrite: true, role: 'editor' }), page({ path: '/faq' })],
  ['a deep path with spaces and non-ASCII', ui({ canWrite: true, role: 'editor' }), page({ path: '/a b/ümlaut/c&d/x?y' })],
  ['a template, for a writer', ui({ canWrite: true, role: 'editor' }), page({ path: '/templates/meeting-notes' })],
  ['a template, for a reader', ui(), page({ path: '/templates/meeting-notes' })],
  ['no known author', ui(), page({ updatedByName: null })],
  ['a one-entry table of contents (hidden)', ui(), page({ toc: [{ level: 2, id: 'a', text: 'A' }] })],
  [
    'a table of contents and backlinks',
    ui(),
    page({
      toc: [
        { level: 2, id: 'a', text: 'A' },
        { level: 3, id: 'b-c', text: 'B & <c>' },
      ],
      backlinks: [
        { path: '/x y', title: 'X "quoted"' },
        { path: '/z', title: "Z's" },
      ],
      updatedAt: new Date('2026-12-31T23:59:59Z') as unknown as string,
    }),
  ],
  [
    'hostile names and titles everywhere',
    ui({ instanceTitle: hostile, userName: hostile, canWrite: true, canAdmin: true, role: 'admin', portalUrl: 'http://a/?"<>' }),
    page({ title: hostile, updatedByName: hostile, toc: [{ level: 1, id: hostile, text: hostile }, { level: 2, id: 'x', text: hostile }], backlinks: [{ path: `/${hostile}`, title: hostile }] }),
  ],
];

describe('renderPageViewHtml', () => {
  it.each(cases)('matches the JSX screen for %s', (_name, u, p) => {
    const sidebar = '<nav aria-label="Pages"><ul class="tree"><li><a href="/">Home</a></li></ul></nav>';
    expect(renderPageViewHtml(u, p, sidebar)).toBe(viaJsx(u, p, sidebar));
    const render = createPageViewRenderer();
    for (let i = 0; i < 2; i++) expect(Buffer.from(render(u, p, Buffer.from(sidebar))).toString('utf8')).toBe(viaJsx(u, p, sidebar));
  });

  it('re-renders the remembered article as soon as anything it shows changes', () => {
    const render = createPageViewRenderer();
    const sidebar = Buffer.from('<nav></nav>');
    const show = (u: UiContext, p: PageView) => {
      const html = Buffer.from(render(u, p, sidebar)).toString('utf8');
      expect(html).toBe(viaJsx(u, p, '<nav></nav>'));
      return html;
    };
    const first = page({ toc: [{ level: 2, id: 'a', text: 'A' }, { level: 2, id: 'b', text: 'B' }], backlinks: [{ path: '/x', title: 'X' }] });
    show(ui(), first);
    const changes: Partial<PageView>[] = [
      { revision: 4 },
      { title: 'Renamed' },
      { path: '/moved/here' },
      { html: '<p>new body, same revision (links re-rendered)</p>' },
      { updatedByName: 'Carol' },
      { updatedAt: '2026-03-04T05:06:08.000Z' },
      { toc: [{ level: 2, id: 'a', text: 'A' }, { level: 3, id: 'b', text: 'B' }] },
      { toc: [{ level: 2, id: 'a', text: 'A' }, { level: 2, id: 'b', text: 'B2' }] },
      { backlinks: [{ path: '/x', title: 'X renamed' }] },
      { backlinks: [] },
    ];
    for (const change of changes) {
      show(ui(), first);
      show(ui(), { ...first, ...change });
    }
    // Readers and writers see different actions for the same page.
    expect(show(ui({ canWrite: true, role: 'editor' }), first)).toContain('data-testid="edit-page"');
    expect(show(ui(), first)).not.toContain('data-testid="edit-page"');
  });

  it('stays within its byte budget', () => {
    const render = createPageViewRenderer({ maxBytes: 64 * 1024 });
    for (let id = 1; id <= 500; id++) {
      const p = page({ id, path: `/p${id}`, backlinks: [{ path: '/x', title: 'x'.repeat(200) }] });
      expect(Buffer.from(render(ui(), p, Buffer.alloc(0))).toString('utf8')).toBe(viaJsx(ui(), p, ''));
    }
  });

  it('follows a settings change of the instance title', () => {
    expect(renderPageViewHtml(ui({ instanceTitle: 'Before' }), page(), '')).toContain('>Before</a>');
    expect(renderPageViewHtml(ui({ instanceTitle: 'After' }), page(), '')).toContain('>After</a>');
  });
});
