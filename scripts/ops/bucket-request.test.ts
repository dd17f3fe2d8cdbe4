import { describe, expect, it } from 'vitest';
import { sendWithRetries, StoreError } from './bucket-request.ts';

const s3Error = (status: number, code: string) => new Response(`<?xml version="1.0"?><Error><Code>${code}</Code></Error>`, { status });
const networkError = () => new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
const noPause = () => 0;

/** A `send` that plays the given outcomes in turn, counting its calls. */
function script(...outcomes: (Response | Error)[]) {
  const calls = { n: 0 };
  const send = async () => {
    const next = outcomes[calls.n++]!;
    if (next instanceof Error) throw next;
    return next;
  };
  return { send, calls };
}

describe('sendWithRetries', () => {
  it('tries again after a network error, a 5xx or a 429, and returns the answer that follows', async () => {
    const { send, calls } = script(networkError(), s3Error(503, 'SlowDown'), new Response('ok'));
    expect(await (await sendWithRetries('PUT', 'k part 2 of 3', send, noPause)).text()).toBe('ok');
    expect(calls.n).toBe(3);
    const limited = script(s3Error(429, 'TooManyRequests'), new Response('ok'));
    expect((await sendWithRetries('PUT', 'k', limited.send, noPause)).status).toBe(200);
  });

  it('returns any other refusal at once, for the caller to report', async () => {
    const { send, calls } = script(s3Error(404, 'NoSuchBucket'));
    expect((await sendWithRetries('PUT', 'k', send, noPause)).status).toBe(404);
    expect(calls.n).toBe(1);
  });

  it('gives up after three tries, naming the operation, the object and the last reason', async () => {
    const failing = script(s3Error(500, 'InternalError'), networkError(), s3Error(500, 'InternalError'));
    const err = await sendWithRetries('PUT', 'tenants/a/backups/x.dump part 2 of 3', failing.send, noPause).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toBe('storage PUT tenants/a/backups/x.dump part 2 of 3 failed: HTTP 500 InternalError (tried 3 times)');
    const dropped = script(networkError(), networkError(), networkError());
    await expect(sendWithRetries('HEAD', 'k', dropped.send, noPause)).rejects.toThrow('storage HEAD k failed: network error: other side closed (tried 3 times)');
  });

  it('pauses before each new try, told how many tries have failed so far', async () => {
    const pauses: number[] = [];
    const { send } = script(networkError(), networkError(), new Response('ok'));
    await sendWithRetries('PUT', 'k', send, (attempt) => {
      pauses.push(attempt);
      return 0;
    });
    expect(pauses).toEqual([1, 2]);
  });
});
