// `platform instance` as ops run it: a child process editing temp copies of the repo's files, then
// `platform check` (another child process) on the result, with the registry wrangler itself reads.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseEnv } from 'node:util';
import { diffLines } from 'diff';
import { afterAll, describe, expect, it } from 'vitest';
import { experimental_readRawConfig } from 'wrangler';
import { parse } from 'yaml';
import { serviceEnvironment } from '../../tests/deploy/compose-env.ts';
import { REPO_FILES } from './instance-plan.ts';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);
const PATHS = Object.values(REPO_FILES);
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function platform(args: string[], env: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/platform.ts'), ...args], { cwd: ROOT, env: { ...process.env, INSTANCES: '', PLAN_MATRIX: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as Result;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A temp copy of the files `platform instance` edits; `instance(dir, …)` runs the command on it. */
function copyRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'platform-instance-'));
  dirs.push(dir);
  for (const path of PATHS) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    copyFileSync(join(ROOT, path), join(dir, path));
  }
  return dir;
}

const instance = (dir: string, ...args: string[]) => platform(['instance', ...args, '--root', dir]);
const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
const snapshot = (dir: string) => Object.fromEntries(PATHS.map((p) => [p, readFileSync(join(dir, p))]));

/** wrangler.toml's production INSTANCES and PLAN_MATRIX, read by wrangler itself. */
function productionVars(dir: string): { INSTANCES: string; PLAN_MATRIX: string } {
  const vars = (experimental_readRawConfig({ config: join(dir, 'wrangler.toml') }).rawConfig.env?.production?.vars ?? {}) as Record<string, string>;
  return { INSTANCES: vars.INSTANCES ?? '', PLAN_MATRIX: vars.PLAN_MATRIX ?? '' };
}
const registry = (dir: string) => JSON.parse(productionVars(dir).INSTANCES) as Record<string, unknown>[];
const entry = (dir: string, id: string) => registry(dir).find((e) => e.id === id);

function check(dir: string): Promise<Result> {
  return platform(['check', '--compose', join(dir, REPO_FILES.compose), '--realm', join(dir, REPO_FILES.realm)], productionVars(dir));
}

type Service = { environment?: Record<string, string>; depends_on?: Record<string, unknown> | string[] };
const composeOf = (dir: string) => parse(read(dir, REPO_FILES.compose), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };

