import { html } from 'hono/html';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from './escape-html.ts';

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters with the entities hono/jsx uses', () => {
    expect(escapeHtml(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&#39;f');
  });

  it('escapes every occurrence, including a run of them', () => {
    expect(escapeHtml(`<<&&"">>''`)).toBe('&lt;&lt;&amp;&amp;&quot;&quot;&gt;&gt;&#39;&#39;');
  });

  it('escapes an ampersand that already starts an entity, so text round-trips', () => {
    expect(escapeHtml('&amp; &#39;')).toBe('&amp;amp; &amp;#39;');
  });

  it('returns a string with nothing to escape unchanged', () => {
    for (const text of ['', 'plain', '/a/b?c=d', 'ünïcödé 日本語 🎉', 'line\nbreak']) expect(escapeHtml(text)).toBe(text);
  });

  it('leaves no markup-breaking character in an attribute value or element text', () => {
    const out = escapeHtml(`"><script>alert('x')</script>`);
    expect(out).toBe('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;');
    expect(out).not.toMatch(/[<>"']/);
  });

  it('produces the same bytes as hono for every ASCII character and a mixed sample', () => {
    const samples = [...Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)), `Tom & Jerry's "<b>" 日本語 & more`];
    for (const text of samples) expect(escapeHtml(text)).toBe(String(html`${text}`));
  });
});
