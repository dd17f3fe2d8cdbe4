// Stripe's form encoding: `a[b][0][c]=v` pairs become nested objects and arrays (`a[]` appends, numeric
// keys make an array). Hostile shapes (too many pairs, too deep, `__proto__`, a key both value and hash)
// are refused with the same 400 Stripe gives, never a crash.
import { StripeApiError } from './stripe-errors.ts';

export type ParamValue = string | ParamValue[] | { [key: string]: ParamValue };
export type Params = { [key: string]: ParamValue };

const MAX_PAIRS = 1000;
const MAX_DEPTH = 6;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

type Node = Map<string, Node | string>;

/** Parses `application/x-www-form-urlencoded` text (a body or a query string without `?`). */
export function parseFormParams(text: string): Params {
  const pairs = new URLSearchParams(text);
  const root: Node = new Map();
  let count = 0;
  for (const [rawKey, value] of pairs) {
    if (++count > MAX_PAIRS) throw StripeApiError.invalidRequest(`Too many parameters (more than ${MAX_PAIRS}).`);
    insert(root, splitKey(rawKey), value, rawKey);
  }
  return toParams(root);
}

/** `line_items[0][price]` → ['line_items', '0', 'price']; `expand[]` → ['expand', '']. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const rest = key.slice(open);
  const segment = /\[([^[\]]*)\]/y;
  let at = 0;
  while (at < rest.length) {
    segment.lastIndex = at;
    const match = segment.exec(rest);
    // Stripe takes `a[b]x` literally as a malformed key; refuse rather than guess.
    if (!match) throw StripeApiError.invalidRequest(`Invalid parameter name: ${key.slice(0, 100)}`);
    parts.push(match[1]!);
    at = segment.lastIndex;
  }
  if (parts.length > MAX_DEPTH) throw StripeApiError.invalidRequest(`Parameter nested too deeply: ${key.slice(0, 100)}`);
  return parts;
}

function insert(node: Node, path: string[], value: string, rawKey: string): void {
  let current = node;
  for (let i = 0; i < path.length; i++) {
    let key = path[i]!;
    if (FORBIDDEN_KEYS.has(key)) throw StripeApiError.invalidRequest(`Invalid parameter name: ${rawKey.slice(0, 100)}`);
    if (key === '') key = String(nextIndex(current));
    const last = i === path.length - 1;
    const existing = current.get(key);
    if (last) {
      if (existing instanceof Map) throw StripeApiError.invalidRequest(`Invalid hash: ${rawKey.slice(0, 100)} is both a value and a hash.`);
      // A repeated scalar keeps the last value, as Stripe's parser does.
      current.set(key, value);
      return;
    }
    if (typeof existing === 'string') throw StripeApiError.invalidRequest(`Invalid hash: ${rawKey.slice(0, 100)} is both a value and a hash.`);
    const next: Node = existing ?? new Map();
    current.set(key, next);
    current = next;
  }
}

/** `a[]` appends after the highest index given so far. */
function nextIndex(node: Node): number {
  let next = 0;
  for (const key of node.keys()) if (/^\d+$/.test(key)) next = Math.max(next, Number(key) + 1);
  return next;
}

function toParams(node: Node): Params {
  const out: Params = {};
  for (const [key, child] of node) out[key] = toValue(child);
  return out;
}

function toValue(node: Node | string): ParamValue {
  if (typeof node === 'string') return node;
  const keys = [...node.keys()];
  // `a[0]`, `a[1]` and `a[]` are arrays, in index order; any other key makes a hash.
  if (keys.length > 0 && keys.every((k) => /^(0|[1-9]\d{0,6})$/.test(k))) {
    return keys
      .map((k) => [Number(k), node.get(k)!] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, child]) => toValue(child));
  }
  const out: { [key: string]: ParamValue } = {};
  for (const [key, child] of node) out[key] = toValue(child);
  return out;
}
