// JSON log lines on stdout (Workers Logs / wrangler tail / wrangler dev all collect console output).
// Callers pass fields, never tokens or cookies; `redact` guards the keys that could carry them anyway.
import type { LogLevel } from './config.ts';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold = ORDER.info;

export function setLogLevel(level: LogLevel): void {
  threshold = ORDER[level];
}

const SECRET_KEYS = /token|cookie|authorization|secret|password|assertion|code_verifier/i;

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : v;
  return out;
}

/** Lets hot paths skip building a log record nobody will print. */
export function logEnabled(level: LogLevel): boolean {
  return ORDER[level] >= threshold;
}

export function log(level: LogLevel, fields: Record<string, unknown>): void {
  if (ORDER[level] < threshold) return;
  console.log(JSON.stringify({ ts: new Date().toISOString(), level, ...redact(fields) }));
}
