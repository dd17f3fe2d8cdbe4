import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSecrets, loadOrCreateSecrets } from './keys.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function stateDir() {
  const dir = await mkdtemp(join(tmpdir(), 'wp-keys-'));
  dirs.push(dir);
  return dir;
}

describe('loadOrCreateSecrets', () => {
  it('generates every secret once, owner-only, and returns the same ones on the next start', async () => {
    const dir = await stateDir();
    const first = await loadOrCreateSecrets(dir);
    expect(first.stripeSecretKey).toMatch(/^sk_test_[0-9a-f]{48}$/);
    expect(first.stripeWebhookSecret).toMatch(/^whsec_[0-9a-f]{48}$/);
    expect(first.mailgunApiKey).toMatch(/^[0-9a-f]{32}$/);
    expect((await stat(join(dir, 'keys', 'local-secrets.json'))).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateSecrets(dir)).toEqual(first);
  });

  it("adds the secrets an older state directory lacks and keeps the ones it has, so sessions survive", async () => {
    const dir = await stateDir();
    const { stripeSecretKey: _a, stripeWebhookSecret: _b, mailgunApiKey: _c, ...older } = await generateSecrets();
    await loadOrCreateSecrets(dir); // creates keys/
    await writeFile(join(dir, 'keys', 'local-secrets.json'), JSON.stringify(older));
    const upgraded = await loadOrCreateSecrets(dir);
    expect(upgraded).toMatchObject(older);
    expect(upgraded.stripeWebhookSecret).toMatch(/^whsec_/);
    expect(JSON.parse(await readFile(join(dir, 'keys', 'local-secrets.json'), 'utf8'))).toEqual(upgraded);
  });

  it('refuses a secrets file it cannot parse instead of replacing the keys, and names the file', async () => {
    const dir = await stateDir();
    await loadOrCreateSecrets(dir);
    const file = join(dir, 'keys', 'local-secrets.json');
    await writeFile(file, '{ not json');
    await expect(loadOrCreateSecrets(dir)).rejects.toThrow(/local-secrets\.json cannot be read .*delete it to generate new local secrets/);
    expect(await readFile(file, 'utf8')).toBe('{ not json');
  });
});
