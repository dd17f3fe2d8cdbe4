import { describe, expect, it } from 'vitest';
import { escapeHtml } from '#shared/escape-html';
import { decodeHtml } from './login-client.ts';

describe('decodeHtml', () => {
  it('reads back every value our pages escape', () => {
    const value = `/realms/r/login?a=1&b="<x>"&c='y'`;
    expect(decodeHtml(escapeHtml(value))).toBe(value);
  });

  it('reads numeric entities too, as other servers write them', () => {
    expect(decodeHtml('a&#38;b&#34;c&#39;d&#233;')).toBe(`a&b"c'dé`);
  });

  it('decodes once, so an escaped entity stays text', () => {
    expect(decodeHtml('&amp;lt; &amp;#39;')).toBe('&lt; &#39;');
  });

  it('leaves what is not an entity alone', () => {
    expect(decodeHtml('a & b &nbsp; &#99999999; &copy')).toBe('a & b &nbsp; &#99999999; &copy');
  });
});
