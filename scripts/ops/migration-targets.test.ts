import { describe, expect, it } from 'vitest';
import type { InstanceRegistry } from '#shared/instance-registry';
import { databaseUrlVariable, migrationTargets, parseRegistry } from './migration-targets.ts';

const registry: InstanceRegistry = [
  { id: 'instance1', origin: 'https://i1.example', maintenance: false },
  { id: 'team-wiki', origin: 'https://tw.example', maintenance: false },
];
const env = {
  DATABASE_URL_INSTANCE1: 'postgres://a:b@db-instance1:5432/instance1',
  DATABASE_URL_TEAM_WIKI: 'postgresql://a:b@db-team-wiki:5432/team_wiki',
  DATABASE_URL_PORTAL: 'postgres://a:b@portal-db:5432/portal',
};

describe('databaseUrlVariable', () => {
  it('upper-cases the id and turns dashes into underscores', () => {
    expect(databaseUrlVariable('instance1')).toBe('DATABASE_URL_INSTANCE1');
    expect(databaseUrlVariable('team-wiki')).toBe('DATABASE_URL_TEAM_WIKI');
  });
});

describe('migrationTargets', () => {
  it('lists every registry instance then the portal, each with its URL and role', () => {
    const result = migrationTargets(registry, env);
    expect(result).toEqual({
      ok: true,
      targets: [
        { name: 'instance1', role: 'instance', url: env.DATABASE_URL_INSTANCE1, variable: 'DATABASE_URL_INSTANCE1' },
        { name: 'team-wiki', role: 'instance', url: env.DATABASE_URL_TEAM_WIKI, variable: 'DATABASE_URL_TEAM_WIKI' },
        { name: 'portal', role: 'portal', url: env.DATABASE_URL_PORTAL, variable: 'DATABASE_URL_PORTAL' },
      ],
    });
  });

  it('names every missing or malformed variable at once', () => {
    const result = migrationTargets(registry, { DATABASE_URL_INSTANCE1: 'mysql://x/y' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'DATABASE_URL_INSTANCE1: must be a postgres:// URL',
      'DATABASE_URL_TEAM_WIKI: not set (the database URL of team-wiki)',
      'DATABASE_URL_PORTAL: not set (the database URL of portal)',
    ]);
  });

  it('with --only needs just that database and migrates nothing else', () => {
    const result = migrationTargets(registry, { DATABASE_URL_TEAM_WIKI: env.DATABASE_URL_TEAM_WIKI }, 'team-wiki');
    expect(result.ok && result.targets.map((t) => t.name)).toEqual(['team-wiki']);
  });

  it('refuses --only for a name that is neither an instance nor the portal', () => {
    const result = migrationTargets(registry, env, 'instance9');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]).toMatch(/--only instance9: not an instance/);
  });
});

describe('parseRegistry', () => {
  it('accepts the registry JSON the edge takes', () => {
    const result = parseRegistry(JSON.stringify(registry), 'INSTANCES');
    expect(result.ok && result.registry.map((i) => i.id)).toEqual(['instance1', 'team-wiki']);
  });

  it('reports an unset, unparseable or invalid registry against its source', () => {
    expect(parseRegistry(undefined, 'INSTANCES')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^INSTANCES: not set/)] });
    expect(parseRegistry('[{', 'INSTANCES')).toEqual({ ok: false, problems: ['INSTANCES: must be valid JSON'] });
    const dup = parseRegistry(JSON.stringify([registry[0], registry[0]]), 'INSTANCES');
    expect(dup).toMatchObject({ ok: false, problems: [expect.stringContaining('instance ids must be unique')] });
  });
});
