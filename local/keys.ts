// Local secrets, generated at first run into the state directory (never committed): the edge's assertion
// signing key, the session secret and the OIDC client secrets. Kept across restarts so sessions survive.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface LocalSecrets {
  /** ES256 private JWK (with kid) the edge signs assertions with. */
  edgeAssertionPrivateJwk: JWK;
  /** The public half, as the JWKS origins verify with. */
  edgeAssertionPublicJwks: { keys: JWK[] };
  sessionSecret: string;
  edgeClientSecret: string;
  portalClientSecret: string;
}

export async function loadOrCreateSecrets(stateDir: string): Promise<LocalSecrets> {
  const dir = join(stateDir, 'keys');
  const file = join(dir, 'local-secrets.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LocalSecrets;
  } catch {
    const secrets = await generateSecrets();
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets;
  }
}

export async function generateSecrets(): Promise<LocalSecrets> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `edge-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return {
    edgeAssertionPrivateJwk: privateJwk,
    edgeAssertionPublicJwks: { keys: [publicJwk] },
    sessionSecret: randomBytes(32).toString('base64url'),
    edgeClientSecret: randomBytes(24).toString('base64url'),
    portalClientSecret: randomBytes(24).toString('base64url'),
  };
}
