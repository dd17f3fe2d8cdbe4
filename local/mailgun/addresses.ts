// Email address fields as Mailgun reads them: `bob@host.com` or `Bob <bob@host.com>`, several per field
// separated by commas. Pure. Stricter than RFC 5322 where it is cheap to be (no quoted local parts),
// because an address Mailgun would refuse must fail here too, not only in production.

/** Splits on commas outside double quotes and angle brackets: `"Doe, John" <j@x.io>, a@x.io` is two. */
export function splitAddressList(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angled = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && quoted && i + 1 < value.length) {
      current += ch + value[++i];
      continue;
    }
    if (ch === '"' && !angled) quoted = !quoted;
    else if (ch === '<' && !quoted) angled = true;
    else if (ch === '>' && !quoted) angled = false;
    if (ch === ',' && !quoted && !angled) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

const NAME_AND_ADDRESS = /^(?:"(?:[^"\\]|\\.)*"|[^<>"]*?)\s*<([^<>\s]+)>$/;
const LOCAL = /^[^\s@<>()[\]\\,;:"]+$/u;
// At least two labels, the last one not numeric: `root@localhost` and `matt@parabol` are refused.
const DOMAIN = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;

/** The address inside one entry (`Bob <bob@host.com>` → `bob@host.com`), or null when it is not one. */
export function bareAddress(entry: string): string | null {
  const trimmed = entry.trim();
  const named = NAME_AND_ADDRESS.exec(trimmed);
  const address = named ? named[1]! : trimmed;
  const at = address.lastIndexOf('@');
  if (at <= 0) return null;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || domain.length > 253 || !LOCAL.test(local) || !DOMAIN.test(domain)) return null;
  return address;
}

/** Compares addresses as mail systems do in practice: case-insensitively. */
export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
