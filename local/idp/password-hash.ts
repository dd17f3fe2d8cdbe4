// Password hashing for the local IdP's user store: scrypt from node:crypto, self-describing strings so
// the cost can change without breaking stored hashes. Plain passwords are never stored or logged.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PREFIX = 'scrypt';
// Node's defaults (N=2^14, r=8, p=1: 16 MiB, tens of milliseconds): enough for a laptop IdP, cheap in tests.
const COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
// Hashes stored with a higher cost than this are refused rather than run (a tampered file could ask for gigabytes).
const MAX_N = 2 ** 20;

function derive(password: string, salt: Buffer, cost: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { ...cost, maxmem: 256 * cost.N! * cost.r! }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST);
  return [PREFIX, COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

// Checked against when the user is unknown or has no password, so timing does not tell those cases apart.
let dummyHash: Promise<string> | undefined;

/** True when `password` matches `stored`. A null or malformed `stored` is false, after the same work. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parsed = stored === null ? null : parse(stored);
  if (!parsed) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const dummy = parse(await dummyHash)!;
    await derive(password, dummy.salt, dummy.cost);
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.cost);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** Whether a string is a hash this module can verify (used to validate the user file). */
export function isPasswordHash(value: string): boolean {
  return parse(value) !== null;
}

function parse(stored: string): { cost: ScryptOptions; salt: Buffer; key: Buffer } | null {
  const [prefix, n, r, p, salt, key, ...rest] = stored.split('$');
  if (prefix !== PREFIX || rest.length > 0 || !salt || !key) return null;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const valid = Number.isInteger(cost.N) && cost.N > 1 && cost.N <= MAX_N && (cost.N & (cost.N - 1)) === 0 && Number.isInteger(cost.r) && cost.r >= 1 && cost.r <= 32 && Number.isInteger(cost.p) && cost.p >= 1 && cost.p <= 16;
  if (!valid) return null;
  return { cost, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}
