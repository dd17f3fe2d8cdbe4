// The one onError of every origin app: AppError and validation errors become their status with the
// standard body; anything else is a 500 whose details stay in the log. 4xx are not logged with a stack.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { AppError, ERROR_STATUS, errorBody, type ErrorCode } from '#shared/errors';
import type { BaseEnv } from './env.ts';
import { loggableError } from './loggable-error.ts';

export interface ErrorView {
  status: number;
  code: ErrorCode;
  message: string;
  requestId: string;
  details?: unknown;
}

/** Lets an app answer browsers with an HTML page instead of JSON; API paths always get JSON. */
export type HtmlErrorRenderer = (c: Context<BaseEnv>, view: ErrorView) => Response | Promise<Response>;

export function describeZodError(err: ZodError): { message: string; fields: { field: string; message: string }[] } {
  const fields = err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  return { message: fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields };
}

function toView(err: unknown, requestId: string): ErrorView {
  if (err instanceof AppError) return { status: err.status, code: err.code, message: err.message, requestId, details: err.details };
  if (err instanceof ZodError) {
    const { message, fields } = describeZodError(err);
    return { status: 400, code: 'validation_failed', message, requestId, details: { fields } };
  }
  if (err instanceof HTTPException && err.status < 500) {
    const code = codeForStatus(err.status);
    return { status: ERROR_STATUS[code], code, message: err.message || 'Bad request.', requestId };
  }
  return { status: 500, code: 'internal', message: 'Something went wrong on our side. The request id helps us find it.', requestId };
}

function codeForStatus(status: number): ErrorCode {
  const match = (Object.entries(ERROR_STATUS) as [ErrorCode, number][]).find(([, s]) => s === status);
  return match ? match[0] : 'bad_request';
}

export function wantsHtml(c: Context): boolean {
  return !c.req.path.startsWith('/api/') && (c.req.header('accept') ?? '').includes('text/html');
}

export function createErrorHandler(renderHtml?: HtmlErrorRenderer): ErrorHandler<BaseEnv> {
  return async function onError(err, c) {
    const requestId = c.var.requestId ?? 'unknown';
    const view = toView(err, requestId);
    if (view.status >= 500) c.var.log?.error({ err: loggableError(err), path: c.req.path }, 'request failed');
    else c.var.log?.info({ code: view.code, path: c.req.path, message: view.message }, 'request refused');
    if (renderHtml && wantsHtml(c) && view.code !== 'unauthenticated') return renderHtml(c, view);
    return c.json(errorBody(view.code, view.message, view.requestId, view.details), view.status as 400);
  };
}

export function createNotFoundHandler(renderHtml?: HtmlErrorRenderer): NotFoundHandler<BaseEnv> {
  return function notFound(c) {
    const view: ErrorView = { status: 404, code: 'not_found', message: 'Nothing here.', requestId: c.var.requestId ?? 'unknown' };
    if (renderHtml && wantsHtml(c)) return renderHtml(c, view);
    return c.json(errorBody(view.code, view.message, view.requestId), 404);
  };
}
