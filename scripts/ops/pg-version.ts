// Whether a pg_dump / pg_restore can work with a server or an archive, from their version strings. Pure.
// pg_dump refuses a server of a newer major ("server version mismatch"), and pg_restore may not read an
// archive a newer pg_dump wrote; both are checked up front so the operator gets the fix, not the symptom.
// Majors are compared as whole numbers: releases before 10 (9.6 …) are long out of support and not handled.

export interface ToolVersion {
  major: number;
  /** "16.4", as printed. */
  text: string;
}

/** `pg_dump (PostgreSQL) 16.4 (Debian 16.4-1.pgdg120+1)` → { major: 16, text: "16.4" }. */
export function parseToolVersion(output: string): ToolVersion | null {
  const m = /\(PostgreSQL\)\s+(\d+(?:\.\d+)*)/.exec(output);
  if (!m) return null;
  const text = m[1]!;
  return { major: Number(text.split('.')[0]), text };
}

/** `SHOW server_version_num` (160004) → { major: 16, text: "16.4" }. */
export function parseServerVersion(versionNum: string | number): ToolVersion | null {
  const n = Number(versionNum);
  if (!Number.isSafeInteger(n) || n < 100_000) return null;
  const major = Math.floor(n / 10_000);
  return { major, text: `${major}.${n % 10_000}` };
}

/**
 * Why `tool` cannot handle something of major `needed` (the server for pg_dump, the archive's pg_dump for
 * pg_restore), naming the fix; null when it can.
 */
export function versionProblem(tool: 'pg_dump' | 'pg_restore', version: ToolVersion, needed: ToolVersion, what: string, overrideVariable: string): string | null {
  if (version.major >= needed.major) return null;
  return (
    `${tool} ${version.text} is older than ${what} (${needed.text}) and cannot work with it: ` +
    `install the PostgreSQL ${needed.major} client tools (Debian/Ubuntu: postgresql-client-${needed.major} from the PGDG apt repository) ` +
    `or set ${overrideVariable} to a ${tool} of version ${needed.major} or newer`
  );
}
