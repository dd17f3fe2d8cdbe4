import { describe, expect, it } from 'vitest';
import { matchesKeycloakRedirect } from './redirect-uri-match.ts';

const WILDCARD = ['https://app.example.com/*'];

describe("Keycloak's redirect URI matching", () => {
  it('accepts an exact registered URI and nothing else without a wildcard', () => {
    expect(matchesKeycloakRedirect('https://app.example.com/cb', ['https://app.example.com/cb'])).toBe(true);
    expect(matchesKeycloakRedirect('https://app.example.com/cb2', ['https://app.example.com/cb'])).toBe(false);
    expect(matchesKeycloakRedirect('https://app.example.com/cb?x=1', ['https://app.example.com/cb'])).toBe(false);
  });

  it('accepts any path under a wildcard, with any query, and the bare origin', () => {
    expect(matchesKeycloakRedirect('https://app.example.com/', WILDCARD)).toBe(true);
    expect(matchesKeycloakRedirect('https://app.example.com', WILDCARD)).toBe(true);
    expect(matchesKeycloakRedirect('https://app.example.com/a/b?c=d#e', WILDCARD)).toBe(true);
  });

  it('refuses other hosts, ports and schemes that merely share a prefix', () => {
    expect(matchesKeycloakRedirect('https://app.example.com.evil.test/', WILDCARD)).toBe(false);
    expect(matchesKeycloakRedirect('https://app.example.com:8443/', WILDCARD)).toBe(false);
    expect(matchesKeycloakRedirect('http://app.example.com/', WILDCARD)).toBe(false);
  });

  it('refuses tricks a prefix check could miss: user info, dot segments, encoded slashes, backslashes', () => {
    expect(matchesKeycloakRedirect('https://app.example.com/@evil.test/', WILDCARD)).toBe(true); // a path, harmless
    expect(matchesKeycloakRedirect('https://user@app.example.com/x', WILDCARD)).toBe(false);
    expect(matchesKeycloakRedirect('https://app.example.com/a/../b', WILDCARD)).toBe(false);
    expect(matchesKeycloakRedirect('https://app.example.com/%2e%2e/b', WILDCARD)).toBe(false);
    expect(matchesKeycloakRedirect('https://app.example.com/a%2Fb', WILDCARD)).toBe(false);
    expect(matchesKeycloakRedirect('https://app.example.com\\@evil.test/', WILDCARD)).toBe(false);
  });
});
