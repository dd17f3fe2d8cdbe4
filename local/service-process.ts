// A child process of the local platform: started with its output in a log file, watched for an early
// death, waited on until its health URL answers, stopped with SIGTERM (then SIGKILL) by its own PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  logFile: string;
  /** Polled until it answers 2xx. */
  health: { url: string; hostHeader?: string };
  startTimeoutMs?: number;
}

export interface RunningService {
  name: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export class ServiceStartError extends Error {
  constructor(readonly service: string, reason: string, readonly logTail: string) {
    super(`${service} failed to start: ${reason}`);
    this.name = 'ServiceStartError';
  }
}

export async function startService(spec: ServiceSpec): Promise<RunningService> {
  const log = createWriteStream(spec.logFile, { flags: 'a' });
  await new Promise((resolve) => log.once('open', resolve));
  // Own process group, so stopping wrangler also stops the workerd it spawned.
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });

  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const stop = async () => {
    if (exited || child.pid === undefined) return;
    signalGroup(child, 'SIGTERM');
    const killer = setTimeout(() => signalGroup(child, 'SIGKILL'), 8_000);
    await exitPromise;
    clearTimeout(killer);
    log.end();
  };

  const deadline = Date.now() + (spec.startTimeoutMs ?? 60_000);
  let spawnFailure: Error | null = null;
  void spawnError.then((err) => (spawnFailure = err));
  while (true) {
    if (spawnFailure) throw new ServiceStartError(spec.name, (spawnFailure as Error).message, '');
    if (exited) {
      const { code, signal } = exited;
      throw new ServiceStartError(spec.name, `exited early (${signal ?? `code ${code}`})`, await tail(spec.logFile));
    }
    if (await isHealthy(spec.health.url, spec.health.hostHeader)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new ServiceStartError(spec.name, `no healthy answer from ${spec.health.url} in time`, await tail(spec.logFile));
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { name: spec.name, pid: child.pid!, logFile: spec.logFile, stop };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** GET over node:http so a Host header such as app.wikiplatform.localhost can be sent to 127.0.0.1. */
export function isHealthy(url: string, hostHeader?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 2_000, headers: hostHeader ? { host: hostHeader } : {} }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 300);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

async function tail(file: string, lines = 15): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
