// Header and cookie names that cross the edge/origin boundary.

/** The edge's signed assertion: the only identity an origin believes. */
export const ASSERTION_HEADER = 'x-wikiplatform-assertion';
export const REQUEST_ID_HEADER = 'x-request-id';
/** The edge's browser session cookie; stripped before any request reaches an origin. */
export const SESSION_COOKIE = 'wp_session';
/** Every inbound header with this prefix is ours to set: the edge strips inbound copies. */
export const INTERNAL_HEADER_PREFIX = 'x-wikiplatform-';
