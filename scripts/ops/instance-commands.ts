// The CLI's `instance` command group: add, suspend, resume, remove (grace period), purge. Arguments are
// checked first (exit 2), the whole change is planned and checked (instance-plan.ts), then every file is
// written at once, and the manual steps left are printed. Exit codes as the rest of the CLI: 0 done (or
// nothing to do, or a dry run), 1 the change could not be made consistently or a write failed, 2 wrong usage,
// unreadable inputs, a refusal, or a purge without --yes (nothing was changed).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createPatch } from 'diff';
import { isPlan, PLANS, type Plan } from '#shared/plan-matrix';
import type { CommandIo } from './backup-commands.ts';
import { readRepoTexts, wranglerReadsBack, writeAtomically } from './instance-files.ts';
import { planInstanceChange, REPO_FILES, type PlannedChange } from './instance-plan.ts';
import { DEFAULT_GRACE_DAYS, type InstanceAction } from './instance-registry-change.ts';
import { nextSteps } from './instance-steps.ts';

export const INSTANCE_SUBCOMMANDS = ['add', 'suspend', 'resume', 'remove', 'purge'] as const;

export interface InstanceCommandInput {
  /** Positional arguments after `instance`: the subcommand and the id. */
  args: readonly string[];
  options: {
    title?: string;
    plans?: string;
    graceDays?: string;
    yes: boolean;
    dryRun: boolean;
    /** The repo whose files are edited (default: this checkout). */
    root: string;
    envFile?: string;
    /** YYYY-MM-DD taken as today (UTC); default the real date. */
    today?: string;
  };
}

export async function runInstanceCommand(input: InstanceCommandInput, io: CommandIo): Promise<number> {
  const parsed = parseAction(input);
  if (typeof parsed === 'string') return io.usageError(parsed);
  const { action, today } = parsed;
  const { options } = input;

  const repo = await readRepoTexts(options.root);
  const envFile = options.envFile === undefined ? undefined : await readFile(options.envFile, 'utf8').catch(() => null);
  if (!repo.ok || envFile === null) return io.inputError([...(repo.ok ? [] : repo.problems), ...(envFile === null ? [`--env-file ${options.envFile}: cannot read it`] : [])]);

  const plan = planInstanceChange({ files: repo.texts, envFile, action, today, newPassword: randomBytes(32).toString('base64url') });
  if (!plan.ok) {
    io.err(`instance ${action.action} ${action.id}: ${plan.code === 2 ? 'refused' : 'FAILED'}, nothing was changed:`);
    for (const problem of plan.problems) io.err(`  - ${problem}`);
    return plan.code;
  }
  const preview = options.dryRun || (action.action === 'purge' && !options.yes);
  if (plan.changes.length === 0 || !preview) for (const note of plan.notes) io.out(note);
  if (plan.changes.length === 0) return 0;

  const wrangler = plan.changes.find((c) => c.file === 'wrangler');
  const readBack = wrangler ? await wranglerReadsBack(wrangler.after, { INSTANCES: plan.instancesJson, PLAN_MATRIX: plan.planMatrixJson }) : [];
  if (readBack.length) {
    io.err(`instance ${action.action} ${action.id}: FAILED, nothing was changed:`);
    for (const problem of readBack) io.err(`  - ${problem}`);
    return 1;
  }

  const paths = plan.changes.map((c) => ({ change: c, path: c.file === 'envFile' ? resolve(options.envFile!) : join(options.root, REPO_FILES[c.file]) }));
  if (preview) {
    io.out(options.dryRun ? 'Dry run: nothing is written. The change would be:' : `Purging ${action.id} would do this:`);
    for (const note of plan.notes) io.out(`  ${note}`);
    for (const line of describeChanges(plan, paths)) io.out(line);
    for (const warning of plan.warnings) io.out(`Warning: ${warning}`);
    if (options.dryRun) {
      for (const line of nextSteps({ action, plan, envFile: envFile !== undefined })) io.out(line);
      return 0;
    }
    io.err(`Not purging: this removes ${action.id} from every configuration file for good. Nothing was changed; run again with --yes to purge.`);
    return 2;
  }

  try {
    await writeAtomically(paths.map(({ change, path }) => ({ path, text: change.after })));
  } catch (err) {
    io.err(`instance ${action.action} ${action.id}: writing the files FAILED: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  for (const { change, path } of paths) io.out(`updated ${path}${change.file === 'envFile' ? ` (${plan.envFileChanges.join(', ')})` : ''}`);
  for (const warning of plan.warnings) io.out(`Warning: ${warning}`);
  for (const line of nextSteps({ action, plan, envFile: envFile !== undefined })) io.out(line);
  return 0;
}

/** A diff per repo file; for the env file only the names it sets, since it holds secrets. */
function describeChanges(plan: PlannedChange, paths: readonly { change: PlannedChange['changes'][number]; path: string }[]): string[] {
  return paths.flatMap(({ change, path }) =>
    change.file === 'envFile'
      ? [`${path}: sets ${plan.envFileChanges.join(', ')}`]
      : createPatch(path, change.before, change.after, '', '', { context: 1 }).split('\n').slice(2).filter((line) => line !== '' && !line.startsWith('\\')),
  );
}

function parseAction({ args, options }: InstanceCommandInput): { action: InstanceAction; today: string } | string {
  const [sub, id, ...extra] = args;
  if (!sub) return `instance: give one of ${INSTANCE_SUBCOMMANDS.join(', ')}`;
  if (!(INSTANCE_SUBCOMMANDS as readonly string[]).includes(sub)) return `instance: unknown subcommand "${sub}" (${INSTANCE_SUBCOMMANDS.join(', ')})`;
  if (!id) return `instance ${sub}: give the instance id`;
  if (extra.length) return `unexpected arguments: ${extra.join(' ')}`;
  const onlyFor: [keyof InstanceCommandInput['options'], string, string][] = [
    ['title', '--title', 'add'],
    ['plans', '--plans', 'add'],
    ['graceDays', '--grace-days', 'remove'],
    ['yes', '--yes', 'purge'],
  ];
  for (const [key, flag, command] of onlyFor) {
    if (options[key] !== undefined && options[key] !== false && sub !== command) return `instance ${sub}: ${flag} is for instance ${command} only`;
  }
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || new Date(`${today}T00:00:00Z`).toISOString().slice(0, 10) !== today) return `--today ${today}: give a date as YYYY-MM-DD`;

  switch (sub) {
    case 'add': {
      if (options.title === undefined || options.title.trim() === '') return 'instance add: --title "<Title>" is required (the name people see)';
      if (options.title.length > 100) return 'instance add: --title is longer than 100 characters';
      const plans = (options.plans ?? 'ENTERPRISE').split(',').map((p) => p.trim().toUpperCase());
      const unknown = plans.filter((p) => !isPlan(p));
      if (unknown.length || plans.length === 0) return `instance add: --plans takes a comma-separated list of ${PLANS.join(', ')} (not ${unknown.join(', ') || 'empty'})`;
      return { action: { action: 'add', id, title: options.title.trim(), plans: plans as Plan[] }, today };
    }
    case 'remove': {
      const raw = options.graceDays ?? String(DEFAULT_GRACE_DAYS);
      const graceDays = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
      if (!(graceDays >= 0 && graceDays <= 3650)) return `instance remove: --grace-days takes a whole number of days, 0 to 3650 (not ${raw})`;
      return { action: { action: 'remove', id, graceDays }, today };
    }
    case 'suspend':
    case 'resume':
    case 'purge':
      return { action: { action: sub, id }, today };
    default:
      return `instance: unknown subcommand "${sub}"`;
  }
}
