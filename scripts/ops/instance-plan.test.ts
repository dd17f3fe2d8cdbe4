// The whole change planned on the repo's own files, without writing: what each command does to which file.
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRepoTexts } from './instance-files.ts';
import { planInstanceChange, type PlanInput, type PlanResult, type RepoTexts } from './instance-plan.ts';

const ROOT = join(import.meta.dirname, '../..');
let files: RepoTexts;
beforeAll(async () => {
  const read = await readRepoTexts(ROOT);
  if (!read.ok) throw new Error(read.problems.join('; '));
  files = read.texts;
});

const plan = (input: Partial<PlanInput> & Pick<PlanInput, 'action'>): PlanResult => planInstanceChange({ files, today: '2026-03-01', newPassword: 'not-a-real-password-0123456789abcdefghijk', ...input });
const ok = (result: PlanResult) => {
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result;
};
const after = (result: PlanResult, file: string) => ok(result).changes.find((c) => c.file === file)?.after;

describe('planning instance add', () => {
  it('changes the registry, the matrix and every file that lists instances, and nothing else', () => {
    const result = ok(plan({ action: { action: 'add', id: 'instance4', title: 'Instance 4', plans: ['ENTERPRISE'] } }));
    expect(result.changes.map((c) => c.file).sort()).toEqual(['compose', 'cors', 'envExample', 'prometheus', 'wrangler']);
    expect(JSON.parse(result.planMatrixJson).ENTERPRISE).toEqual(['instance1', 'instance2', 'instance3', 'instance4']);
    expect(JSON.parse(result.instancesJson).at(-1)).toEqual({ id: 'instance4', origin: 'https://instance4.origin.wikiplatform.app', title: 'Instance 4', maintenance: false });
  });

  it('refuses an id another part of a file already uses, such as a compose service', () => {
    const result = plan({ action: { action: 'add', id: 'grafana', title: 'Grafana', plans: [] } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe(2);
    expect(!result.ok && result.problems[0]).toMatch(/^docker-compose\.yml already mentions "grafana" \(line \d+/);
  });

  it('sets the env file\'s registry, matrix and a new database password, keeping its other lines', () => {
    const envFile = 'WIKIPLATFORM_DOMAIN=wikiplatform.app\nINSTANCES=[]\nINSTANCE3_DB_PASSWORD=three\nSECRET=s\n';
    const result = ok(plan({ action: { action: 'add', id: 'instance4', title: "Ops' wiki", plans: ['PRO'] }, envFile }));
    const env = parseEnv(after(result, 'envFile')!);
    expect(JSON.parse(env.INSTANCES!)).toEqual(JSON.parse(result.instancesJson));
    expect(JSON.parse(env.INSTANCES!).at(-1).title).toBe("Ops' wiki");
    expect(JSON.parse(env.PLAN_MATRIX!)).toEqual(JSON.parse(result.planMatrixJson));
    expect(env.INSTANCE4_DB_PASSWORD).toBe('not-a-real-password-0123456789abcdefghijk');
    expect(after(result, 'envFile')).toContain('INSTANCE3_DB_PASSWORD=three\nINSTANCE4_DB_PASSWORD=');
    expect(env.SECRET).toBe('s');
    expect(result.envFileChanges.join(' ')).not.toContain('not-a-real-password');
  });

  it('keeps a database password the env file already has', () => {
    const result = ok(plan({ action: { action: 'add', id: 'instance4', title: 'Instance 4', plans: [] }, envFile: 'INSTANCE4_DB_PASSWORD=kept\n' }));
    expect(parseEnv(after(result, 'envFile')!).INSTANCE4_DB_PASSWORD).toBe('kept');
  });
});

describe('planning the other commands', () => {
  it('changes only wrangler.toml\'s INSTANCES for suspend, remove and resume', () => {
    for (const action of [{ action: 'suspend', id: 'instance2' }, { action: 'remove', id: 'instance2', graceDays: 7 }] as const) {
      const result = ok(plan({ action }));
      expect(result.changes.map((c) => c.file)).toEqual(['wrangler']);
      expect(result.planMatrixJson).toBe('');
    }
  });

  it('purges the template-like first instance too, writing the matrix out and pointing at a comment that still names it', () => {
    const removing = after(plan({ action: { action: 'remove', id: 'instance1', graceDays: 0 } }), 'wrangler')!;
    const result = ok(planInstanceChange({ files: { ...files, wrangler: removing }, action: { action: 'purge', id: 'instance1' }, today: '2026-03-02', newPassword: 'x' }));
    expect(JSON.parse(result.planMatrixJson)).toEqual({ STARTER: [], PRO: ['instance2'], ENTERPRISE: ['instance2', 'instance3'] });
    const compose = parse(after(result, 'compose')!, { merge: true }) as { services: Record<string, { depends_on?: unknown }> };
    expect(Object.keys(compose.services)).not.toContain('instance1');
    expect(compose.services.cloudflared!.depends_on).toEqual(['portal', 'instance2', 'instance3', 'keycloak']);
    expect(result.warnings.join('\n')).toMatch(/docker-compose\.yml still mentions "instance1" on line \d+/);
  });

  it('fails (exit 1) rather than write a change that leaves the files inconsistent', () => {
    const compose = files.compose.replace(/^ {6}DATABASE_URL_INSTANCE3: .*\n/m, '');
    const result = planInstanceChange({ files: { ...files, compose }, action: { action: 'suspend', id: 'instance1' }, today: '2026-03-01', newPassword: 'x' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe(1);
    expect(!result.ok && result.problems[0]).toContain('service "backup" has no DATABASE_URL_INSTANCE3');
  });

  it('refuses to build on a registry that is already invalid', () => {
    const wrangler = files.wrangler.replace('"title":"Instance 2","maintenance":false', '"title":"Instance 2","maintenance":false,"removeAfter":"2026-01-01"');
    const result = planInstanceChange({ files: { ...files, wrangler }, action: { action: 'suspend', id: 'instance1' }, today: '2026-03-01', newPassword: 'x' });
    expect(!result.ok && result.problems[0]).toContain('INSTANCES[1.removeAfter]: an instance scheduled for removal');
  });
});
