// The CLI's backup, backups and restore commands: arguments and inputs checked first (exit 2 before anything
// runs), then the work, one line per step. Exit codes as the rest of the CLI: 0 done, 1 something failed,
// 2 wrong usage, missing inputs, or a restore without --yes (nothing was done).
import type { InstanceRegistry } from '#shared/instance-registry';
import { chooseBackup } from './backup-choice.ts';
import { backupDatabase } from './backup-database.ts';
import { backupSettings, type BackupSettings } from './backup-inputs.ts';
import { backupPrefix } from './backup-key.ts';
import { backupExitCode, backupListing, backupStatusLine, backupSummaryLine, retentionLine, type BackupOutcome } from './backup-report.ts';
import { createBackupStore } from './backup-store.ts';
import { backupTargets, everyBackupTarget, namedDatabase, type TargetOrProblem } from './backup-targets.ts';
import { describeError } from './describe-error.ts';
import { parseRegistry } from './migration-targets.ts';
import { redactUrl } from './redact-url.ts';
import { listBackups, restoreDatabase } from './restore-database.ts';
import { afterRestore, restorePlan } from './restore-plan.ts';
import type { UploadOptions } from './upload-plan.ts';

export type BackupCommand = 'backup' | 'backups' | 'restore';

export interface BackupCommandInput {
  command: BackupCommand;
  /** Positional arguments after the command. */
  args: readonly string[];
  options: { all: boolean; keepDaily?: string; keepWeekly?: string; from?: string; yes: boolean };
  instancesJson: string | undefined;
  instancesSource: string;
  env: Readonly<Record<string, string | undefined>>;
}

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  usageError(message: string): number;
  inputError(problems: readonly string[]): number;
}

/** `storeOptions`: when dumps go up in parts (defaults in upload-plan.ts); tests lower the threshold. */
export async function runBackupCommand(input: BackupCommandInput, io: CommandIo, storeOptions: UploadOptions = {}): Promise<number> {
  const { command, args, options } = input;
  if (args.length > 1) return io.usageError(`unexpected arguments: ${args.slice(1).join(' ')}`);
  const name = args[0];
  if (command === 'backup' && (name === undefined) === !options.all) return io.usageError('backup: give one instance name (or "portal"), or --all');
  if (command !== 'backup' && options.all) return io.usageError(`${command}: --all is for backup only`);
  if (command !== 'backup' && name === undefined) return io.usageError(`${command}: give one instance name (or "portal")`);
  if (command === 'restore' && !options.from) return io.usageError('restore: --from <stamp|latest> is required');

  const registry = parseRegistry(input.instancesJson, input.instancesSource);
  if (!registry.ok) return io.inputError(registry.problems);
  const settings = backupSettings(input.env, { keepDaily: options.keepDaily, keepWeekly: options.keepWeekly });
  switch (command) {
    case 'backup':
      return backup(registry.registry, name, settings, input.env, io, storeOptions);
    case 'backups':
      return list(registry.registry, name!, settings, io);
    case 'restore':
      return restore(registry.registry, name!, options.from!, options.yes, settings, input.env, io);
  }
}

type Settings = ReturnType<typeof backupSettings>;

