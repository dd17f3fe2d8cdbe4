// Header and cookie names that cross the edge/origin boundary.

/** The edge's signed assertion: the only identity an origin believes. */
export const ASSERTION_HEADER = 'x-wikiplatform-assertion';
export const REQUEST_ID_HEADER = 'x-request-id';
/**
 * The edge's Server-Timing entry for its own work (`edge;dur=<ms>`), sent with a proxied request. An
 * origin puts it in its answer's Server-Timing, so that answer needs nothing added at the edge and is
 * passed on without copying its headers (edge/security-headers.ts, completeAsIs).
 */
export const EDGE_TIMING_HEADER = 'x-wikiplatform-edge-timing';
export const EDGE_TIMING_PATTERN = /^edge;dur=\d{1,7}$/;
/** The HSTS policy, the same from the edge and from origins (each sends it only for https on a real domain). */
export const HSTS_POLICY = 'max-age=31536000; includeSubDomains';
/** The edge's browser session cookie; stripped before any request reaches an origin. */
export const SESSION_COOKIE = 'wp_session';
/** Every inbound header with this prefix is ours to set: the edge strips inbound copies. */
export const INTERNAL_HEADER_PREFIX = 'x-wikiplatform-';
