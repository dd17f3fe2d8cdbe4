// The allow-list every rendered page goes through (sanitize-html). Anything not listed is dropped: no
// script, no event handler, no style attribute at all, no javascript:/data: URL, no SVG/iframe.
import sanitizeHtml from 'sanitize-html';

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const SAFE_ID = /^[\p{L}\p{N}-]{1,100}$/u;
const ALIGN = /(?:^|;)\s*text-align\s*:\s*(left|right|center)\s*(?:;|$)/i;

/** markdown-it aligns table cells with style="text-align:…"; the CSP forbids inline styles, so it becomes a class. */
function alignCell(tag: string) {
  return (_tag: string, attribs: sanitizeHtml.Attributes) => {
    const { style, class: cls, ...rest } = attribs;
    const align = style ? ALIGN.exec(style)?.[1]?.toLowerCase() : undefined;
    const classes = [cls, align ? `align-${align}` : ''].filter(Boolean).join(' ');
    return { tagName: tag, attribs: classes ? { ...rest, class: classes } : rest };
  };
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    ...HEADINGS, 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'kbd', 'samp', 'var', 'sub', 'sup',
    'strong', 'b', 'em', 'i', 'u', 's', 'del', 'ins', 'mark', 'small', 'abbr', 'a', 'img',
    'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
    'span', 'div', 'details', 'summary', 'input', 'figure', 'figcaption',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'aria-hidden', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
    ol: ['start'],
    input: ['type', 'checked', 'disabled'],
    abbr: ['title'],
    details: ['open'],
    ...Object.fromEntries(HEADINGS.map((h) => [h, ['id']])),
  },
  allowedClasses: {
    a: ['wiki-link', 'wiki-missing', 'header-anchor'],
    code: ['hljs', 'language-*'],
    pre: ['hljs'],
    span: ['hljs-*'],
    li: ['task-list-item'],
    ul: ['contains-task-list'],
    ol: ['contains-task-list'],
    th: ['align-left', 'align-right', 'align-center'],
    td: ['align-left', 'align-right', 'align-center'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Text inside these is code or markup, never content worth keeping.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'svg', 'math', 'template', 'iframe', 'object'],
  transformTags: {
    th: alignCell('th'),
    td: alignCell('td'),
    // A checkbox is all an input may be, and never an editable one.
    input: (_tag, attribs) => ({
      tagName: 'input',
      attribs: { type: 'checkbox', disabled: '', ...('checked' in attribs ? { checked: '' } : {}) },
    }),
    a: (_tag, attribs) => {
      const { rel: _authorRel, ...rest } = attribs;
      const external = /^(https?:|mailto:)/i.test(attribs.href ?? '');
      return { tagName: 'a', attribs: external ? { ...rest, rel: 'nofollow noopener noreferrer' } : rest };
    },
    ...Object.fromEntries(
      HEADINGS.map((h) => [
        h,
        (_tag: string, attribs: sanitizeHtml.Attributes) => ({
          tagName: h,
          // Ids outside our slug shape could clobber DOM globals.
          attribs: attribs.id && SAFE_ID.test(attribs.id) ? { id: attribs.id } : {},
        }),
      ]),
    ),
  },
};

export function sanitizeRendered(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
