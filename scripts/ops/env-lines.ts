// Env files (deploy/env.example, the origin host's .env) as lines `NAME=value`, the shape docker compose
// reads: listed for instance-entries.ts, and one variable set without touching the other lines. Pure.
import type { EntryList } from './instance-entries.ts';

const ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=(.*)$/;

interface Line {
  name: string;
  value: string;
  start: number;
  end: number;
}

function assignments(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const line of text.split('\n')) {
    const match = ASSIGNMENT.exec(line);
    if (match) lines.push({ name: match[1]!, value: match[2]!, start, end: start + line.length });
    start += line.length + 1;
  }
  return lines;
}

/** Every assignment, as one block list. */
export function envEntryList(text: string): EntryList {
  return { flow: false, entries: assignments(text).map(({ name, start, end }) => ({ name, start, end })) };
}

/** The raw value after `=` of the last assignment of `name` (the one compose uses), or undefined. */
export function envValue(text: string, name: string): string | undefined {
  return assignments(text).findLast((l) => l.name === name)?.value;
}

/**
 * `name` set to `rawValue` (already quoted as needed): every assignment of it rewritten, or one line added
 * after the last assignment of a name in `after` (else at the end).
 */
export function setEnvVariable(text: string, name: string, rawValue: string, after: readonly string[] = []): string {
  const lines = assignments(text);
  const line = `${name}=${rawValue}`;
  const own = lines.filter((l) => l.name === name);
  if (own.length) {
    return own.reduceRight((out, l) => out.slice(0, l.start) + line + out.slice(l.end), text);
  }
  const anchor = lines.findLast((l) => after.includes(l.name));
  if (anchor) return `${text.slice(0, anchor.end)}\n${line}${text.slice(anchor.end)}`;
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`;
}

/**
 * A JSON value for an env file or a TOML literal string: single-quoted, so neither compose (no `${…}`
 * interpolation, no ` #` comment) nor TOML (no escapes) reads anything into it. A `'` inside becomes the
 * JSON escape \u0027, which parses back to the same value.
 */
export function singleQuotedJson(json: string): string {
  return `'${json.replace(/'/g, '\\u0027')}'`;
}
