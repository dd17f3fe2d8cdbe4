import { describe, expect, it } from 'vitest';
import { securityHeaderEntries } from './security-headers.ts';
import { publicUrl, servesHttps } from './public-url.ts';

describe('public URLs', () => {
  it('builds a sibling URL from the pattern', () => {
    expect(publicUrl('https://{host}.wiki.example', 'app', '/plans')).toBe('https://app.wiki.example/plans');
  });

  it('counts as https only a real domain over https, as the edge does for HSTS', () => {
    expect(servesHttps('https://{host}.wiki.example')).toBe(true);
    expect(servesHttps('http://{host}.wiki.example')).toBe(false);
    expect(servesHttps('https://{host}.wikiplatform.localhost:8787')).toBe(false);
    expect(servesHttps('https://localhost:8443')).toBe(false);
  });

  it('sends HSTS from an origin only when its public side is https', () => {
    const names = (hsts: boolean) => securityHeaderEntries({ hsts }).map(([name]) => name);
    expect(names(true)).toContain('strict-transport-security');
    expect(names(false)).not.toContain('strict-transport-security');
  });
});
