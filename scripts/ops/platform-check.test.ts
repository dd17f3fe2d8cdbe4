// `platform check` as ops run it: a child process on the repo's real files, then on broken copies.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimental_readRawConfig } from 'wrangler';
import { parse, stringify } from 'yaml';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);

async function platform(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/platform.ts'), ...args], { cwd: ROOT, env: { ...process.env, PLAN_MATRIX: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// The registry production runs with: wrangler.toml's [env.production.vars] INSTANCES, read by wrangler itself.
const { rawConfig } = experimental_readRawConfig({ config: join(ROOT, 'wrangler.toml') });
const INSTANCES = String((rawConfig.env?.production?.vars as Record<string, unknown> | undefined)?.INSTANCES ?? '');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'platform-check-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('platform check', () => {
  it('exits 0 on the repo files with the production registry of wrangler.toml', async () => {
    const result = await platform(['check'], { INSTANCES });
    expect(result.stdout).toContain('configuration consistent: instance1, instance2, instance3');
    expect(result.code).toBe(0);
  });

  it('warns, without failing, that the production origins are reached with no Access service token', async () => {
    const result = await platform(['check'], { INSTANCES });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^warning: wrangler\.toml \[env\.production\.vars\] reaches .*keycloak\.origin\.wikiplatform\.app.* without ORIGIN_ACCESS_CLIENT_ID/m);
  });

  it('exits 1 and names each problem with its fix on broken copies', async () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, unknown> };
    delete compose.services.instance3;
    writeFileSync(join(dir, 'docker-compose.yml'), stringify(compose));
    const realm = JSON.parse(readFileSync(join(ROOT, 'deploy/keycloak/realm-wikiplatform.json'), 'utf8')) as { groups: { name: string }[] };
    realm.groups = realm.groups.filter((g) => g.name !== 'STARTER');
    writeFileSync(join(dir, 'realm.json'), JSON.stringify(realm));
    const planMatrix = JSON.stringify({ STARTER: ['instance1'], PRO: ['instance1', 'instance2'], ENTERPRISE: ['instance1', 'instance2', 'instance3', 'instance7'] });

    const result = await platform(['check', '--compose', join(dir, 'docker-compose.yml'), '--realm', join(dir, 'realm.json')], { INSTANCES, PLAN_MATRIX: planMatrix });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('configuration inconsistent (3 problems)');
    expect(result.stdout).toContain('[compose] instance "instance3" of the registry has no service "instance3"');
    expect(result.stdout).toContain('[realm] plan STARTER has no group in the realm');
    expect(result.stdout).toContain('[plan-matrix] plan ENTERPRISE names instance "instance7", which the registry does not list');
    expect(result.stdout.match(/fix: /g)).toHaveLength(3);
  });

  it('reports a registry file the compose file does not match', async () => {
    const registry = JSON.parse(INSTANCES) as { id: string }[];
    writeFileSync(join(dir, 'instances.json'), JSON.stringify(registry.filter((i) => i.id !== 'instance2')));
    copyFileSync(join(ROOT, 'docker-compose.yml'), join(dir, 'compose-copy.yml'));
    const result = await platform(['check', '--instances-file', join(dir, 'instances.json'), '--compose', join(dir, 'compose-copy.yml')], {});
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('[compose] service "instance2" runs an instance the registry does not list');
    expect(result.stdout).toContain('[plan-matrix] plan PRO names instance "instance2"');
  });

  it('exits 2 without a registry and does not call the configuration consistent', async () => {
    const result = await platform(['check'], { INSTANCES: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('INSTANCES: not set');
    expect(result.stdout).not.toContain('consistent');
  });

  it('exits 2 on an unknown command', async () => {
    const result = await platform(['frobnicate'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });
});
