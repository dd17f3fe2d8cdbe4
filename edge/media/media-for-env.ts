// Builds the /_media handler once per env object (workerd hands every request the same env), from
// the gateway's config and keys. The gateway calls it after authentication and the plan check.
import type { AssertionSigningKey } from '#shared/edge-assertion';
import type { PlanMatrix } from '#shared/plan-matrix';
import type { OriginAccess } from '../origin-access.ts';
import { createMediaEdge, type MediaEdgeHandler, type MediaLog } from './media-handler.ts';
import { originCaller } from './origin-caller.ts';
import { mediaStorageFor } from './storage-config.ts';

export interface MediaEdgeOptions {
  planMatrix: PlanMatrix;
  signingKey: () => Promise<AssertionSigningKey>;
  originFor: (instanceId: string) => string | undefined;
  timeoutMs: number;
  /** The Access service token for the origins' hostnames, when configured. */
  originAccess?: OriginAccess;
  /** Upload signing's limiter for an env: its rate-limit binding when it has one. */
  signLimiter?: (env: object) => { allow(key: string): Promise<boolean> };
  log?: MediaLog;
}

export function mediaHandlerFactory(options: MediaEdgeOptions): (env: object) => MediaEdgeHandler {
  const handlers = new WeakMap<object, MediaEdgeHandler>();
  const callOrigin = originCaller({
    signingKey: options.signingKey,
    originFor: options.originFor,
    timeoutMs: options.timeoutMs,
    originAccess: options.originAccess,
  });
  return function mediaFor(env) {
    let handler = handlers.get(env);
    if (!handler) {
      handler = createMediaEdge({ storage: mediaStorageFor(env), planMatrix: options.planMatrix, callOrigin, signLimiter: options.signLimiter?.(env), log: options.log });
      handlers.set(env, handler);
    }
    return handler;
  };
}
