// Pure policy: how long a failed provisioning job waits before its next attempt.

export interface BackoffOptions {
  /** Wait after the first failure. */
  baseMs: number;
  /** The longest wait, however many failures. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 30_000, capMs: 60 * 60_000 };

/** Exponential: base, 2×base, 4×base … up to the cap. `attempts` counts the failures so far (≥ 1). */
export function retryDelayMs(attempts: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  if (!Number.isInteger(attempts) || attempts < 1) throw new TypeError('attempts must be a positive integer');
  // Past 2^40 the cap has long been reached; stop before the float loses meaning.
  return Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempts - 1, 40));
}
