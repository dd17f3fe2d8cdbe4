// /_media/* on an instance host, for a caller the gateway has already authenticated:
//   POST /_media/uploads   → ask the instance origin to authorise, then presign the PUT it allows
//   GET|HEAD /_media/<key> → stream the object from storage, only for this instance's upload keys
// Framework-free (Request in, Response out), so the gateway can call it after its own checks.
import { ERROR_STATUS, errorBody, type ErrorCode } from '#shared/errors';
import type { Identity } from '#shared/identity';
import { MEDIA_AUTHORIZE_PATH, UploadGrantSchema, UploadRequestSchema } from '#shared/media-contract';
import { parseUploadKey } from '#shared/media-key';
import { canOpenInstance, type PlanMatrix } from '#shared/plan-matrix';
import type { S3SettingsResult } from '#shared/s3-settings';
import { downloadResponse, fetchObject } from './object-download.ts';
import type { CallOrigin } from './origin-caller.ts';
import { presignUpload } from './presign-upload.ts';

export interface MediaCaller {
  identity: Identity;
  /** The instance whose host was requested. */
  instanceId: string;
  requestId: string;
}

export type MediaLog = (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>) => void;

export interface MediaEdgeDeps {
  storage: S3SettingsResult;
  planMatrix: PlanMatrix;
  callOrigin: CallOrigin;
  /** Upload signing is rate-limited per user and instance when given. */
  signLimiter?: { allow(key: string): Promise<boolean> };
  log?: MediaLog;
  nowSeconds?: () => number;
}

export const MEDIA_PREFIX = '/_media/';
export const UPLOADS_PATH = '/_media/uploads';
/** An upload description is a few hundred bytes; anything much larger is not one. */
const MAX_DESCRIPTION_BYTES = 8 * 1024;

