import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, assertUsersMatchRealm } from './demo-users.ts';
import { startIdp } from './idp-server.ts';
import { loadRealm, parseRealm, RealmFileError } from './realm.ts';

const REALM_FILE = fileURLToPath(new URL('../../deploy/keycloak/realm-wikiplatform.json', import.meta.url));
const VARS = {
  WIKIPLATFORM_APP_URL: 'http://app.wikiplatform.localhost:8787',
  WIKIPLATFORM_EDGE_CLIENT_SECRET: 'edge-secret',
  WIKIPLATFORM_PORTAL_CLIENT_SECRET: 'portal-secret',
};
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function realmJson(): Promise<Record<string, any>> {
  return JSON.parse(await readFile(REALM_FILE, 'utf8'));
}

describe('realm file loading', () => {
  it('reads the production realm file with Keycloak-style placeholder substitution', async () => {
    const realm = await loadRealm(REALM_FILE, VARS);
    const edge = realm.clients.find((c) => c.clientId === 'wikiplatform-edge');
    expect(edge).toMatchObject({
      secret: 'edge-secret',
      redirectUris: ['http://app.wikiplatform.localhost:8787/_auth/callback', 'http://app.wikiplatform.localhost:8787/'],
      postLogoutRedirectUris: ['http://app.wikiplatform.localhost:8787/*'],
      pkceS256: true,
      standardFlow: true,
      groupsMapper: { claimName: 'groups', fullPath: true },
    });
    expect(realm.clients.find((c) => c.clientId === 'wikiplatform-portal')).toMatchObject({ serviceAccounts: true, standardFlow: false });
    expect(realm.groups.map((g) => g.path)).toEqual(['/STARTER', '/PRO', '/ENTERPRISE']);
    expect(realm.realmRoles).toContain('platform-admin');
  });

  it("reads the portal service account's realm-management roles from the realm's user list", async () => {
    const realm = await loadRealm(REALM_FILE, VARS);
    expect(realm.clients.find((c) => c.clientId === 'wikiplatform-portal')?.serviceAccountClientRoles).toEqual({
      'realm-management': ['manage-users', 'view-users', 'query-groups'],
    });
    expect(realm.clients.find((c) => c.clientId === 'wikiplatform-edge')?.serviceAccountClientRoles).toEqual({});
  });

  it('refuses a service-account user whose client has no service account', async () => {
    const json = await realmJson();
    json.users[0].serviceAccountClientId = 'wikiplatform-edge';
    expect(() => parseRealm(json, VARS)).toThrow(/service account of "wikiplatform-edge", which is not a client with serviceAccountsEnabled/);
  });

  it('knows every demo user group and role', async () => {
    const realm = await loadRealm(REALM_FILE, VARS);
    expect(() => assertUsersMatchRealm(DEMO_USERS, realm)).not.toThrow();
  });

  it('names every placeholder that has no value', async () => {
    expect(() => parseRealm({ realm: 'r', clients: [{ clientId: '${A}', secret: '${B:fallback}', redirectUris: ['${C}/cb'] }] }, {})).toThrow(
      /no value for placeholder\(s\) \$\{A\}, \$\{C\}/,
    );
  });

  it('needs no value for placeholders in parts only Keycloak reads (SMTP settings, user-profile message keys)', () => {
    const realm = parseRealm({ realm: 'r', clients: [{ clientId: 'c', secret: 's', redirectUris: ['http://x/cb'] }], smtpServer: { host: '${SMTP}' }, components: { profile: ['${username}'] } }, {});
    expect(realm.clients[0]?.clientId).toBe('c');
  });

  it('substitutes a value as text, so a quote in a secret cannot break the JSON', () => {
    const realm = parseRealm({ realm: 'r', clients: [{ clientId: 'c', secret: '${S}', redirectUris: ['http://x/cb'] }] }, { S: 'a"b' });
    expect(realm.clients[0]?.secret).toBe('a"b');
  });

  it('names the client field that is malformed', async () => {
    const json = await realmJson();
    delete json.clients[0].clientId;
    json.clients[1].secret = '';
    try {
      parseRealm(json, VARS, 'realm file test.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RealmFileError);
      expect((error as Error).message).toMatch(/Invalid realm file test\.json:/);
      expect((error as Error).message).toMatch(/clients\.0\.clientId/);
      expect((error as Error).message).toMatch(/clients\.1\.secret: a confidential client needs a non-empty secret/);
    }
  });

  it('refuses to start the IdP on a realm file with a malformed client', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wikiplatform-realm-'));
    dirs.push(dir);
    const json = await realmJson();
    json.clients[0].redirectUris = ['not a url'];
    const file = join(dir, 'realm.json');
    await writeFile(file, JSON.stringify(json));
    await expect(
      startIdp({ port: 0, issuer: 'http://sso.test:1/realms/wikiplatform', realmFile: file, vars: VARS, dataDir: dir }),
    ).rejects.toThrow(/clients\.0\.redirectUris\.0: must be an absolute URL/);
  });

  it('refuses an issuer whose path is not the realm path Keycloak uses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wikiplatform-realm-'));
    dirs.push(dir);
    await expect(startIdp({ port: 0, issuer: 'http://sso.test:1/auth', realmFile: REALM_FILE, vars: VARS, dataDir: dir })).rejects.toThrow(
      /must end with \/realms\/wikiplatform/,
    );
  });
});
