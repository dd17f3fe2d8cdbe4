// The request id carried through the origin (logs, error bodies, response header): the edge's, or a new one.
import { randomUUID } from 'node:crypto';
import type { Logger } from './logger.ts';

// An id from outside ends up in logs and headers, so it is kept to a boring shape.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What a request's logger is made from, and the logger once it is made. */
interface LazyChild {
  parent: Logger;
  rid: string;
  child: Logger | undefined;
}

const made = (t: LazyChild): Logger => (t.child ??= t.parent.child({ rid: t.rid }));

// Every use goes to the real child logger (`logger.child({ rid })`), made on first use; methods are bound
// to it, so pino sees its own object. Reads and writes of properties (level, …) go to it as well.
const lazyChild: ProxyHandler<LazyChild> = {
  get(t, prop) {
    // The child's level is its parent's until someone sets it on the child, which needs the child made:
    // asking whether a level is on (before building a line) needs no child.
    if (prop === 'isLevelEnabled' && t.child === undefined) return (level: string) => t.parent.isLevelEnabled(level);
    const child = made(t);
    const value = Reflect.get(child, prop, child) as unknown;
    return typeof value === 'function' ? value.bind(child) : value;
  },
  set: (t, prop, value) => Reflect.set(made(t), prop, value),
  has: (t, prop) => Reflect.has(made(t), prop),
  getPrototypeOf: (t) => Reflect.getPrototypeOf(made(t)),
};

/**
 * The request's logger: the child logger carrying `rid`, made only when something logs through it. Most
 * requests never do (their access line carries `rid` itself), and a pino child costs a redaction pass of
 * its bindings, a formatter object and a prototype, per request.
 */
export function requestLogger(parent: Logger, rid: string): Logger {
  return new Proxy<LazyChild>({ parent, rid, child: undefined }, lazyChild) as unknown as Logger;
}

/** The edge's request id when it has a safe shape, else a fresh one. */
export function requestIdFrom(inbound: string | undefined): string {
  return inbound && SAFE_ID.test(inbound) ? inbound : randomUUID();
}