describe('platform instance add', () => {
  const dir = copyRepo();
  let added: Result;

  it('adds instance4 so that platform check, given wrangler.toml\'s production registry, finds everything consistent', async () => {
    added = await instance(dir, 'add', 'instance4', '--title', 'Instance 4', '--plans', 'PRO');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(entry(dir, 'instance4')).toEqual({ id: 'instance4', origin: 'https://instance4.origin.wikiplatform.app', title: 'Instance 4', maintenance: false });
    const result = await check(dir);
    expect(result.stdout).toContain('configuration consistent: instance1, instance2, instance3, instance4');
    expect(result.code).toBe(0);
  }, 60_000);

  it('opens it to the plans asked for and ENTERPRISE, and leaves the other plans as they were', () => {
    expect(JSON.parse(productionVars(dir).PLAN_MATRIX)).toEqual({ STARTER: ['instance1'], PRO: ['instance1', 'instance2', 'instance4'], ENTERPRISE: ['instance1', 'instance2', 'instance3', 'instance4'] });
  });

  it('only adds lines to the compose file (comments and anchors kept), cloning instance1\'s services', () => {
    const removed = diffLines(read(ROOT, REPO_FILES.compose), read(dir, REPO_FILES.compose)).filter((part) => part.removed && part.value !== '');
    expect(removed.map((p) => p.value)).toEqual(['    depends_on: [portal, instance1, instance2, instance3, keycloak]\n']);
    expect(read(dir, REPO_FILES.compose)).toContain('  instance4:\n    <<: *origin\n    environment:\n      <<: *origin-env\n');
    expect(read(dir, REPO_FILES.compose)).toContain('  db-instance4:\n    <<: *db\n');
    const services = composeOf(dir).services;
    const as4 = (value: unknown) => JSON.parse(JSON.stringify(value).replace(/instance1/g, 'instance4').replace(/INSTANCE1/g, 'INSTANCE4')) as unknown;
    expect(services.instance4).toEqual(as4(services.instance1));
    expect(services['db-instance4']).toEqual(as4(services['db-instance1']));
    expect(services.backup!.environment!.DATABASE_URL_INSTANCE4).toBe('postgres://instance4:${INSTANCE4_DB_PASSWORD:?set INSTANCE4_DB_PASSWORD}@db-instance4:5432/instance4');
    expect(services.backup!.depends_on).toHaveProperty('db-instance4', { condition: 'service_healthy' });
    expect(services.cloudflared!.depends_on).toEqual(['portal', 'instance1', 'instance2', 'instance3', 'instance4', 'keycloak']);
    expect(composeOf(dir).volumes).toHaveProperty('db-instance4');
  });

  it('gives the new service what the origins\' own configuration checks require', async () => {
    const { loadConfig } = await import('../../origin/common/config.ts');
    const { loadMediaConfig } = await import('../../origin/instance/media/media-config.ts');
    const env = serviceEnvironment(composeOf(dir).services.instance4!);
    expect(loadConfig(env)).toMatchObject({ role: 'instance', instanceId: 'instance4', audience: 'instance4' });
    expect(() => loadMediaConfig(env)).not.toThrow();
  });

  it('has Prometheus scrape it, browsers upload from its host, and env.example name its password', () => {
    const prometheus = parse(read(dir, REPO_FILES.prometheus)) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    const targets = prometheus.scrape_configs.find((c) => c.job_name === 'origins')!.static_configs.flatMap((c) => c.targets);
    expect(targets).toEqual(['portal:3000', 'instance1:3000', 'instance2:3000', 'instance3:3000', 'instance4:3000']);
    const cors = JSON.parse(read(dir, REPO_FILES.cors)) as { rules: { allowed: { origins: string[] } }[] };
    expect(cors.rules[0]!.allowed.origins).toContain('https://instance4.wikiplatform.app');
    expect(read(dir, REPO_FILES.envExample)).toMatch(/^INSTANCE3_DB_PASSWORD=\nINSTANCE4_DB_PASSWORD=\n/m);
  });

  it('prints the steps left, in order, with their commands', () => {
    const steps = [
      'INSTANCE4_DB_PASSWORD=',
      'INSTANCES=',
      'instance4.origin.wikiplatform.app → http://instance4:3000',
      'docker compose up -d db-instance4 instance4',
      'npm run platform -- migrate --only instance4',
      'wrangler deploy --env production',
      'npm run platform -- check',
    ];
    const at = steps.map((step) => added.stdout.indexOf(step));
    expect(at.every((i) => i >= 0), added.stdout).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});

describe('platform instance refusals', () => {
  const dir = copyRepo();

  it('exits 2 and changes no byte for an invalid, reserved, existing or unknown id', async () => {
    const before = snapshot(dir);
    const cases: [string[], string][] = [
      [['add', 'Instance4', '--title', 'x'], '"Instance4" is not a valid instance id'],
      [['add', 'portal', '--title', 'x'], '"portal" is not a valid instance id'],
      [['add', 'instance2', '--title', 'x'], '"instance2" is already in the registry'],
      [['suspend', 'instance9'], '"instance9" is not in the registry'],
      [['purge', 'instance9', '--yes'], '"instance9" is not in the registry'],
      [['purge', 'instance2', '--yes'], 'instance2 is not scheduled for removal'],
      [['add', 'instance4'], '--title "<Title>" is required'],
      [['remove', 'instance2', '--grace-days', 'soon'], '--grace-days takes a whole number'],
      [['suspend', 'instance2', '--yes'], '--yes is for instance purge only'],
    ];
    for (const [args, message] of cases) {
      const result = await instance(dir, ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
    expect(snapshot(dir)).toEqual(before);
  }, 60_000);

  it('refuses a purge before removeAfter has passed, saying the date, and one without --yes', async () => {
    expect((await instance(dir, 'remove', 'instance3', '--today', '2026-03-01')).code).toBe(0);
    expect(entry(dir, 'instance3')).toMatchObject({ maintenance: true, removeAfter: '2026-03-31' });
    const before = snapshot(dir);

    const early = await instance(dir, 'purge', 'instance3', '--yes', '--today', '2026-03-31');
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('instance3 is in its grace period until 2026-03-31: it can be purged from 2026-04-01 on');

    const unconfirmed = await instance(dir, 'purge', 'instance3', '--today', '2026-04-01');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stdout).toContain('Purging instance3 would do this:');
    expect(unconfirmed.stdout).toContain('-  instance3:');
    expect(unconfirmed.stderr).toContain('Nothing was changed; run again with --yes to purge.');
    expect(snapshot(dir)).toEqual(before);
  }, 60_000);
});

describe('platform instance suspend, resume, remove', () => {
  const dir = copyRepo();

  it('flips the maintenance flag, and resume during the grace period calls the removal off', async () => {
    const original = entry(dir, 'instance2');
    expect((await instance(dir, 'suspend', 'instance2')).code).toBe(0);
    expect(entry(dir, 'instance2')).toEqual({ ...original, maintenance: true });
    const resumed = await instance(dir, 'resume', 'instance2');
    expect(resumed.stdout).toContain('wrangler deploy --env production');
    expect(entry(dir, 'instance2')).toEqual(original);
    const removing = await instance(dir, 'remove', 'instance2', '--grace-days', '7', '--today', '2026-12-28');
    expect(removing.stdout).toContain('instance2: maintenance on, to be removed after 2027-01-04');
    expect(entry(dir, 'instance2')).toEqual({ ...original, maintenance: true, removeAfter: '2027-01-04' });
    const called = await instance(dir, 'resume', 'instance2');
    expect(called.stdout).toContain('instance2: removal called off (it was to be removed after 2027-01-04)');
    expect(entry(dir, 'instance2')).toEqual(original);
    // Nothing but wrangler.toml changed, and it is back as it was.
    expect(snapshot(dir)).toEqual(snapshot(ROOT));
  }, 60_000);
});

describe('platform instance purge', () => {
  it('removes every trace of an added instance once its grace period is over: the files are the repo\'s again', async () => {
    const dir = copyRepo();
    expect((await instance(dir, 'add', 'instance4', '--title', 'Instance 4')).code).toBe(0);
    expect((await instance(dir, 'remove', 'instance4', '--today', '2026-01-01')).code).toBe(0);
    const purged = await instance(dir, 'purge', 'instance4', '--yes', '--today', '2026-02-01');
    expect(purged.code).toBe(0);
    expect(purged.stdout).toContain('docker compose up -d --remove-orphans');
    expect(purged.stdout).toContain('tenants/instance4/uploads/');
    expect(purged.stdout).toContain('tenants/instance4/backups/ are kept');
    for (const path of PATHS) expect(read(dir, path), path).not.toMatch(/instance4/i);
    expect(snapshot(dir)).toEqual(snapshot(ROOT));
    const result = await check(dir);
    expect(result.stdout).toContain('configuration consistent: instance1, instance2, instance3');
    expect(result.code).toBe(0);
  }, 90_000);
});

describe('platform instance --dry-run and --env-file', () => {
  it('writes nothing on a dry run, and prints the diff and the steps', async () => {
    const dir = copyRepo();
    const envFile = join(dir, 'origin.env');
    writeFileSync(envFile, 'INSTANCES=[]\n');
    const before = { ...snapshot(dir), env: readFileSync(envFile) };
    for (const args of [['add', 'instance4', '--title', 'Instance 4'], ['remove', 'instance1'], ['suspend', 'instance1']]) {
      const result = await instance(dir, ...args, '--dry-run', '--env-file', envFile);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).toContain('Dry run: nothing is written.');
      expect(result.stdout).toContain('Next steps, in order:');
      if (args[0] === 'add') {
        expect(result.stdout).toContain('+  instance4:');
        expect(result.stdout).not.toMatch(/INSTANCE4_DB_PASSWORD=[A-Za-z0-9_-]{20,}/);
      }
    }
    expect({ ...snapshot(dir), env: readFileSync(envFile) }).toEqual(before);
  }, 60_000);

  it('sets INSTANCES, PLAN_MATRIX and a new password in the env file, never printing the password, keeping its mode', async () => {
    const dir = copyRepo();
    const envFile = join(dir, 'origin.env');
    writeFileSync(envFile, `${read(ROOT, REPO_FILES.envExample).replace('INSTANCE1_DB_PASSWORD=', 'INSTANCE1_DB_PASSWORD=one')}`);
    chmodSync(envFile, 0o600);
    const result = await instance(dir, 'add', 'instance4', '--title', "Ops' wiki", '--env-file', envFile);
    expect(result.code).toBe(0);
    const env = parseEnv(readFileSync(envFile, 'utf8'));
    const vars = productionVars(dir);
    expect(JSON.parse(env.INSTANCES!)).toEqual(JSON.parse(vars.INSTANCES));
    expect(JSON.parse(vars.INSTANCES).at(-1).title).toBe("Ops' wiki");
    expect(JSON.parse(env.PLAN_MATRIX!)).toEqual(JSON.parse(vars.PLAN_MATRIX));
    expect(env.INSTANCE4_DB_PASSWORD).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(env.INSTANCE1_DB_PASSWORD).toBe('one');
    expect(result.stdout + result.stderr).not.toContain(env.INSTANCE4_DB_PASSWORD);
    expect(result.stdout).toContain('INSTANCE4_DB_PASSWORD (a new random password, not shown)');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);

    const purge = [['remove', 'instance4', '--today', '2026-01-01'], ['purge', 'instance4', '--yes', '--today', '2026-02-01']];
    for (const args of purge) expect((await instance(dir, ...args, '--env-file', envFile)).code).toBe(0);
    expect(readFileSync(envFile, 'utf8')).not.toMatch(/instance4/i);
  }, 90_000);
});
