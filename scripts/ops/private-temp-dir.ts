// A directory only this user can enter, for a dump on its way to or from the bucket: a dump is the whole
// wiki, users and all. Removed afterwards, and also when the CLI is interrupted (Ctrl-C, docker stop).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();
let hooked = false;

/** Runs `fn` with a fresh 0700 directory, removed whatever happens; files in it should be created 0600. */
export async function withPrivateTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  hookSignals();
  // mkdtemp creates the directory 0700.
  const dir = mkdtempSync(join(tmpdir(), 'wikiplatform-backup-'));
  live.add(dir);
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    live.delete(dir);
  }
}

function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      for (const dir of live) rmSync(dir, { recursive: true, force: true });
      process.exit(code);
    });
  }
}
