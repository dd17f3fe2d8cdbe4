// Reads a POST /v3/<domain>/messages form the way Mailgun's Messages API does: the required fields, the
// one-body rule, address syntax and the send-options size, each refusal with Mailgun's own sentence
// (the ones developers meet in Mailgun's answers). Pure: the HTTP layer hands in the parsed entries.
import { bareAddress, splitAddressList } from './addresses.ts';

/** A form value: text, or an uploaded file (only its description is kept). */
export type FieldValue = string | { name: string; size: number; type: string };

export interface MessageFields {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string | null;
  html: string | null;
  ampHtml: string | null;
  template: string | null;
  /** `o:tag` values. */
  tags: string[];
  /** `h:<name>` fields, by name (the last one wins). */
  headers: Record<string, string>;
  /** `v:<name>` fields. */
  variables: Record<string, string>;
  /** Every other `o:` and `t:` option, e.g. `o:testmode`, as sent. */
  options: Record<string, string>;
  attachments: { field: 'attachment' | 'inline'; filename: string; size: number; contentType: string }[];
}

export type FormResult = { ok: true; fields: MessageFields } | { ok: false; message: string };

// Mailgun limits send options (o:, h:, v:, t:) to 16 kB in total.
export const MAX_OPTIONS_BYTES = 16 * 1024;

const NEED_A_BODY = "Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified";

export function readMessageForm(entries: Iterable<[string, FieldValue]>): FormResult {
  const all = new Map<string, FieldValue[]>();
  for (const [name, value] of entries) all.set(name, [...(all.get(name) ?? []), value]);
  const texts = (name: string): string[] => (all.get(name) ?? []).filter((v): v is string => typeof v === 'string');
  // A blank value is no value: Mailgun answers an empty body as a missing one.
  const first = (name: string): string | null => texts(name).find((v) => v.trim() !== '') ?? null;

  const from = first('from');
  if (from === null) return refuse("'from' parameter is missing");
  const toEntries = texts('to').flatMap(splitAddressList);
  if (toEntries.length === 0) return refuse("'to' parameter is missing");
  // Assumed: Mailgun's docs mark subject required; its exact wording for a missing one is modelled on the others.
  const subject = first('subject');
  if (subject === null) return refuse("'subject' parameter is missing");
  const text = first('text');
  const html = first('html');
  const ampHtml = first('amp-html');
  const template = first('template');
  if (text === null && html === null && ampHtml === null && template === null) return refuse(NEED_A_BODY);

  const fromEntries = splitAddressList(from);
  if (fromEntries.length !== 1 || !bareAddress(fromEntries[0]!)) return refuse(invalidAddress('from'));
  if (!toEntries.every((entry) => bareAddress(entry))) return refuse(invalidAddress('to'));
  const cc = texts('cc').flatMap(splitAddressList);
  if (!cc.every((entry) => bareAddress(entry))) return refuse(invalidAddress('cc'));
  const bcc = texts('bcc').flatMap(splitAddressList);
  if (!bcc.every((entry) => bareAddress(entry))) return refuse(invalidAddress('bcc'));

  const tags: string[] = [];
  const headers: Record<string, string> = {};
  const variables: Record<string, string> = {};
  const options: Record<string, string> = {};
  let optionBytes = 0;
  for (const [name, values] of all) {
    const prefix = /^([ohvt]):(.+)$/.exec(name);
    if (!prefix) continue;
    for (const value of values) {
      if (typeof value !== 'string') continue;
      optionBytes += byteLength(name) + byteLength(value);
      if (name === 'o:tag') tags.push(value);
      else if (prefix[1] === 'h') headers[prefix[2]!] = value;
      else if (prefix[1] === 'v') variables[prefix[2]!] = value;
      else options[name] = value;
    }
  }
  if (optionBytes > MAX_OPTIONS_BYTES) return refuse('Send options (parameters starting with o:, h:, v:, or t:) are limited to 16 kB total');

  const attachments: MessageFields['attachments'] = [];
  for (const field of ['attachment', 'inline'] as const) {
    for (const value of all.get(field) ?? []) {
      if (typeof value === 'string') continue;
      attachments.push({ field, filename: value.name, size: value.size, contentType: value.type });
    }
  }

  return {
    ok: true,
    fields: { from: fromEntries[0]!, to: toEntries, cc, bcc, subject, text, html, ampHtml, template, tags, headers, variables, options, attachments },
  };
}

function invalidAddress(field: string): string {
  return `'${field}' parameter is not a valid address. please check documentation`;
}

function refuse(message: string): FormResult {
  return { ok: false, message };
}

function byteLength(value: string): number {
  return new TextEncoder().encode(value).length;
}
