import { describe, expect, it } from 'vitest';
import type { InstanceRegistry } from '#shared/instance-registry';
import { backupTargets, everyBackupTarget, namedDatabase } from './backup-targets.ts';

const registry: InstanceRegistry = [
  { id: 'instance1', origin: 'https://i1.example', maintenance: false },
  { id: 'team-wiki', origin: 'https://tw.example', maintenance: true },
];
const env = {
  DATABASE_URL_INSTANCE1: 'postgres://a:b@db-instance1:5432/instance1',
  DATABASE_URL_TEAM_WIKI: 'postgres://a:b@db-team-wiki:5432/team_wiki',
  DATABASE_URL_PORTAL: 'postgres://a:b@portal-db:5432/portal',
};

describe('namedDatabase', () => {
  it('knows the portal and the registry instances', () => {
    expect(namedDatabase(registry, 'portal')).toEqual({ ok: true, name: 'portal', role: 'portal' });
    expect(namedDatabase(registry, 'team-wiki')).toEqual({ ok: true, name: 'team-wiki', role: 'instance' });
  });

  it('names the known databases when given another', () => {
    expect(namedDatabase(registry, 'instance9')).toEqual({ ok: false, problem: '"instance9": not an instance of the registry nor "portal" (known: instance1, team-wiki, portal)' });
  });
});

describe('backupTargets', () => {
  it('gives every instance then the portal without a name, and just the named one with', () => {
    const all = backupTargets(registry, env);
    expect(all.ok && all.targets.map((t) => t.name)).toEqual(['instance1', 'team-wiki', 'portal']);
    const one = backupTargets(registry, env, 'team-wiki');
    expect(one).toEqual({ ok: true, targets: [{ name: 'team-wiki', role: 'instance', url: env.DATABASE_URL_TEAM_WIKI, variable: 'DATABASE_URL_TEAM_WIKI' }] });
  });

  it('names an unknown database or a missing URL', () => {
    expect(backupTargets(registry, env, 'nope')).toMatchObject({ ok: false, problems: [expect.stringContaining('"nope": not an instance')] });
    expect(backupTargets(registry, {}, 'portal')).toEqual({ ok: false, problems: ['DATABASE_URL_PORTAL: not set (the database URL of portal)'] });
  });
});

describe('everyBackupTarget', () => {
  it('resolves each database on its own, so one missing URL leaves the others', () => {
    const { DATABASE_URL_TEAM_WIKI: _, ...rest } = env;
    expect(everyBackupTarget(registry, rest)).toEqual([
      { name: 'instance1', target: { name: 'instance1', role: 'instance', url: env.DATABASE_URL_INSTANCE1, variable: 'DATABASE_URL_INSTANCE1' } },
      { name: 'team-wiki', problem: 'DATABASE_URL_TEAM_WIKI: not set (the database URL of team-wiki)' },
      { name: 'portal', target: { name: 'portal', role: 'portal', url: env.DATABASE_URL_PORTAL, variable: 'DATABASE_URL_PORTAL' } },
    ]);
  });
});
