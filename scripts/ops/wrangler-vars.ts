// The production variables of wrangler.toml ([env.production.vars]) read and set as lines of text: no TOML
// library is installed, and a text edit keeps the file's comments and layout. Only one-line string values
// (`NAME = '…'` or `NAME = "…"`) are understood; the caller re-reads the result with wrangler's own parser.
// Pure.
import { singleQuotedJson } from './env-lines.ts';

const SECTION = '[env.production.vars]';
const ASSIGNMENT = /^([ \t]*)([A-Za-z_][A-Za-z0-9_]*)([ \t]*=[ \t]*)('[^'\n]*'|"(?:[^"\\\n]|\\.)*")([ \t]*(?:#.*)?)$/;

interface VarLine {
  value: string;
  start: number;
  end: number;
  indent: string;
  equals: string;
  rest: string;
}

export type VarsResult =
  | { ok: true; vars: ReadonlyMap<string, VarLine>; /** Names assigned some other way (a number, a multi-line string). */ unreadable: ReadonlySet<string>; sectionEnd: number }
  | { ok: false; problem: string };

/** The one-line string variables of [env.production.vars], with where each line is. */
export function productionVars(text: string): VarsResult {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => l.trim() === SECTION);
  if (header === -1) return { ok: false, problem: `wrangler.toml has no ${SECTION} section` };
  const vars = new Map<string, VarLine>();
  const unreadable = new Set<string>();
  let offset = lines.slice(0, header + 1).reduce((n, l) => n + l.length + 1, 0);
  let sectionEnd = offset;
  for (const line of lines.slice(header + 1)) {
    if (/^[ \t]*\[/.test(line)) break;
    const match = ASSIGNMENT.exec(line);
    if (match) {
      const [, indent, name, equals, quoted, rest] = match as unknown as string[];
      const value = quoted!.startsWith("'") ? quoted!.slice(1, -1) : tomlBasicString(quoted!);
      if (value === undefined) return { ok: false, problem: `wrangler.toml ${SECTION} ${name}: a string this tool cannot read; write it as '…'` };
      vars.set(name!, { value, start: offset, end: offset + line.length, indent: indent!, equals: equals!, rest: rest! });
    } else {
      const name = /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*=/.exec(line)?.[1];
      if (name) unreadable.add(name);
    }
    offset += line.length + 1;
    if (line.trim() !== '' && !line.trim().startsWith('#')) sectionEnd = Math.min(offset, text.length);
  }
  return { ok: true, vars, unreadable, sectionEnd };
}

/** `name` set to a JSON (or empty) value in [env.production.vars]: its line rewritten, or added at the section's end. */
export function setProductionVar(text: string, name: string, json: string): string {
  const read = productionVars(text);
  if (!read.ok || read.unreadable.has(name)) throw new TypeError(`wrangler.toml: cannot set ${name}`);
  const quoted = json === '' ? '""' : singleQuotedJson(json);
  const line = read.vars.get(name);
  if (line) return `${text.slice(0, line.start)}${line.indent}${name}${line.equals}${quoted}${line.rest}${text.slice(line.end)}`;
  const at = read.sectionEnd;
  return `${text.slice(0, at)}${at > 0 && text[at - 1] !== '\n' ? '\n' : ''}${name} = ${quoted}\n${text.slice(at)}`;
}

/** A TOML basic string's value: its escapes are JSON's (plus \U, which JSON lacks). */
function tomlBasicString(quoted: string): string | undefined {
  try {
    return JSON.parse(quoted.replace(/\\U([0-9A-Fa-f]{8})/g, (_m, hex: string) => JSON.stringify(String.fromCodePoint(parseInt(hex, 16))).slice(1, -1))) as string;
  } catch {
    return undefined;
  }
}
