// File I/O for `platform instance`: read the repo files, re-read a new wrangler.toml with wrangler's own
// parser, and write every changed file so a failure leaves each file either as it was or fully new (temp
// file beside it, same mode, then rename; all temp files are written before the first rename).
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { REPO_FILES, type RepoFile, type RepoTexts } from './instance-plan.ts';

export async function readRepoTexts(root: string): Promise<{ ok: true; texts: RepoTexts } | { ok: false; problems: string[] }> {
  const problems: string[] = [];
  const texts = {} as RepoTexts;
  for (const [file, path] of Object.entries(REPO_FILES) as [RepoFile, string][]) {
    try {
      texts[file] = await readFile(join(root, path), 'utf8');
    } catch (err) {
      problems.push(`${join(root, path)}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, texts };
}

/**
 * Reads `text` as wrangler.toml with wrangler itself and returns what differs from the expected production
 * INSTANCES and PLAN_MATRIX (empty when all is well): the text edit must mean to wrangler what it means here.
 */
export async function wranglerReadsBack(text: string, expected: { INSTANCES: string; PLAN_MATRIX: string }): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'platform-instance-'));
  try {
    const path = join(dir, 'wrangler.toml');
    await writeFile(path, text);
    const { experimental_readRawConfig } = await import('wrangler');
    const vars = (experimental_readRawConfig({ config: path }).rawConfig.env?.production?.vars ?? {}) as Record<string, unknown>;
    // Compared as JSON: the file may spell a character differently (an apostrophe as \u0027).
    const value = (text: unknown) => (typeof text === 'string' && text !== '' ? (JSON.parse(text) as unknown) : text);
    return (['INSTANCES', 'PLAN_MATRIX'] as const).flatMap((name) =>
      isDeepStrictEqual(value(vars[name] ?? ''), value(expected[name])) ? [] : [`wrangler reads the new wrangler.toml's production ${name} differently from what was meant to be written`],
    );
  } catch (err) {
    return [`wrangler cannot read the new wrangler.toml: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface FileWrite {
  path: string;
  text: string;
}

/** Writes every file or, when a temp file cannot be written, none (and throws). Returns the paths written. */
export async function writeAtomically(writes: readonly FileWrite[]): Promise<string[]> {
  const staged: { temp: string; path: string }[] = [];
  try {
    for (const { path, text } of writes) {
      const mode = (await stat(path)).mode & 0o777;
      const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
      // Created with the final mode: an .env with secrets is never readable by others, even for a moment.
      await writeFile(temp, text, { mode, flag: 'wx' });
      staged.push({ temp, path });
      await chmod(temp, mode);
    }
  } catch (err) {
    await Promise.all(staged.map(({ temp }) => rm(temp, { force: true })));
    throw err;
  }
  const written: string[] = [];
  for (const { temp, path } of staged) {
    try {
      await rename(temp, path);
      written.push(path);
    } catch (err) {
      await Promise.all(staged.filter((s) => !written.includes(s.path)).map(({ temp: t }) => rm(t, { force: true })));
      const rest = staged.map((s) => s.path).filter((p) => !written.includes(p));
      throw new Error(`${err instanceof Error ? err.message : String(err)}; written: ${written.join(', ') || 'none'}; not written: ${rest.join(', ')}`);
    }
  }
  return written;
}
