// The edge's cookie reading (edge/cookies.ts): the hot path's scanner must find exactly what the full
// parser finds, and the Cookie header forwarded to origins must never carry the edge's own cookies.
import { describe, expect, it } from 'vitest';
import { cookieValue, parseCookies, withoutEdgeCookies } from '../../edge/cookies.ts';

const NAME = 'wp_session';

describe('cookieValue', () => {
  it('finds what parseCookies finds, on headers written to trip a scanner', () => {
    const headers = [
      'wp_session=abc',
      ' wp_session = abc ; theme=dark',
      'theme=dark; wp_session=abc',
      'wp_session_old=x; wp_session=abc',
      'xwp_session=x; wp_session=abc',
      'wp_session=first; wp_session=second',
      'wp_session x=1; wp_session=abc',
      'wp_session; wp_session=abc',
      '\u00a0wp_session=nbsp\t',
      'wp_session==a=b',
      'wp_session=',
      '=wp_session; a=b',
      ';;; ;wp_session=abc;;',
      'theme=dark',
      'wp_sessio=abc',
      '',
    ];
    for (const header of headers) expect(cookieValue(header, NAME), JSON.stringify(header)).toBe(parseCookies(header).get(NAME));
    expect(cookieValue(null, NAME)).toBeUndefined();
  });

  it('agrees with parseCookies on random headers made of cookie-ish pieces', () => {
    const pieces = ['wp_session', 'wp_', 'session', '=', ';', ' ', '\t', 'a', 'b=c', '\u00a0', 'wp_login_x'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let round = 0; round < 5000; round += 1) {
      let header = '';
      for (let n = next() % 12; n > 0; n -= 1) header += pieces[next() % pieces.length];
      expect(cookieValue(header, NAME), JSON.stringify(header)).toBe(parseCookies(header).get(NAME));
    }
  });
});

describe('withoutEdgeCookies', () => {
  it('drops a lone edge cookie and keeps a lone other one, trimmed', () => {
    expect(withoutEdgeCookies('wp_session=abc')).toBeNull();
    expect(withoutEdgeCookies(' wp_session = abc ')).toBeNull();
    expect(withoutEdgeCookies('wp_login_123=state')).toBeNull();
    expect(withoutEdgeCookies(' theme=dark ')).toBe('theme=dark');
    expect(withoutEdgeCookies('flag')).toBe('flag');
    expect(withoutEdgeCookies('   ')).toBeNull();
  });

  it('keeps every other cookie of a longer header, in order', () => {
    expect(withoutEdgeCookies('a=1; wp_session=abc; b=2; wp_login_x=s')).toBe('a=1; b=2');
    expect(withoutEdgeCookies('wp_session=abc; wp_login_x=s')).toBeNull();
  });
});
