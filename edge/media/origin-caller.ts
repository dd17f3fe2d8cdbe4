// How the edge asks an instance origin to authorise an upload: a direct call (not the browser's proxied
// request) carrying a fresh assertion for that instance with the `media-authorize` purpose, which no
// proxied request's assertion ever has, and the request id.
import { signAssertion, type AssertionSigningKey } from '#shared/edge-assertion';
import { ASSERTION_HEADER, REQUEST_ID_HEADER } from '#shared/headers';
import { accessHeaders, type OriginAccess } from '../origin-access.ts';
import type { MediaCaller } from './media-handler.ts';

export interface OriginCallerOptions {
  signingKey: () => Promise<AssertionSigningKey>;
  /** Base URL of an instance's origin (from the registry). */
  originFor: (instanceId: string) => string | undefined;
  timeoutMs: number;
  /** The Access service token for the origins' hostnames, when configured. */
  originAccess?: OriginAccess;
}

export type CallOrigin = (caller: MediaCaller, path: string, init: { method: string; body?: string }) => Promise<Response>;

export function originCaller(options: OriginCallerOptions): CallOrigin {
  const access = accessHeaders(options.originAccess);
  return async function callOrigin(caller, path, init) {
    const base = options.originFor(caller.instanceId);
    if (!base) throw new Error(`no origin for instance ${caller.instanceId}`);
    const assertion = await signAssertion(await options.signingKey(), caller.identity, caller.instanceId, caller.requestId, undefined, 'media-authorize');
    return fetch(`${base.replace(/\/+$/, '')}${path}`, {
      method: init.method,
      body: init.body,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        [ASSERTION_HEADER]: assertion,
        [REQUEST_ID_HEADER]: caller.requestId,
        ...access,
      },
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  };
}
