import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { InstanceRegistry } from '#shared/instance-registry';
import { DEFAULT_PLAN_MATRIX } from '#shared/plan-matrix';
import { checkBackupService, checkCompose, checkPlanMatrix, checkPlatformConfig, checkRealm } from './config-check.ts';

const ROOT = join(import.meta.dirname, '../..');
const compose = () => parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, any> };
const realm = () => JSON.parse(readFileSync(join(ROOT, 'deploy/keycloak/realm-wikiplatform.json'), 'utf8')) as { groups: { name: string }[] };
const registry: InstanceRegistry = ['instance1', 'instance2', 'instance3'].map((id) => ({ id, origin: `https://${id}.origin.example`, maintenance: false }));
const ids = registry.map((i) => i.id);

describe('checkPlatformConfig', () => {
  it('finds nothing wrong with the repo compose file, realm file and default plan matrix', () => {
    expect(checkPlatformConfig({ registry, compose: compose(), realm: realm(), planMatrix: DEFAULT_PLAN_MATRIX })).toEqual([]);
  });
});

describe('checkCompose', () => {
  it('reports a registry instance without its service or its database service', () => {
    const c = compose();
    delete c.services.instance2;
    delete c.services['db-instance3'];
    const problems = checkCompose(ids, c);
    expect(problems.map((p) => p.problem)).toEqual([
      'instance "instance2" of the registry has no service "instance2"',
      'instance "instance3" has no database service "db-instance3"',
    ]);
    expect(problems[0]!.fix).toMatch(/add an "instance2" service/);
  });

  it('reports an instance service and a database service the registry does not list', () => {
    const c = compose();
    c.services.instance4 = { ...c.services.instance3, environment: { ...c.services.instance3.environment, INSTANCE_ID: 'instance4' } };
    c.services['db-instance4'] = c.services['db-instance3'];
    expect(checkCompose(ids, c).map((p) => p.problem)).toEqual([
      'service "instance4" runs an instance the registry does not list',
      'database service "db-instance4" belongs to no registry instance',
    ]);
  });

  it('reports an instance service wired to another instance id or database', () => {
    const c = compose();
    c.services.instance2.environment.INSTANCE_ID = 'instance1';
    c.services.instance2.environment.DATABASE_URL = 'postgres://u:${P}@db-instance1:5432/instance1';
    expect(checkCompose(ids, c).map((p) => p.problem)).toEqual([
      'service "instance2" has INSTANCE_ID "instance1"',
      'service "instance2" uses database host "db-instance1", not its own',
    ]);
  });

  it('reports a compose file without services', () => {
    expect(checkCompose(ids, {})).toHaveLength(1);
  });
});

describe('checkBackupService', () => {
  it('reports an instance the backup service cannot reach, or reaches on another host', () => {
    const c = compose();
    delete c.services.backup.environment.DATABASE_URL_INSTANCE2;
    c.services.backup.environment.DATABASE_URL_PORTAL = 'postgres://portal:${P}@db-instance1:5432/portal';
    expect(checkBackupService([...ids, 'instance4'], c.services).map((p) => p.problem)).toEqual([
      'service "backup" has no DATABASE_URL_INSTANCE2: instance2 is not backed up',
      'service "backup" has no DATABASE_URL_INSTANCE4: instance4 is not backed up',
      'service "backup" has DATABASE_URL_PORTAL on host "db-instance1", not portal-db',
    ]);
  });

  it('reports a compose file without the backup service', () => {
    const c = compose();
    delete c.services.backup;
    expect(checkCompose(ids, c).map((p) => p.problem)).toEqual(['there is no "backup" service: the databases are not backed up']);
  });
});

describe('checkRealm', () => {
  it('reports each plan without a realm group', () => {
    const r = realm();
    r.groups = r.groups.filter((g) => g.name !== 'PRO');
    expect(checkRealm(r).map((p) => p.problem)).toEqual(['plan PRO has no group in the realm']);
    expect(checkRealm({}).map((p) => p.problem)).toHaveLength(3);
  });
});

describe('checkPlanMatrix', () => {
  it('reports a plan naming an instance missing from the registry', () => {
    const problems = checkPlanMatrix(ids, { ...DEFAULT_PLAN_MATRIX, ENTERPRISE: [...DEFAULT_PLAN_MATRIX.ENTERPRISE, 'instance9'] });
    expect(problems.map((p) => p.problem)).toEqual(['plan ENTERPRISE names instance "instance9", which the registry does not list']);
  });

  it('reports a registry instance that no plan opens', () => {
    const problems = checkPlanMatrix([...ids, 'instance4'], DEFAULT_PLAN_MATRIX);
    expect(problems.map((p) => p.problem)).toEqual(['instance "instance4" is opened by no plan (only platform admins could reach it)']);
  });
});
