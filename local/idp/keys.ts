// The IdP's secrets on disk: a private signing JWKS and the cookie-signing keys. Generated on first start
// and reused, so tokens minted before a restart still verify and browser sessions stay valid.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { z } from 'zod';

export interface PrivateJwks {
  keys: JWK[];
}

const PrivateRsaJwk = z.looseObject({
  kty: z.literal('RSA'),
  kid: z.string().min(1),
  alg: z.literal('RS256'),
  use: z.literal('sig'),
  n: z.string(),
  e: z.string(),
  d: z.string(),
});
const PrivateJwksSchema = z.object({ keys: z.array(PrivateRsaJwk).min(1) });
const CookieKeysSchema = z.object({ keys: z.array(z.string().min(32)).min(1) });

/** Reads <file> or creates it with one RS256 key (Keycloak's default algorithm). */
export async function loadOrCreateSigningJwks(file: string): Promise<PrivateJwks> {
  const existing = await readJson(file);
  if (existing !== undefined) {
    const parsed = PrivateJwksSchema.safeParse(existing);
    if (!parsed.success) throw new Error(`IdP key file ${file} is not a private RS256 JWKS; delete it to generate a new one`);
    return parsed.data as PrivateJwks;
  }
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  const jwks: PrivateJwks = { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] };
  await writePrivateJson(file, jwks);
  return jwks;
}

/** Reads or creates the keys oidc-provider signs its cookies with. */
export async function loadOrCreateCookieKeys(file: string): Promise<string[]> {
  const existing = await readJson(file);
  if (existing !== undefined) {
    const parsed = CookieKeysSchema.safeParse(existing);
    if (!parsed.success) throw new Error(`IdP cookie key file ${file} is malformed; delete it to generate a new one`);
    return parsed.data.keys;
  }
  const keys = [randomBytes(32).toString('base64url')];
  await writePrivateJson(file, { keys });
  return keys;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`IdP key file ${file} is not valid JSON; delete it to generate a new one`);
  }
}

/** Written to a temporary file and renamed, so a crash never leaves a half-written key file. */
export async function writePrivateJson(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(value), { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}
