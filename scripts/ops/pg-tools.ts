// pg_dump and pg_restore as child processes, and the server's version. Thin I/O: what the flags mean and
// whether versions fit is decided elsewhere (pg-version.ts); the password travels as PGPASSWORD only.
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import { hashingStream } from './hashing-stream.ts';
import { libpqConnection } from './pg-connection.ts';
import { parseServerVersion, parseToolVersion, type ToolVersion } from './pg-version.ts';
import { RESTORE_FLAGS } from './restore-plan.ts';

const STDERR_KEEP = 4_000;

export async function toolVersion(binary: string, variable: string): Promise<ToolVersion> {
  const { code, stdout, stderr } = await run(binary, ['--version'], {}, variable);
  const version = code === 0 ? parseToolVersion(stdout) : null;
  if (!version) throw new Error(`${binary} --version did not print a PostgreSQL version (exit ${code}${stderr ? `: ${lastLine(stderr)}` : ''}); set ${variable} to a PostgreSQL client binary`);
  return version;
}

export async function serverVersion(url: string): Promise<ToolVersion> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 15 });
  try {
    const [row] = await sql<{ server_version_num: string }[]>`show server_version_num`;
    const version = parseServerVersion(row!.server_version_num);
    if (!version) throw new Error(`unsupported server version ${row!.server_version_num} (PostgreSQL 10 or newer is needed)`);
    return version;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** `pg_dump --format=custom` of the database into `file` (created 0600, must not exist), hashed on the way. */
export async function runPgDump(binary: string, url: string, file: string, onProgress?: (bytes: number) => void): Promise<{ size: number; sha256: string }> {
  const { dbname, env } = libpqConnection(url);
  // Created (0600, never an existing file) before pg_dump starts: no byte of the dump is ever more readable.
  const out = await open(file, 'wx', 0o600);
  const child = spawn(binary, ['--format=custom', '--no-password', `--dbname=${dbname}`], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = collect(child.stderr);
  const exited = exitOf(child, binary, 'PG_DUMP');
  const hashing = hashingStream(onProgress);
  const written = pipeline(child.stdout, hashing.stream, out.createWriteStream());
  const [code] = await Promise.all([exited, written]).catch((err: unknown) => {
    child.kill();
    throw err;
  });
  if (code !== 0) throw new Error(`pg_dump failed (exit ${code}): ${lastLine(stderr())}`);
  return hashing.result();
}

/** pg_restore of `file` into the database with RESTORE_FLAGS; one transaction, so a failure changes nothing. */
export async function runPgRestore(binary: string, url: string, file: string): Promise<void> {
  const { dbname, env } = libpqConnection(url);
  const { code, stderr } = await run(binary, [...RESTORE_FLAGS, '--no-password', `--dbname=${dbname}`, file], env, 'PG_RESTORE');
  if (code !== 0) throw new Error(`pg_restore failed (exit ${code}): ${lastLine(stderr)}`);
}

async function run(binary: string, args: string[], env: Record<string, string>, variable: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(binary, args, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  const code = await exitOf(child, binary, variable);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** The CLI's environment minus what the child has no business seeing (other databases' URLs, the bucket's secret). */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL_|S3_)/.test(name)));
  return { ...env, ...extra };
}

function exitOf(child: ReturnType<typeof spawn>, binary: string, variable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' ? new Error(`${binary}: not found; install the PostgreSQL client tools or set ${variable} to the binary's path`) : err);
    });
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Keeps the last few KB of a stream: enough for the error, bounded however chatty the tool is. */
function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    text = (text + chunk).slice(-STDERR_KEEP);
  });
  return () => text;
}

/** The last non-empty lines of a tool's stderr, on one line. */
function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.slice(-3).join(' / ') || '(no message)';
}