async function backup(registry: InstanceRegistry, name: string | undefined, settings: Settings, env: BackupCommandInput['env'], io: CommandIo, storeOptions: UploadOptions): Promise<number> {
  let entries: TargetOrProblem[];
  if (name === undefined) {
    if (!settings.ok) return io.inputError(settings.problems);
    entries = everyBackupTarget(registry, env);
  } else {
    const resolved = backupTargets(registry, env, name);
    if (!resolved.ok || !settings.ok) return io.inputError([...(resolved.ok ? [] : resolved.problems), ...(settings.ok ? [] : settings.problems)]);
    entries = resolved.targets.map((target) => ({ name: target.name, target }));
  }
  const store = createBackupStore(settings.settings.s3, storeOptions);
  const outcomes: BackupOutcome[] = [];
  for (const [i, entry] of entries.entries()) {
    const tag = `[${i + 1}/${entries.length}]`;
    let outcome: BackupOutcome;
    if ('problem' in entry) {
      outcome = { name: entry.name, status: 'failed', reason: entry.problem, ms: 0 };
    } else {
      const { target } = entry;
      io.out(`${tag} ${target.name} (${target.role}, ${redactUrl(target.url)}): backing up…`);
      outcome = await backupDatabase(target, { store, settings: settings.settings, say: (line) => io.out(`${tag} ${line}`) });
    }
    outcomes.push(outcome);
    io.out(`${tag} ${backupStatusLine(outcome)}`);
    if (outcome.status === 'backed-up') io.out(`${tag} ${retentionLine(outcome.name, settings.settings.retention, outcome.retention)}`);
  }
  io.out(backupSummaryLine(outcomes));
  return backupExitCode(outcomes);
}

async function list(registry: InstanceRegistry, name: string, settings: Settings, io: CommandIo): Promise<number> {
  const named = namedDatabase(registry, name);
  const problems = [...(named.ok ? [] : [named.problem]), ...(settings.ok ? [] : settings.problems)];
  if (!named.ok || !settings.ok) return io.inputError(problems);
  const prefix = backupPrefix(named.name, named.role);
  try {
    const { backups, others } = await listBackups(createBackupStore(settings.settings.s3), prefix);
    for (const line of backupListing(named.name, prefix, backups, others)) io.out(line);
    return 0;
  } catch (err) {
    io.err(`${name}: listing ${prefix} FAILED: ${scrubbed(err, settings.settings)}`);
    return 1;
  }
}

async function restore(registry: InstanceRegistry, name: string, from: string, yes: boolean, settings: Settings, env: BackupCommandInput['env'], io: CommandIo): Promise<number> {
  const resolved = backupTargets(registry, env, name);
  const problems = [...(resolved.ok ? [] : resolved.problems), ...(settings.ok ? [] : settings.problems)];
  if (!resolved.ok || !settings.ok) return io.inputError(problems);
  const target = resolved.targets[0]!;
  const store = createBackupStore(settings.settings.s3);
  const prefix = backupPrefix(target.name, target.role);

  let listing: Awaited<ReturnType<typeof listBackups>>;
  try {
    listing = await listBackups(store, prefix);
  } catch (err) {
    io.err(`${name}: listing ${prefix} FAILED: ${scrubbed(err, settings.settings)}`);
    return 1;
  }
  const choice = chooseBackup(listing.backups, from, prefix);
  if (!choice.ok) {
    if (choice.reason !== 'none') return io.inputError([choice.problem]);
    io.err(`${name}: nothing to restore: ${choice.problem}`);
    return 1;
  }
  const backup = listing.backups.find((b) => b.key === choice.backup.key)!;
  const plan = {
    name: target.name,
    role: target.role,
    database: redactUrl(target.url),
    variable: target.variable,
    backup,
    maintenance: target.role === 'instance' ? (registry.find((i) => i.id === target.name)?.maintenance ?? null) : null,
  };
  for (const line of restorePlan(plan)) io.out(line);
  if (!yes) {
    io.err(`Not restoring: this replaces the database of ${name}. Nothing was changed; run again with --yes to restore.`);
    return 2;
  }

  const outcome = await restoreDatabase(target, backup, { store, settings: settings.settings, say: io.out });
  if (!outcome.ok) {
    io.out(`${name}: restore FAILED: ${outcome.reason} (${(outcome.ms / 1000).toFixed(1)} s)`);
    return 1;
  }
  io.out(`${name}: restored from ${backup.key} (${(outcome.ms / 1000).toFixed(1)} s)`);
  for (const line of afterRestore(plan)) io.out(line);
  return 0;
}

function scrubbed(err: unknown, settings: BackupSettings): string {
  return describeError(err).split(settings.s3.secretAccessKey).join('***');
}
