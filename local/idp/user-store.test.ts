import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from './demo-users.ts';
import { subjectFor } from './keycloak-claims.ts';
import { verifyPassword } from './password-hash.ts';
import { UserStore, type NewUser } from './user-store.ts';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function userFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wikiplatform-users-'));
  dirs.push(dir);
  return join(dir, 'idp', 'users.json');
}

function newUser(email: string, extra: Partial<NewUser> = {}): NewUser {
  return { username: email, email, firstName: null, lastName: null, enabled: true, emailVerified: false, groups: [], realmRoles: [], requiredActions: ['UPDATE_PASSWORD'], ...extra };
}

const open = (file: string | null, seeds = DEMO_USERS) => UserStore.open({ file, realmName: 'wikiplatform', seeds });

describe('the IdP user store', () => {
  it('seeds the demo users with stable ids, hashed passwords and their plan groups', async () => {
    const store = await open(null);
    const pro = store.findByUsername('pro')!;
    expect(pro).toMatchObject({ id: subjectFor('wikiplatform', 'pro'), email: 'pro@demo.wikiplatform.localhost', firstName: 'Pat', lastName: 'Pro', groups: ['PRO'], emailVerified: true });
    expect(pro.passwordHash).not.toContain('pro');
    expect(await verifyPassword('pro', pro.passwordHash)).toBe(true);
  });

  it('finds users by username or email, whatever the case', async () => {
    const store = await open(null);
    await store.create(newUser('New.Person@Example.test'));
    expect(store.findByLogin('new.person@example.test')?.username).toBe('new.person@example.test');
    expect(store.findByEmail('NEW.PERSON@EXAMPLE.TEST')?.email).toBe('new.person@example.test');
    expect(store.findByLogin('PRO')?.username).toBe('pro');
  });

  it('refuses a taken username before a taken email, as Keycloak does', async () => {
    const store = await open(null);
    expect(await store.create(newUser('pro', { email: 'other@example.test' }))).toEqual({ ok: false, conflict: 'username' });
    expect(await store.create(newUser('someone', { email: 'PRO@demo.wikiplatform.localhost' }))).toEqual({ ok: false, conflict: 'email' });
  });

  it('lets exactly one of two concurrent creations of the same user succeed', async () => {
    const store = await open(null);
    const results = await Promise.all([store.create(newUser('race@example.test')), store.create(newUser('race@example.test'))]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(store.list().filter((u) => u.email === 'race@example.test')).toHaveLength(1);
  });

  it('keeps created and changed users in a private file across a reopen, without re-adding changed seeds', async () => {
    const file = await userFile();
    const first = await open(file);
    const created = await first.create(newUser('kept@example.test'));
    if (!created.ok) throw new Error('expected a new user');
    await first.update(created.user.id, () => ({ groups: ['STARTER'] }));
    await first.update(first.findByUsername('pro')!.id, () => ({ groups: [] }));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).not.toContain('"password"');

    const second = await open(file);
    expect(second.findByEmail('kept@example.test')).toMatchObject({ id: created.user.id, groups: ['STARTER'], requiredActions: ['UPDATE_PASSWORD'], passwordHash: null });
    expect(second.findByUsername('pro')?.groups).toEqual([]);
    expect(second.list()).toHaveLength(DEMO_USERS.length + 1);
  });

  it('refuses to start on a malformed user file instead of forgetting everyone', async () => {
    const file = await userFile();
    await open(file);
    await writeFile(file, '{"version":1,"users":[{"id":"x"}]}');
    await expect(open(file)).rejects.toThrow(/users\.json is malformed; fix it, or delete it/);
  });
});
