// Error responses in the shape each caller understands: JSON ({error:{code,message,requestId}}) for
// code, a branded HTML page for browsers. Also the app's one onError.
import { AppError, ERROR_STATUS, errorBody, type ErrorCode } from '#shared/errors';
import type { EdgeContext } from './edge-context.ts';
import { renderPage } from './error-pages.ts';
import { log } from './logger.ts';
import { wantsJson } from './request-kind.ts';

export function jsonError(c: EdgeContext, code: ErrorCode, message: string, details?: unknown): Response {
  c.set('headerProfile', 'edge');
  return c.json(errorBody(code, message, c.var.rid, details), ERROR_STATUS[code]);
}

/** JSON for code, `html` (or a generic page) for a browser navigation. */
export function errorResponse(c: EdgeContext, code: ErrorCode, message: string, html?: string, details?: unknown): Response {
  c.set('headerProfile', 'edge');
  if (wantsJson(c.req.raw)) return c.json(errorBody(code, message, c.var.rid, details), ERROR_STATUS[code]);
  const page = html ?? renderPage({ title: message, heading: message, paragraphs: [], requestId: c.var.rid });
  return c.html(page, ERROR_STATUS[code]);
}

/**
 * errorResponse without a Hono context, for the hot path: the same bodies and content types as
 * c.json / c.html, for a response that had no headers prepared before it.
 */
export function plainErrorResponse(req: Request, rid: string, code: ErrorCode, message: string, html?: string): Response {
  if (wantsJson(req)) {
    return new Response(JSON.stringify(errorBody(code, message, rid)), {
      status: ERROR_STATUS[code],
      headers: { 'content-type': 'application/json' },
    });
  }
  const page = html ?? renderPage({ title: message, heading: message, paragraphs: [], requestId: rid });
  return new Response(page, { status: ERROR_STATUS[code], headers: { 'content-type': 'text/html; charset=UTF-8' } });
}

export function onError(err: Error, c: EdgeContext): Response {
  if (err instanceof AppError) {
    c.var.logFields.reason ??= err.code;
    return errorResponse(c, err.code, err.message);
  }
  // 5xx: logged with the stack, answered with nothing internal.
  log('error', { msg: 'unhandled error', rid: c.var.rid, error: String(err), stack: err.stack });
  return errorResponse(c, 'internal', 'Something went wrong at the edge.');
}
