// A throwaway Postgres cluster from a directory of server binaries (Debian's /usr/lib/postgresql/<major>/bin),
// for tests that need a server of the same major as the pg_dump on the machine: the embedded cluster the
// other tests use is Postgres 18, newer than any pg_dump here, and pg_dump refuses a newer server.
// As root, initdb and postgres run as the `postgres` user (they refuse root), as local/postgres.ts does.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from '../../local/ports.ts';

const exec = promisify(execFile);
const USER = 'postgres';

export interface BinariesPostgres {
  /** The cluster's own pg_dump, pg_restore, … */
  binDir: string;
  /** URL of a database, with the superuser's password in it. */
  urlFor(database: string): string;
  password: string;
  createDatabase(prefix: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startPostgresFromBinaries(binDir: string): Promise<BinariesPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'wikiplatform-test-pgbin-'));
  // mkdtemp gives 0700; the postgres user must get in.
  await chmod(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await postgresIds() : null;
  const dataDir = join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  const pwfile = join(dir, 'pwfile');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    await chown(dir, owner.uid, owner.gid);
    await chown(pwfile, owner.uid, owner.gid);
  }
  const run = (binary: string, args: string[]) =>
    asRoot ? exec('runuser', ['-u', USER, '--', join(binDir, binary), ...args], { cwd: dir }) : exec(join(binDir, binary), args, { cwd: dir });

  const port = await freePort();
  try {
    await run('initdb', ['-D', dataDir, '-U', USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C.UTF-8']);
    // TCP on loopback only, no socket directory; -w waits until it accepts connections.
    const options = `-c listen_addresses=127.0.0.1 -c unix_socket_directories= -c port=${port} -c fsync=off`;
    await run('pg_ctl', ['-D', dataDir, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  } catch (err) {
    const log = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`Postgres from ${binDir} did not start: ${err instanceof Error ? err.message : String(err)}\n${log}`);
  }

  const urlFor = (database: string) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    binDir,
    urlFor,
    password,
    async createDatabase(prefix) {
      const name = `${prefix}_${randomBytes(4).toString('hex')}`;
      const admin = postgres(urlFor('postgres'), { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`create database "${name}"`);
      } finally {
        await admin.end();
      }
      return name;
    },
    async stop() {
      await run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await exec('id', [USER]).catch(() => {
    throw new Error(`running as root needs a "${USER}" user for Postgres (Debian's postgresql package creates it)`);
  });
  const uid = /uid=(\d+)/.exec(stdout)?.[1];
  const gid = /gid=(\d+)/.exec(stdout)?.[1];
  if (!uid || !gid) throw new Error(`cannot read the ids of the "${USER}" user`);
  return { uid: Number(uid), gid: Number(gid) };
}
