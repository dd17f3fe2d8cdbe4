// Imports the edge's key material once per config: the assertion signing key and the keys derived
// from SESSION_SECRET (one per purpose, so a MAC key is never also an encryption key).
import { importJWK } from 'jose';
import type { AssertionSigningKey } from '#shared/edge-assertion';
import { ASSERTION_ALG } from '#shared/edge-assertion';
import type { EdgeConfig } from './config.ts';

export interface EdgeKeys {
  assertion: AssertionSigningKey;
  /** HMAC-SHA256 over the session cookie. */
  sessionMac: CryptoKey;
  /** AES-256-GCM over the short-lived sign-in state cookie (it carries the PKCE verifier). */
  loginState: CryptoKey;
}

const encoder = new TextEncoder();

async function derive(secret: CryptoKey, info: string, algorithm: SubtleCryptoImportKeyAlgorithm, usages: string[]) {
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('wikiplatform-edge'), info: encoder.encode(info) },
    secret,
    algorithm,
    false,
    usages,
  );
}

export async function importEdgeKeys(config: EdgeConfig): Promise<EdgeKeys> {
  const { kid, ...jwk } = config.assertionPrivateJwk;
  const key = await importJWK({ ...jwk, alg: ASSERTION_ALG }, ASSERTION_ALG);
  if (!(key instanceof CryptoKey)) throw new TypeError('EDGE_ASSERTION_PRIVATE_JWK did not import as a CryptoKey');
  const master = await crypto.subtle.importKey('raw', encoder.encode(config.sessionSecret), 'HKDF', false, ['deriveKey']);
  return {
    assertion: { kid, key },
    sessionMac: await derive(master, 'session-cookie-mac-v1', { name: 'HMAC', hash: 'SHA-256', length: 256 }, ['sign', 'verify']),
    loginState: await derive(master, 'login-state-enc-v1', { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt']),
  };
}
