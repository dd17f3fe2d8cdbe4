// deploy/backup-daily.sh, the backup service's schedule and health check, run by sh with `date`, `sleep`
// and `node` replaced on PATH: when it runs the backup, what it records, when it calls itself unhealthy.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '../../deploy/backup-daily.sh');
const exec = promisify(execFile);

let dir: string;
let state: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backup-daily-'));
  state = join(dir, 'state');
  const fake = (name: string, body: string) => writeFile(join(dir, name), `#!/bin/sh\n${body}\n`).then(() => chmod(join(dir, name), 0o755));
  await fake('date', `if [ "$*" = "-u +%s" ]; then echo "$FAKE_NOW"; else exec /usr/bin/date "$@"; fi`);
  // The third sleep ends the test: SIGTERM to the script, as docker stop sends.
  await fake('sleep', `echo "sleep $1" >> "$LOG"; [ "$(grep -c '^sleep' "$LOG")" -lt 3 ] || kill -TERM $PPID`);
  await fake('node', `echo "node $*" >> "$LOG"; exit "$NODE_EXIT"`);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function script(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const fullEnv = { PATH: `${dir}:${process.env.PATH}`, LOG: join(dir, 'log'), BACKUP_STATE_DIR: state, NODE_EXIT: '0', FAKE_NOW: String(Date.parse('2026-11-21T13:00:00Z') / 1000), ...env };
  try {
    const { stdout, stderr } = await exec('sh', [SCRIPT, ...args], { env: fullEnv, cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const health = async () => (await script(['--health'])).code;
const hoursAgo = async (file: string, hours: number) => {
  await writeFile(join(state, file), '');
  const t = new Date(Date.now() - hours * 3_600_000);
  await utimes(join(state, file), t, t);
};

describe('backup-daily.sh', () => {
  it('sleeps until the next BACKUP_HOUR_UTC, runs backup --all, records the success, and stops on SIGTERM', async () => {
    const result = await script([], { BACKUP_HOUR_UTC: '3' });
    expect(result.code).toBe(143);
    expect(result.stdout).toContain('backup: next run at 2026-11-22T03:00:00Z');
    // 13:00 → 03:00 the next day is 14 h; after the run, one second's pause, then the next day's wait.
    expect(await readFile(join(dir, 'log'), 'utf8')).toBe('sleep 50400\nnode --import tsx scripts/platform.ts backup --all\nsleep 1\nsleep 50400\n');
    expect(await health()).toBe(0);
  });

  it('records a failed run, which makes the service unhealthy until a run succeeds', async () => {
    await script([], { NODE_EXIT: '1', BACKUP_HOUR_UTC: '13' });
    expect(await readFile(join(dir, 'log'), 'utf8')).toMatch(/^sleep 0\nnode /);
    expect(await health()).toBe(1);
    await rm(join(dir, 'log'));
    await script([], { NODE_EXIT: '0' });
    expect(await health()).toBe(0);
  });

  it('is unhealthy when nothing succeeded for 26 hours, however long ago it started', async () => {
    await script([], { NODE_EXIT: '0' });
    await hoursAgo('started', 30);
    await hoursAgo('succeeded', 27);
    expect(await health()).toBe(1);
    await hoursAgo('succeeded', 20);
    expect(await health()).toBe(0);
    await rm(join(state, 'succeeded'));
    await hoursAgo('started', 2);
    expect(await health()).toBe(0);
  });

  it('refuses an hour that is not 0 to 23', async () => {
    const result = await script([], { BACKUP_HOUR_UTC: '24' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('BACKUP_HOUR_UTC must be an hour from 0 to 23 (got "24")');
  });
});
