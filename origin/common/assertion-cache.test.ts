import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAssertionVerifier, signAssertion } from '#shared/edge-assertion';
import { cacheVerifications } from './assertion-cache.ts';

const identity = { sub: 'u1', username: 'u', email: 'u@x.test', emailVerified: true, name: 'U', plan: null, groups: [], roles: [] };

async function setup() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const verify = createAssertionVerifier({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' }] });
  let calls = 0;
  const counting: typeof verify = (t, a) => {
    calls++;
    return verify(t, a);
  };
  const sign = (aud: string, nowSeconds?: number) => signAssertion({ kid: 'k', key: privateKey }, identity, aud, 'rid', nowSeconds);
  return { counting, sign, calls: () => calls };
}

describe('assertion verification cache', () => {
  it('verifies a token once and answers repeats from memory', async () => {
    const s = await setup();
    const cached = cacheVerifications(s.counting);
    const token = await s.sign('instance1');
    expect((await cached(token, 'instance1')).ok).toBe(true);
    expect((await cached(token, 'instance1')).ok).toBe(true);
    expect(s.calls()).toBe(1);
  });

  it('never answers a token for another audience from the cache', async () => {
    const s = await setup();
    const cached = cacheVerifications(s.counting);
    const token = await s.sign('instance1');
    await cached(token, 'instance1');
    expect(await cached(token, 'instance2')).toEqual({ ok: false, reason: 'wrong_audience' });
  });

  it('forgets a token at its expiry time', async () => {
    const s = await setup();
    let clock = Date.now();
    const cached = cacheVerifications(s.counting, { now: () => clock });
    const token = await s.sign('instance1');
    await cached(token, 'instance1');
    clock += 31_000;
    await cached(token, 'instance1');
    expect(s.calls()).toBe(2);
  });

  it('does not cache refusals', async () => {
    const s = await setup();
    const cached = cacheVerifications(s.counting);
    await cached('garbage', 'instance1');
    await cached('garbage', 'instance1');
    expect(s.calls()).toBe(2);
  });
});
