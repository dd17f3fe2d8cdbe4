import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { originAccessWarnings } from './origin-access-check.ts';
import { productionVars } from './wrangler-vars.ts';

const ROOT = join(import.meta.dirname, '../..');
const vars = (entries: Record<string, string>) => new Map(Object.entries(entries));
const registry = (origin: string) => JSON.stringify([{ id: 'instance1', origin, maintenance: false }]);

describe('originAccessWarnings', () => {
  it('warns when https origins are reached without the Access Client ID, naming each host once', () => {
    const warnings = originAccessWarnings(
      vars({
        INSTANCES: registry('https://instance1.origin.example.app'),
        PORTAL_ORIGIN: 'https://portal.origin.example.app',
        IDP_ORIGIN: 'https://keycloak.origin.example.app',
        OIDC_INTERNAL_URL: 'https://keycloak.origin.example.app/realms/wikiplatform',
        ORIGIN_ACCESS_CLIENT_ID: '',
      }),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('reaches portal.origin.example.app, keycloak.origin.example.app, instance1.origin.example.app without ORIGIN_ACCESS_CLIENT_ID');
  });

  it('says nothing once the Client ID is set, or when no origin is https (local)', () => {
    expect(originAccessWarnings(vars({ PORTAL_ORIGIN: 'https://portal.origin.example.app', ORIGIN_ACCESS_CLIENT_ID: 'abc.access' }))).toEqual([]);
    expect(originAccessWarnings(vars({ INSTANCES: registry('http://127.0.0.1:3001'), PORTAL_ORIGIN: 'http://127.0.0.1:3000' }))).toEqual([]);
    expect(originAccessWarnings(vars({ INSTANCES: 'not json' }))).toEqual([]);
  });

  it('warns on the committed production wrangler.toml until the Client ID is filled in', () => {
    const read = productionVars(readFileSync(join(ROOT, 'wrangler.toml'), 'utf8'));
    if (!read.ok) throw new Error(read.problem);
    const values = new Map([...read.vars].map(([name, line]) => [name, line.value]));
    expect(values.get('ORIGIN_ACCESS_CLIENT_ID')).toBe('');
    expect(originAccessWarnings(values)).toHaveLength(1);
  });
});