export function createMediaEdge(deps: MediaEdgeDeps) {
  const keyCache = new Map<string, ArrayBuffer>();
  const log: MediaLog = deps.log ?? (() => {});
  const now = deps.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  const fail = (caller: MediaCaller, code: ErrorCode, message: string, details?: unknown) =>
    Response.json(errorBody(code, message, caller.requestId, details), { status: ERROR_STATUS[code], headers: { 'cache-control': 'no-store' } });

  async function signUpload(req: Request, caller: MediaCaller, storage: Extract<S3SettingsResult, { ok: true }>['settings']) {
    if (deps.signLimiter && !(await deps.signLimiter.allow(`media-sign:${caller.instanceId}:${caller.identity.sub}`))) {
      return fail(caller, 'rate_limited', 'Too many uploads started; wait a minute and try again.');
    }
    // JSON only: a cross-site HTML form cannot send it without a CORS preflight.
    if (!(req.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) {
      return fail(caller, 'bad_request', 'Describe the upload as JSON (Content-Type: application/json).');
    }
    // The declared length first, so an oversized body is refused without being read; a body sent without
    // one (chunked) is read only up to the limit, never whole into the isolate's memory.
    const tooLarge = () => fail(caller, 'payload_too_large', `The upload description is larger than ${MAX_DESCRIPTION_BYTES} bytes.`);
    if (Number(req.headers.get('content-length') ?? 0) > MAX_DESCRIPTION_BYTES) return tooLarge();
    const text = await readTextUpTo(req, MAX_DESCRIPTION_BYTES);
    if (text === null) return tooLarge();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail(caller, 'bad_request', 'The upload description is not valid JSON.');
    }
    const parsed = UploadRequestSchema.safeParse(json);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
      return fail(caller, 'validation_failed', fields.map((f) => `${f.field}: ${f.message}`).join('; '), { fields });
    }

    let answer: Response;
    try {
      answer = await deps.callOrigin(caller, MEDIA_AUTHORIZE_PATH, { method: 'POST', body: JSON.stringify(parsed.data) });
    } catch (err) {
      const timeout = err instanceof Error && err.name === 'TimeoutError';
      log('warn', { msg: 'media authorize failed', rid: caller.requestId, instance: caller.instanceId, error: String(err) });
      return fail(caller, timeout ? 'gateway_timeout' : 'bad_gateway', 'The wiki could not check this upload right now.');
    }
    if (!answer.ok) return relayRefusal(caller, answer);
    const grant = UploadGrantSchema.safeParse(await answer.json().catch(() => null));
    // Defence in depth: whatever the origin says, the edge signs only keys of this instance's uploads.
    if (!grant.success || !parseUploadKey(grant.data.key, caller.instanceId)) {
      log('error', { msg: 'media authorize returned an unusable grant', rid: caller.requestId, instance: caller.instanceId });
      return fail(caller, 'bad_gateway', 'The wiki gave an unexpected answer.');
    }
    const presigned = await presignUpload(storage, grant.data, { nowSeconds: now(), keyCache });
    // Logged without the URL: it is a bearer credential for ten minutes.
    log('info', { msg: 'upload signed', rid: caller.requestId, instance: caller.instanceId, user: caller.identity.sub, size: grant.data.size, type: grant.data.contentType });
    return Response.json(presigned, { status: 201, headers: { 'cache-control': 'no-store' } });
  }

  async function relayRefusal(caller: MediaCaller, answer: Response) {
    const body = (await answer.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: unknown } } | null;
    const code = body?.error?.code;
    if (code && Object.hasOwn(ERROR_STATUS, code) && answer.status < 500) {
      return fail(caller, code as ErrorCode, body?.error?.message ?? 'Upload refused.', body?.error?.details);
    }
    log('warn', { msg: 'media authorize error', rid: caller.requestId, instance: caller.instanceId, status: answer.status });
    return fail(caller, 'bad_gateway', 'The wiki could not check this upload right now.');
  }

  async function download(req: Request, caller: MediaCaller, rawKey: string, storage: Extract<S3SettingsResult, { ok: true }>['settings']) {
    let key: string;
    try {
      key = decodeURIComponent(rawKey);
    } catch {
      return fail(caller, 'not_found', 'No such file.');
    }
    // Another instance's key, a backup, a traversal: all look the same from outside (404, not 403).
    const parsed = parseUploadKey(key, caller.instanceId);
    if (!parsed) return fail(caller, 'not_found', 'No such file.');
    let upstream: Response;
    try {
      upstream = await fetchObject(storage, parsed.key, req.method === 'HEAD' ? 'HEAD' : 'GET', req.headers, keyCache);
    } catch (err) {
      log('warn', { msg: 'media storage unreachable', rid: caller.requestId, error: String(err) });
      return fail(caller, 'bad_gateway', 'File storage cannot be reached right now.');
    }
    const outcome = downloadResponse(upstream, parsed.filename);
    if (outcome.ok) return outcome.response;
    await upstream.body?.cancel();
    if (outcome.reason === 'missing') return fail(caller, 'not_found', 'No such file.');
    log('warn', { msg: 'media storage error', rid: caller.requestId, status: outcome.status });
    return fail(caller, 'bad_gateway', 'File storage answered with an error.');
  }

  return async function handleMedia(req: Request, caller: MediaCaller): Promise<Response> {
    const path = new URL(req.url).pathname;
    // The gateway checks the plan before calling; checked again so this module is safe on its own.
    if (!canOpenInstance(caller.identity, caller.instanceId, deps.planMatrix)) {
      return fail(caller, 'plan_required', 'Your plan does not include this wiki.');
    }
    if (!deps.storage.ok) {
      log('error', { msg: 'media storage not configured', rid: caller.requestId, detail: deps.storage.message });
      return fail(caller, 'unavailable', 'File storage is not configured.');
    }
    if (path === UPLOADS_PATH) {
      if (req.method !== 'POST') return fail(caller, 'method_not_allowed', 'Use POST to start an upload.');
      return signUpload(req, caller, deps.storage.settings);
    }
    if (path.startsWith(MEDIA_PREFIX) && path.length > MEDIA_PREFIX.length) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return fail(caller, 'method_not_allowed', 'Files are read with GET.');
      return download(req, caller, path.slice(MEDIA_PREFIX.length), deps.storage.settings);
    }
    return fail(caller, 'not_found', 'No such file.');
  };
}

/** The body as UTF-8 text, or null as soon as more than `max` bytes have come (the rest is not read). */
async function readTextUpTo(req: Request, max: number): Promise<string | null> {
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(chunk.value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const part of chunks) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

export type MediaEdgeHandler = ReturnType<typeof createMediaEdge>;
