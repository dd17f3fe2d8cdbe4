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
  /** The local Stripe stand-in's API key and webhook signing secret, shaped like Stripe's test-mode ones. */
  stripeSecretKey: string;
  stripeWebhookSecret: string;
  /** The local Mailgun stand-in's API key. */
  mailgunApiKey: string;
}

export async function loadOrCreateSecrets(stateDir: string): Promise<LocalSecrets> {
  const dir = join(stateDir, 'keys');
  const file = join(dir, 'local-secrets.json');
  let stored: Partial<LocalSecrets> | null = null;
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<LocalSecrets>;
  } catch (err) {
    // Only a missing file means "first run". Anything else would silently replace the keys (and sign
    // everyone out), so say what is wrong instead.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`${file} cannot be read (${(err as Error).message}): fix it, or delete it to generate new local secrets`);
    }
  }
  // A state directory from an older version lacks the newer secrets: add them, keep the rest (sessions
  // and the assertion key stay valid).
  if (stored && (Object.keys(SECRET_FACTORIES) as (keyof typeof SECRET_FACTORIES)[]).every((k) => typeof stored[k] === 'string')) {
    return stored as LocalSecrets;
  }
  const secrets = stored?.edgeAssertionPrivateJwk && stored.edgeAssertionPublicJwks ? ({ ...stored, ...missingSecrets(stored) } as LocalSecrets) : await generateSecrets();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

const SECRET_FACTORIES = {
  sessionSecret: () => randomBytes(32).toString('base64url'),
  edgeClientSecret: () => randomBytes(24).toString('base64url'),
  portalClientSecret: () => randomBytes(24).toString('base64url'),
  stripeSecretKey: () => `sk_test_${randomBytes(24).toString('hex')}`,
  stripeWebhookSecret: () => `whsec_${randomBytes(24).toString('hex')}`,
  mailgunApiKey: () => randomBytes(16).toString('hex'),
};

function missingSecrets(stored: Partial<LocalSecrets>): Partial<LocalSecrets> {
  const added: Partial<Record<keyof typeof SECRET_FACTORIES, string>> = {};
  for (const [name, make] of Object.entries(SECRET_FACTORIES) as [keyof typeof SECRET_FACTORIES, () => string][]) {
    if (typeof stored[name] !== 'string') added[name] = make();
  }
  return added;
}

export async function generateSecrets(): Promise<LocalSecrets> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `edge-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return {
    edgeAssertionPrivateJwk: privateJwk,
    edgeAssertionPublicJwks: { keys: [publicJwk] },
    ...(missingSecrets({}) as Record<keyof typeof SECRET_FACTORIES, string>),
  };
}
