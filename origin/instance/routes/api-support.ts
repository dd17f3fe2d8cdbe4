// Small helpers every API route uses: JSON bodies checked by a schema, numeric ids, the acting user.
import type { Context } from 'hono';
import { z } from 'zod';
import { AppError } from '#shared/errors';
import { escapeHtml } from '#shared/escape-html';
import type { InstanceEnv } from '../deps.ts';
import { containsNul, MAX_INT4, nulRefused, requireJsonContentType } from '../policy/client-input.ts';
import type { Actor } from '../services/wiki.ts';
import type { PageRow } from '../store/pages.ts';
import { MARK_END, MARK_START } from '../store/search.ts';

export async function readJson<T extends z.ZodType>(c: Context<InstanceEnv>, schema: T): Promise<z.infer<T>> {
  requireJsonContentType(c.req.header('content-type'));
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new AppError('bad_request', 'The request body must be a JSON object.');
  }
  if (containsNul(body)) throw nulRefused();
  return schema.parse(body); // a ZodError becomes 400 validation_failed naming the field
}

/** A revision number from a query string: 400 unless a whole number an integer column can hold. */
export const RevisionNumber = z.coerce.number({ error: 'must be a revision number' }).int().positive().max(MAX_INT4);

/** A positive integer from the URL. Not a number → 400; a number no row can have → 404 (`missing` says of what). */
export function intParam(c: Context<InstanceEnv>, name: string, missing = 'No such page.'): number {
  const raw = c.req.param(name) ?? '';
  if (!/^\d{1,18}$/.test(raw) || Number(raw) < 1) {
    throw new AppError('validation_failed', `${name}: must be a positive integer`, { fields: [{ field: name, message: 'must be a positive integer' }] });
  }
  const value = Number(raw);
  if (value > MAX_INT4) throw new AppError('not_found', missing);
  return value;
}

export function actorOf(c: Context<InstanceEnv>): Actor {
  return { id: c.var.user.id, role: c.var.role };
}

export function pageSummary(row: Pick<PageRow, 'id' | 'path' | 'title' | 'revision' | 'html'>) {
  return { id: row.id, path: row.path, title: row.title, revision: row.revision, html: row.html };
}

/** Snippet text from Postgres → HTML: everything escaped, then only our markers become <mark>. */
export function snippetHtml(raw: string): string {
  return escapeHtml(raw).replaceAll(MARK_START, '<mark>').replaceAll(MARK_END, '</mark>');
}
