// Helpers for the HTML form routes: reading form fields, the page path after an action prefix, and a
// same-origin check for posts (the edge checks Origin too; this keeps the origin safe on its own).
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '#shared/errors';
import type { InstanceEnv } from '../deps.ts';
import { containsNul, nulRefused } from '../policy/client-input.ts';

export async function formFields(c: Context<InstanceEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody().catch(() => {
    throw new AppError('bad_request', 'The form could not be read.');
  });
  const fields: Record<string, string> = Object.fromEntries(Object.entries(body).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])));
  if (containsNul(fields)) throw nulRefused();
  return fields;
}

/** `/_edit/handbook/x` with prefix `/_edit` → `/handbook/x`; `/_edit` or `/_edit/` → `/`. */
export function pathAfter(c: Context, prefix: string): string {
  const path = c.req.path.slice(prefix.length) || '/';
  // No page path holds U+0000 (and Postgres text cannot): nothing to look up.
  if (path.includes('\u0000')) throw new AppError('not_found', 'No such page.');
  return path;
}

/**
 * Browsers say where a post came from; refuse posts (forms and API calls) from anywhere but this wiki.
 * `same-site` too: the other instances and the portal are subdomains of the same site, and none of them
 * posts here. Callers that are not browsers (the edge, API clients) send no such header.
 */
export const sameSiteOnly: MiddlewareHandler<InstanceEnv> = async function sameSiteOnly(c, next) {
  const from = c.req.header('sec-fetch-site');
  if (c.req.method === 'POST' && (from === 'cross-site' || from === 'same-site')) {
    throw new AppError('forbidden', 'Only pages of this wiki can post here.');
  }
  await next();
};

/** Turns "303 to the page" into a helper so every successful form post ends on a GET (no resubmits). */
export function seeOther(c: Context, location: string) {
  return c.redirect(location, 303);
}
