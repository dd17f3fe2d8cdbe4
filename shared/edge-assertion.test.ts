import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ASSERTION_ISSUER, createAssertionVerifier, signAssertion, type AssertionSigningKey } from './edge-assertion.ts';
import type { Identity } from './identity.ts';

const identity: Identity = {
  sub: 'user-1',
  username: 'pro',
  email: 'pro@example.test',
  emailVerified: true,
  name: 'Pat Pro',
  plan: 'PRO',
  groups: ['/PRO'],
  roles: [],
};

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256' };
  return { signing: { kid, key: privateKey } as AssertionSigningKey, publicJwk };
}

describe('edge assertion', () => {
  let current: Awaited<ReturnType<typeof keyPair>>;
  let previous: Awaited<ReturnType<typeof keyPair>>;
  let foreign: Awaited<ReturnType<typeof keyPair>>;
  let verify: ReturnType<typeof createAssertionVerifier>;

  beforeAll(async () => {
    current = await keyPair('current');
    previous = await keyPair('previous');
    foreign = await keyPair('current'); // same kid, other key: a forgery attempt
    verify = createAssertionVerifier({ keys: [current.publicJwk, previous.publicJwk] });
  });

  it('accepts an assertion minted for this audience and returns who the user is', async () => {
    const token = await signAssertion(current.signing, identity, 'instance1', 'req-1');
    const result = await verify(token, 'instance1');
    expect(result).toEqual({ ok: true, payload: { ...identity, rid: 'req-1' } });
  });

  it('accepts an assertion signed with the previous key during a rotation', async () => {
    const token = await signAssertion(previous.signing, identity, 'instance1', 'req-2');
    expect((await verify(token, 'instance1')).ok).toBe(true);
  });

  it('refuses an assertion minted for another instance', async () => {
    const token = await signAssertion(current.signing, identity, 'instance2', 'req-3');
    expect(await verify(token, 'instance1')).toEqual({ ok: false, reason: 'wrong_audience' });
  });

  it('refuses an assertion signed by a key the origin does not trust', async () => {
    const token = await signAssertion(foreign.signing, identity, 'instance1', 'req-4');
    expect(await verify(token, 'instance1')).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses an expired assertion', async () => {
    const token = await signAssertion(current.signing, identity, 'instance1', 'req-5', Math.floor(Date.now() / 1000) - 120);
    expect(await verify(token, 'instance1')).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a missing or garbage assertion', async () => {
    expect(await verify(undefined, 'instance1')).toEqual({ ok: false, reason: 'missing' });
    expect(await verify('not.a.jwt', 'instance1')).toEqual({ ok: false, reason: 'malformed' });
    expect(await verify('x'.repeat(10_000), 'instance1')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a token from another issuer even when signed by a trusted key', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ ...identity, rid: 'r' })
      .setProtectedHeader({ alg: 'ES256', kid: 'current' })
      .setIssuer('someone-else')
      .setAudience('instance1')
      .setSubject(identity.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 30)
      .sign(current.signing.key);
    expect(await verify(token, 'instance1')).toEqual({ ok: false, reason: 'invalid_claims' });
  });

  it('refuses an assertion whose identity claims are malformed', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: 'u', plan: 'GOLD', rid: 'r' })
      .setProtectedHeader({ alg: 'ES256', kid: 'current' })
      .setIssuer(ASSERTION_ISSUER)
      .setAudience('instance1')
      .setIssuedAt(now)
      .setExpirationTime(now + 30)
      .sign(current.signing.key);
    expect(await verify(token, 'instance1')).toEqual({ ok: false, reason: 'invalid_claims' });
  });

  it('carries a purpose only when the edge signs one, and refuses a purpose it does not know', async () => {
    const plain = await verify(await signAssertion(current.signing, identity, 'instance1', 'r1'), 'instance1');
    expect(plain.ok && plain.payload.purpose).toBe(undefined);
    const forMedia = await verify(await signAssertion(current.signing, identity, 'instance1', 'r2', undefined, 'media-authorize'), 'instance1');
    expect(forMedia.ok && forMedia.payload.purpose).toBe('media-authorize');
    const now = Math.floor(Date.now() / 1000);
    const unknown = await new SignJWT({ ...identity, rid: 'r', purpose: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: 'current' })
      .setIssuer(ASSERTION_ISSUER)
      .setAudience('instance1')
      .setSubject(identity.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 30)
      .sign(current.signing.key);
    expect(await verify(unknown, 'instance1')).toEqual({ ok: false, reason: 'invalid_claims' });
  });
});
