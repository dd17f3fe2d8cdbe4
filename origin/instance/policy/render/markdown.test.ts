import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

const HOSTILE: Record<string, string> = {
  'script tag': '<script>alert(1)</script>',
  'script split across tags': '<scr<script>ipt>alert(1)</script>',
  'img onerror': '<img src=x onerror=alert(1)>',
  'unclosed img with handler': '<img src="x" onerror="alert(1)"',
  'onclick on a link': '<a href="/x" onclick="alert(1)">x</a>',
  'details ontoggle': '<details open ontoggle=alert(1)><summary>s</summary></details>',
  'markdown javascript link': '[click](javascript:alert(1))',
  'mixed-case javascript href': '<a href="JaVaScRiPt:alert(1)">x</a>',
  'entity-encoded javascript href': '<a href="&#106;avascript:alert(1)">x</a>',
  'javascript href with a tab': '<a href="java\tscript:alert(1)">x</a>',
  'vbscript href': '<a href="vbscript:msgbox(1)">x</a>',
  'data URL image': '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  'data URL html link': '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  'svg with script': '<svg><script>alert(1)</script></svg>',
  'svg onload': '<svg onload=alert(1)><circle r=1 /></svg>',
  'math mXSS': '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  'css expression': '<p style="width: expression(alert(1))">x</p>',
  'css url': '<div style="background:url(javascript:alert(1))">x</div>',
  'style smuggled into table alignment': '<table><tr><th style="text-align:left;background:url(javascript:alert(1))">x</th></tr></table>',
  'style element': '<style>body{background:url(javascript:alert(1))}</style>',
  'iframe': '<iframe src="https://evil.example"></iframe>',
  'object and embed': '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">',
  'form with input': '<form action="https://evil.example"><input type="text" name="p" onfocus="alert(1)" autofocus></form>',
  'meta refresh': '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  'base and link': '<base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css">',
  'wiki link label with markup': '[[Page|<img src=x onerror=alert(1)>]]',
  'code fence language injection': '```"><script>alert(1)</script>\ncode\n```',
  'heading id clobbering': '<h2 id="location hash" onclick="x">h</h2>',
  'protocol-relative link': '<a href="//evil.example/x">x</a>',
  'broken nesting': '<b><i>text</b></i><p><a href="javascript:alert(1)"<p>',
};

/** Checks every real tag of the output (escaped text such as `&lt;img onerror=…` is inert by construction). */
function expectInert(html: string) {
  const tags = [...html.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)];
  for (const [tag, name, attrs = ''] of tags) {
    expect(name?.toLowerCase()).not.toMatch(/^(script|svg|math|iframe|object|embed|form|style|meta|base|link|textarea|template)$/);
    expect(attrs).not.toMatch(/(^|\s)on[a-z]+\s*=/i);
    expect(attrs).not.toMatch(/(href|src)\s*=\s*"?\s*(javascript|vbscript|data):/i);
    expect(attrs).not.toMatch(/(href|src)\s*=\s*"\/\//i);
    expect(attrs).not.toMatch(/\sstyle\s*=/i);
    for (const [, id] of attrs.matchAll(/\sid="([^"]*)"/g)) expect(id).toMatch(/^[\p{L}\p{N}-]+$/u);
    if (name === 'input') expect(tag).toMatch(/^<input type="checkbox" disabled( checked)? \/?>$/);
  }
  // Whatever survives as text cannot open a tag.
  expect(html.replace(/<\/?[a-zA-Z][\w-]*[^>]*>/g, '')).not.toContain('<');
}

describe('rendering hostile Markdown', () => {
  for (const [name, source] of Object.entries(HOSTILE)) {
    it(`leaves no executable content from: ${name}`, () => {
      expectInert(renderMarkdown(source, '/docs/page').html);
    });
  }

  it('leaves no executable content when every hostile input is in one page', () => {
    expectInert(renderMarkdown(Object.values(HOSTILE).join('\n\n'), '/docs/page').html);
  });
});

describe('rendering wiki Markdown', () => {
  it('renders GFM tables with alignment, strikethrough, autolinks and task lists', () => {
    const { html } = renderMarkdown('| a | b |\n|:--|--:|\n| 1 | 2 |\n\n~~old~~ https://example.com\n\n- [ ] todo\n- [x] done');
    expect(html).toContain('<th class="align-left">a</th>');
    expect(html).toContain('<td class="align-right">2</td>');
    expect(html).toContain('<s>old</s>');
    expect(html).toContain('<a href="https://example.com" rel="nofollow noopener noreferrer">');
    expect(html).toContain('<li class="task-list-item"><input type="checkbox" disabled /> todo</li>');
    expect(html).toContain('<input type="checkbox" disabled checked />');
  });

  it('highlights fenced code in a known language', () => {
    const { html } = renderMarkdown('```js\nconst a = 1;\n```');
    expect(html).toContain('<code class="hljs language-js"><span class="hljs-keyword">const</span>');
  });

  it('gives headings unique anchors and lists them in the table of contents', () => {
    const { html, toc } = renderMarkdown('# Guide\n## Install\n## Install\n### Café crème');
    expect(toc.map((t) => t.id)).toEqual(['guide', 'install', 'install-1', 'cafe-creme']);
    expect(html).toContain('<h2 id="install-1">');
    expect(html).toContain('<a class="header-anchor" href="#install"');
  });

  it('lists wiki links and relative links as references, resolved like a browser would', () => {
    const { refs } = renderMarkdown('[[Getting  Started]] [[/Team/People|team]] [sib](tools) [up](../faq) [ext](https://x.test) [asset](/_static/app.css)', '/handbook/onboarding');
    expect(refs).toEqual([
      { kind: 'title', key: 'getting started' },
      { kind: 'path', key: '/team/people' },
      { kind: 'path', key: '/handbook/tools' },
      { kind: 'path', key: '/faq' },
    ]);
  });

  it('points resolved links at the target page current path and marks missing ones', () => {
    const resolution = new Map([['title:getting started', { id: 1, path: '/guides/start' }], ['path:/old', { id: 2, path: '/new-place' }]]);
    const { html } = renderMarkdown('[[Getting Started]] [[Nowhere]] [moved](/old#part)', '/', resolution);
    expect(html).toContain('<a class="wiki-link" href="/guides/start">Getting Started</a>');
    expect(html).toContain('<a class="wiki-missing" href="/_new?title=Nowhere">Nowhere</a>');
    expect(html).toContain('<a href="/new-place#part" class="wiki-link">moved</a>');
  });

  it('reads a wiki link of up to 400 characters and leaves a longer one as text', () => {
    // `Target|` and a label: 398 characters between the brackets.
    expect(renderMarkdown(`[[Target|${'a'.repeat(391)}]]`).refs).toEqual([{ kind: 'title', key: 'target' }]);
    expect(renderMarkdown(`[[Target|${'a'.repeat(392)}]]`).refs).toEqual([]);
    expect(renderMarkdown(`${'[['.repeat(1000)} [[Last]]`).refs).toEqual([{ kind: 'title', key: 'last' }]);
  });

  it('extracts the words a reader sees for search', () => {
    expect(renderMarkdown('# Title\nSome **bold** text and `code`.').plainText).toBe('Title\nSome bold text and code.');
  });
});
