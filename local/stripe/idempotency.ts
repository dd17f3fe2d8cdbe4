// Stripe's idempotent requests: the first response for a key (per account) is saved once the endpoint
// has begun executing and replayed for the same request; the same key with another endpoint or other
// parameters is an idempotency_error. Keys are forgotten after 24 hours.
import { createHash } from 'node:crypto';
import type { Params, ParamValue } from './form-params.ts';
import { StripeApiError } from './stripe-errors.ts';
import type { IdempotentRecord } from './stripe-state.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_KEY_LENGTH = 255;

export type IdempotencyLookup = { kind: 'new' } | { kind: 'replay'; record: IdempotentRecord };

/** What makes two requests "the same": method, path and parameters (key order aside). */
export function requestFingerprint(method: string, path: string, params: Params): string {
  return createHash('sha256').update(`${method} ${path}\n${canonical(params)}`).digest('hex');
}

export function checkIdempotencyKey(
  records: Map<string, IdempotentRecord>,
  scope: string,
  key: string,
  fingerprint: string,
  nowMs: number,
): IdempotencyLookup {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw StripeApiError.invalidRequest(`Invalid Idempotency-Key: must be 1 to ${MAX_KEY_LENGTH} characters long.`);
  }
  pruneExpired(records, nowMs);
  const record = records.get(recordId(scope, key));
  if (!record) return { kind: 'new' };
  if (record.fingerprint !== fingerprint) throw StripeApiError.idempotencyMismatch(key);
  return { kind: 'replay', record };
}

export function saveIdempotentResult(records: Map<string, IdempotentRecord>, record: IdempotentRecord): void {
  records.set(recordId(record.scope, record.key), record);
}

function recordId(scope: string, key: string): string {
  return `${scope}\n${key}`;
}

function pruneExpired(records: Map<string, IdempotentRecord>, nowMs: number): void {
  for (const [id, record] of records) if (nowMs - record.createdMs > IDEMPOTENCY_TTL_MS) records.delete(id);
}

function canonical(value: ParamValue | Params): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k]!)}`).join(',')}}`;
}
