// CPU time of processes, read from /proc (Linux): what a benchmark's targets spent per request, which is
// steadier than latency on a small shared machine. Every reader answers NaN where /proc is unavailable.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function read(pid: number | string, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return ''; // gone meanwhile, or no /proc
  }
}

/** The fields of /proc/<pid>/stat after the command name (state is [0], ppid [1], utime [11], stime [12]). */
function statFields(pid: number | string): string[] | undefined {
  const stat = read(pid, 'stat');
  return stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : undefined;
}

/** utime + stime of one process, in seconds; NaN if unreadable. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : Number.NaN;
}

function pids(): string[] {
  try {
    return readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
}

/** Pids of running processes with this command name (e.g. `workerd`). */
export function pidsNamed(comm: string): number[] {
  return pids()
    .filter((pid) => read(pid, 'comm').trim() === comm)
    .map(Number);
}

/** Total CPU seconds of the Postgres started on `dataDir`: its postmaster and the postmaster's children. */
export function postgresCpuSeconds(dataDir: string): number {
  const all = pids();
  const postmaster = all.find((pid) => read(pid, 'comm').trim() === 'postgres' && read(pid, 'cmdline').includes(dataDir));
  if (!postmaster) return Number.NaN;
  let total = cpuSeconds(Number(postmaster)) || 0;
  for (const pid of all) if (statFields(pid)?.[1] === postmaster) total += cpuSeconds(Number(pid)) || 0;
  return total;
}
