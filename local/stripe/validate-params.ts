// Checks an endpoint's parameters with a strict zod schema and turns the first problem into the error
// Stripe gives for it: parameter_missing, parameter_unknown, an invalid enum or value, naming the
// parameter in bracket notation (`line_items[0][price]`).
import { z } from 'zod';
import type { Params, ParamValue } from './form-params.ts';
import { StripeApiError } from './stripe-errors.ts';

export interface ValidateOptions {
  /** Documented Stripe parameters this stand-in does not implement: refused by name rather than ignored. */
  notImplemented?: readonly string[];
}

export function validateParams<S extends z.ZodType>(schema: S, params: Params, options: ValidateOptions = {}): z.output<S> {
  for (const name of options.notImplemented ?? []) if (name in params) throw StripeApiError.notImplemented(name);
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  throw toStripeError(parsed.error.issues[0]!, params);
}

function toStripeError(issue: z.core.$ZodIssue, params: Params): StripeApiError {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') return StripeApiError.unknownParam(bracketPath([...path, issue.keys[0] ?? '']));
  const param = bracketPath(path);
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && valueAt(params, path) === undefined) return StripeApiError.missingParam(param);
  if (issue.code === 'invalid_value') {
    const values = issue.values.map(String);
    const list = values.length > 1 ? `${values.slice(0, -1).join(', ')}, or ${values.at(-1)}` : values.join('');
    return StripeApiError.invalidRequest(`Invalid ${param}: must be one of ${list}`, param);
  }
  if (issue.code === 'custom' || issue.code === 'too_big' || issue.code === 'too_small' || issue.code === 'invalid_format') {
    return StripeApiError.invalidRequest(issue.message, param, 'parameter_invalid_string');
  }
  return StripeApiError.invalidRequest(`Invalid ${param}`, param);
}

export function bracketPath(path: readonly (string | number)[]): string {
  const [head, ...rest] = path;
  return `${String(head ?? '')}${rest.map((p) => `[${String(p)}]`).join('')}`;
}

function valueAt(params: Params, path: readonly (string | number)[]): ParamValue | undefined {
  let current: ParamValue | undefined = params;
  for (const key of path) {
    if (current === undefined || typeof current === 'string') return undefined;
    current = Array.isArray(current) ? current[Number(key)] : current[String(key)];
  }
  return current;
}

// Building blocks: every value arrives as a string.

export const text = (max = 5000) => z.string().max(max, { message: `Invalid string: must be at most ${max} characters` });

export const integerParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d{1,15}$/, { message: 'Invalid integer' })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `Invalid integer: must be between ${min} and ${max}` });

export const booleanParam = () => z.enum(['true', 'false']).transform((v) => v === 'true');

export const urlParam = () =>
  z.string().refine(
    (value) => {
      try {
        const url = new URL(value.replaceAll('{CHECKOUT_SESSION_ID}', 'x'));
        return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: 'Not a valid URL' },
  );

/** Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500. */
export const metadataParam = () =>
  z
    .record(z.string(), z.string())
    .refine((m) => Object.keys(m).length <= 50, { message: 'Invalid metadata: you can specify up to 50 keys.' })
    .refine((m) => Object.keys(m).every((k) => k.length > 0 && k.length <= 40), { message: 'Invalid metadata: keys must be 1 to 40 characters long.' })
    .refine((m) => Object.values(m).every((v) => v.length <= 500), { message: 'Invalid metadata: values can be up to 500 characters long.' });

/** `expand[]=a&expand[]=b`, limited to the fields an object can expand. */
export const expandParam = (expandable: readonly string[]) =>
  z.array(z.string()).refine((fields) => fields.every((f) => expandable.includes(f)), {
    message: `This property cannot be expanded. Expandable here: ${expandable.join(', ') || 'none'}.`,
  });

/** Metadata as stored: an empty value deletes the key, as on Stripe. */
export function mergeMetadata(current: Record<string, string>, update: Record<string, string> | undefined): Record<string, string> {
  const next = { ...current };
  for (const [key, value] of Object.entries(update ?? {})) {
    if (value === '') delete next[key];
    else next[key] = value;
  }
  return next;
}
