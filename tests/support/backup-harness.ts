// What the backup CLI tests run against: a Postgres 15 cluster from Debian's binaries (pg_dump 15 is what
// this machine has; pg_dump refuses a newer server), the local S3 server that checks SigV4 signatures, and
// the CLI itself as a child process. Each test makes its own instance databases with the real migrations.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AwsClient } from 'aws4fetch';
import postgres from 'postgres';
import { expect } from 'vitest';
import { freePort } from '../../local/ports.ts';
import { startS3, type LocalS3 } from '../../local/s3.ts';
import { runBackupCommand } from '../../scripts/ops/backup-commands.ts';
import { migrateDatabases } from '../../scripts/ops/migrate-databases.ts';
import type { UploadOptions } from '../../scripts/ops/upload-plan.ts';
import { startPostgresFromBinaries, type BinariesPostgres } from './postgres-from-binaries.ts';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);

/** Debian's PostgreSQL 15 (apt: postgresql-15); .ci/run installs it on a fresh machine. */
export const PG_BIN_DIR = process.env.TEST_PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

export interface Harness {
  pg: BinariesPostgres;
  s3: LocalS3;
  /** Scratch directory; the CLI's TMPDIR is a fresh directory under it per run. */
  dir: string;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  if (!existsSync(join(PG_BIN_DIR, 'pg_dump'))) throw new Error(`${PG_BIN_DIR}/pg_dump is missing: apt-get install postgresql-15 (see .ci/run) or set TEST_PG_BIN_DIR`);
  const dir = await mkdtemp(join(tmpdir(), 'wikiplatform-test-backup-'));
  const [pg, s3] = await Promise.all([startPostgresFromBinaries(PG_BIN_DIR), startS3({ port: await freePort(), dataDir: join(dir, 's3'), bucket: 'wikiplatform-backups' })]);
  return {
    pg,
    s3,
    dir,
    async stop() {
      await Promise.all([pg.stop(), s3.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TestDatabase {
  url: string;
  sql: postgres.Sql;
}

/** A migrated instance (or portal) database with a user, two pages and a revision in it. */
export async function seededDatabase(h: Harness, role: 'instance' | 'portal' = 'instance'): Promise<TestDatabase> {
  const url = h.pg.urlFor(await h.pg.createDatabase(role === 'portal' ? 'portal' : 'wiki'));
  const [outcome] = await migrateDatabases([{ name: 'db', role, url, variable: 'DATABASE_URL_DB' }]);
  if (outcome!.status === 'failed') throw new Error(`migrations failed: ${outcome!.reason}`);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  if (role === 'instance') {
    const [user] = await sql<{ id: number }[]>`insert into users (sub, username, email, name, role) values ('sub-1', 'ada', 'ada@example.com', 'Ada Lovelace', 'admin') returning id`;
    for (const [path, title] of [['home', 'Home'], ['guide/setup', 'Setup — déjà vu']] as const) {
      const [page] = await sql<{ id: number }[]>`insert into pages (path, title, content, html, created_by) values (${path}, ${title}, ${`# ${title}`}, ${`<h1>${title}</h1>`}, ${user!.id}) returning id`;
      await sql`insert into revisions (page_id, revision, path, title, content, author_id) values (${page!.id}, 1, ${path}, ${title}, ${`# ${title}`}, ${user!.id})`;
    }
  }
  return { url, sql };
}

/** Every row of the wiki's tables and where their sequences stand: what a restore must bring back exactly. */
export async function snapshot(sql: postgres.Sql): Promise<unknown> {
  const tables = ['users', 'pages', 'revisions', 'settings'];
  const out: Record<string, unknown> = {};
  for (const table of tables) out[table] = await sql.unsafe(`select * from "${table}" order by 1`);
  out.sequences = await sql`select sequencename, last_value from pg_sequences where schemaname = 'public' order by 1`;
  return out;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The TMPDIR the CLI was given. */
  tmp: string;
}

/**
 * `npm run platform -- …` as a child process, with the bucket and the binaries of the harness. Every run
 * is checked for leaked secrets: the database password, the bucket's secret, a request signature.
 */
export async function platform(h: Harness, args: string[], env: Record<string, string>): Promise<CliResult> {
  const tmp = await mkdtemp(join(h.dir, 'tmp-'));
  const fullEnv = cliEnv(h, { TMPDIR: tmp, ...env });
  let result: CliResult;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/platform.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...fullEnv } });
    result = { code: 0, stdout, stderr, tmp };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    result = { code: e.code, stdout: e.stdout, stderr: e.stderr, tmp };
  }
  expectNoSecrets(h, result.stdout + result.stderr, fullEnv);
  return result;
}

/**
 * `backup <name>` run in this process, with a store built with `storeOptions` (the multipart threshold and
 * part size, which the CLI takes from no variable), else as `platform` runs it.
 */
export async function backupInProcess(h: Harness, name: string, env: Record<string, string>, storeOptions: UploadOptions): Promise<Omit<CliResult, 'tmp'>> {
  const fullEnv = cliEnv(h, env);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const refuse = (lines: readonly string[]) => (stderr.push(...lines), 2);
  const code = await runBackupCommand(
    { command: 'backup', args: [name], options: { all: false, yes: false }, instancesJson: fullEnv.INSTANCES, instancesSource: 'INSTANCES', env: fullEnv },
    { out: (line) => stdout.push(line), err: (line) => stderr.push(line), usageError: (message) => refuse([message]), inputError: refuse },
    storeOptions,
  );
  const result = { code, stdout: stdout.map((line) => `${line}\n`).join(''), stderr: stderr.map((line) => `${line}\n`).join('') };
  expectNoSecrets(h, result.stdout + result.stderr, fullEnv);
  return result;
}

function cliEnv(h: Harness, env: Record<string, string>): Record<string, string> {
  return { ...bucketEnv(h), PG_DUMP: join(PG_BIN_DIR, 'pg_dump'), PG_RESTORE: join(PG_BIN_DIR, 'pg_restore'), ...env };
}

/** Neither the database password, the bucket's secret nor a request signature was printed. */
function expectNoSecrets(h: Harness, output: string, env: Record<string, string>): void {
  for (const secret of [h.pg.password, encodeURIComponent(h.pg.password), env.S3_SECRET_ACCESS_KEY!]) expect(output).not.toContain(secret);
  expect(output).not.toMatch(/X-Amz-Signature|Signature=|AWS4-HMAC|Authorization/i);
}

export function bucketEnv(h: Harness): Record<string, string> {
  return { S3_ENDPOINT: h.s3.endpoint, S3_BUCKET: h.s3.bucket, S3_REGION: 'auto', S3_ACCESS_KEY_ID: h.s3.accessKeyId, S3_SECRET_ACCESS_KEY: h.s3.secretAccessKey };
}

/** INSTANCES for these ids, none in maintenance. */
export function registryJson(ids: string[]): string {
  return JSON.stringify(ids.map((id) => ({ id, origin: `https://${id}.origin.example`, maintenance: false })));
}

/** Direct bucket access for the tests, independent of the CLI's own store. */
export function bucket(h: Harness) {
  const client = new AwsClient({ accessKeyId: h.s3.accessKeyId, secretAccessKey: h.s3.secretAccessKey, service: 's3', region: 'auto', retries: 0 });
  const url = (key: string) => `${h.s3.endpoint}/${h.s3.bucket}/${key}`;
  return {
    async get(key: string): Promise<{ status: number; body: Buffer; metadata: Record<string, string> }> {
      const res = await client.fetch(url(key));
      const metadata: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        if (k.startsWith('x-amz-meta-')) metadata[k.slice(11)] = v;
      });
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()), metadata };
    },
    async put(key: string, body: Buffer | string, metadata: Record<string, string> = {}): Promise<void> {
      const headers = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [`x-amz-meta-${k}`, v]));
      const res = await client.fetch(url(key), { method: 'PUT', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
      expect(res.status, `PUT ${key}`).toBe(200);
    },
    async keys(prefix: string): Promise<string[]> {
      const res = await client.fetch(`${h.s3.endpoint}/${h.s3.bucket}?list-type=2&prefix=${encodeURIComponent(prefix)}`);
      return [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!).sort();
    },
    /** The keys of multipart uploads in progress under the prefix (ListMultipartUploads). */
    async uploads(prefix: string): Promise<string[]> {
      const res = await client.fetch(`${h.s3.endpoint}/${h.s3.bucket}?uploads&prefix=${encodeURIComponent(prefix)}`);
      const xml = await res.text();
      expect(xml, 'ListMultipartUploads').toContain('<ListMultipartUploadsResult>');
      return [...xml.matchAll(/<Upload><Key>([^<]+)<\/Key>/g)].map((m) => m[1]!).sort();
    },
  };
}
