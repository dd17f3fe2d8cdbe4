// One request to the bucket, tried up to three times when the network fails or the bucket answers 5xx or 429,
// with a short, growing pause between tries. Errors name the operation, the object (and part) and why: the
// HTTP status with S3's error code, or the network's own words; never a URL's query, a header or a credential.
import { describeError } from './describe-error.ts';
import { s3ErrorCode } from './s3-xml.ts';

export const ATTEMPTS = 3;

export class StoreError extends Error {
  constructor(operation: string, target: string, reason: string) {
    super(`storage ${operation} ${target} failed: ${reason}`);
    this.name = 'StoreError';
  }
}

/** "HTTP 404 NoSuchBucket": the status, and S3's error code when the body has one (the body is read). */
export async function httpReason(res: Response): Promise<string> {
  const code = s3ErrorCode(await res.text().catch(() => ''));
  return `HTTP ${res.status}${code ? ` ${code}` : ''}`;
}

export async function refused(operation: string, target: string, res: Response): Promise<never> {
  throw new StoreError(operation, target, await httpReason(res));
}

/**
 * Calls `send` until it gets an answer that is not a 5xx or 429, at most three times, and returns that answer,
 * ok or not. `send` must build a new request each time: a streamed body is spent after one try. Throws a
 * StoreError when every try failed.
 */
export async function sendWithRetries(operation: string, target: string, send: () => Promise<Response>, pauseMs: (attempt: number) => number = (attempt) => 500 * attempt): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    let reason: string;
    try {
      const res = await send();
      if (res.status < 500 && res.status !== 429) return res;
      reason = await httpReason(res);
    } catch (err) {
      reason = `network error: ${describeError(err)}`;
    }
    if (attempt >= ATTEMPTS) throw new StoreError(operation, target, `${reason} (tried ${ATTEMPTS} times)`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs(attempt)));
  }
}
