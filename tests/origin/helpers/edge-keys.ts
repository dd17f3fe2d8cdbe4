// Plays the edge in origin tests: a real ES256 key pair, and assertions signed with the shared signer.
import { exportJWK, generateKeyPair, type JSONWebKeySet } from 'jose';
import { signAssertion, type AssertionPurpose, type AssertionSigningKey } from '#shared/edge-assertion';
import type { Identity } from '#shared/identity';

export interface TestEdge {
  jwks: JSONWebKeySet;
  signing: AssertionSigningKey;
  mint(identity: Identity, audience: string, options?: { nowSeconds?: number; requestId?: string; purpose?: AssertionPurpose }): Promise<string>;
}

export async function createTestEdge(kid = 'test-edge-1'): Promise<TestEdge> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const signing = { kid, key: privateKey };
  return {
    jwks: { keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] },
    signing,
    mint: (identity, audience, options = {}) =>
      signAssertion(signing, identity, audience, options.requestId ?? 'test-request', options.nowSeconds, options.purpose),
  };
}

export function identity(overrides: Partial<Identity> = {}): Identity {
  return {
    sub: 'user-sam',
    username: 'sam',
    email: 'sam@example.test',
    emailVerified: true,
    name: 'Sam Starter',
    plan: 'STARTER',
    groups: ['/STARTER'],
    roles: [],
    ...overrides,
  };
}
