// The Hono environment every origin app shares: per-request services live on c.var, not in module singletons.
import type { AssertionPayload } from '#shared/edge-assertion';
import type { Logger } from './logger.ts';

export interface BaseVariables {
  requestId: string;
  /** Child logger carrying the request id. */
  log: Logger;
  /** The verified edge assertion: who is calling, as the edge vouches. */
  assertion: AssertionPayload;
}

export type BaseEnv = { Variables: BaseVariables };
