// What `platform migrate` prints for each database and how it exits. Pure.

export type MigrationOutcome =
  | { name: string; status: 'applied'; count: number; ms: number }
  | { name: string; status: 'current'; ms: number }
  | { name: string; status: 'failed'; reason: string; ms: number };

export function statusLine(outcome: MigrationOutcome): string {
  const time = `(${(outcome.ms / 1000).toFixed(1)} s)`;
  switch (outcome.status) {
    case 'applied':
      return `${outcome.name}: applied ${outcome.count} migration${outcome.count === 1 ? '' : 's'} ${time}`;
    case 'current':
      return `${outcome.name}: already current ${time}`;
    case 'failed':
      return `${outcome.name}: FAILED: ${outcome.reason} ${time}`;
  }
}

export function summaryLine(outcomes: readonly MigrationOutcome[]): string {
  const failed = outcomes.filter((o) => o.status === 'failed');
  const ok = outcomes.length - failed.length;
  const tail = failed.length ? `; failed: ${failed.map((o) => o.name).join(', ')}` : '';
  return `${ok} of ${outcomes.length} database${outcomes.length === 1 ? '' : 's'} migrated or current${tail}`;
}

/** 1 as soon as one database failed, so a deploy script stops. */
export function migrationExitCode(outcomes: readonly MigrationOutcome[]): 0 | 1 {
  return outcomes.some((o) => o.status === 'failed') ? 1 : 0;
}
