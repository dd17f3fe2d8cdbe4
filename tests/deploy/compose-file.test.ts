// The origin host's compose file, checked for the shape ops rely on (no Docker engine runs here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SAMPLE_ENV, serviceEnvironment } from './compose-env.ts';

const ROOT = join(import.meta.dirname, '../..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string>; healthcheck?: unknown; restart?: string; depends_on?: Record<string, unknown> | string[]; ports?: unknown; image?: string; volumes?: string[]; build?: { dockerfile?: string } }>;
};
const services = compose.services;
const instances = Object.keys(services).filter((name) => /^instance\d+$/.test(name));

describe('docker-compose.yml', () => {
  it('runs the three instances, the portal and Keycloak, each with its own Postgres', () => {
    expect(instances.sort()).toEqual(['instance1', 'instance2', 'instance3']);
    const databaseHosts = new Set<string>();
    for (const name of [...instances, 'portal']) {
      const url = services[name]!.environment!.DATABASE_URL!;
      const host = new URL(url.replace(/\$\{[^}]+\}/g, 'x')).hostname;
      expect(services[host], `${name} points at a database service`).toBeDefined();
      databaseHosts.add(host);
    }
    expect(databaseHosts.size).toBe(instances.length + 1);
    expect(services['keycloak-db']).toBeDefined();
  });

  it('gives every service a health check and a restart policy', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck, `${name} has a health check`).toBeDefined();
      expect(service.restart, `${name} restarts`).toBe('unless-stopped');
    }
  });

  it('waits for each database to be healthy before starting its origin', () => {
    for (const name of [...instances, 'portal']) {
      const deps = services[name]!.depends_on as Record<string, { condition: string }>;
      const db = Object.keys(deps)[0]!;
      expect(deps[db]!.condition).toBe('service_healthy');
    }
  });

  it('takes every secret from the environment and commits none', () => {
    const raw = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD|SECRET|TOKEN|JWKS/.test(key)) expect(String(value), `${name}.${key}`).toMatch(/\$\{[A-Z0-9_]+/);
      }
    }
    expect(raw).not.toMatch(/-----BEGIN|sk_live_|sk_test_/);
  });

  it('keeps backups in a bucket of their own, with a token no origin holds', () => {
    const backup = services.backup!.environment!;
    expect([backup.S3_BUCKET, backup.S3_ACCESS_KEY_ID, backup.S3_SECRET_ACCESS_KEY].map((v) => /^\$\{([A-Z0-9_]+)/.exec(String(v))?.[1])).toEqual([
      'BACKUP_S3_BUCKET',
      'BACKUP_S3_ACCESS_KEY_ID',
      'BACKUP_S3_SECRET_ACCESS_KEY',
    ]);
    for (const [name, service] of Object.entries(services)) {
      if (name === 'backup') continue;
      expect(JSON.stringify(service.environment ?? {}), name).not.toContain('BACKUP_S3_');
    }
  });

  it('publishes no origin or database port: the edge reaches origins through the tunnel', () => {
    for (const [name, service] of Object.entries(services)) {
      // Grafana alone listens on the host, on loopback only (reached over an SSH tunnel).
      if (name === 'grafana') expect(service.ports).toEqual(['127.0.0.1:3000:3000']);
      else expect(service.ports, `${name} publishes no port`).toBeUndefined();
    }
  });

  it('backs up with a pg_dump of the databases\' major version: pg_dump refuses a newer server', () => {
    const majors = new Set(Object.entries(services).flatMap(([name, s]) => (/^postgres:(\d+)/.exec(s.image ?? '') && name !== 'keycloak-db' ? [/^postgres:(\d+)/.exec(s.image!)![1]] : [])));
    expect(majors.size, 'one Postgres major for the instances and the portal').toBe(1);
    const dockerfile = readFileSync(join(ROOT, services.backup!.build!.dockerfile!), 'utf8');
    expect(/^ARG PG_MAJOR=(\d+)$/m.exec(dockerfile)?.[1]).toBe([...majors][0]);
  });

  it('imports the realm file that the local identity provider reads', () => {
    const mount = services.keycloak!.volumes!.find((v) => v.includes('realm-wikiplatform.json'));
    expect(mount).toMatch(/^\.\/deploy\/keycloak\/realm-wikiplatform\.json:/);
  });

  it('gives Keycloak a value for every upper-case placeholder of the realm file (its SMTP settings and client secrets)', () => {
    const placeholders = new Set([...realmText.matchAll(/\$\{([A-Z][A-Z0-9_]*)(?::[^}]*)?\}/g)].map((m) => m[1]!));
    expect([...placeholders]).toEqual(expect.arrayContaining(['WIKIPLATFORM_SMTP_HOST', 'WIKIPLATFORM_SMTP_PASSWORD', 'WIKIPLATFORM_EDGE_CLIENT_SECRET']));
    const env = services.keycloak!.environment!;
    for (const name of placeholders) expect(env[name], `keycloak's environment sets ${name}`).toBeDefined();
  });
});

const realmText = readFileSync(join(ROOT, 'deploy/keycloak/realm-wikiplatform.json'), 'utf8');
const realm = JSON.parse(realmText) as Record<string, unknown> & { components: Record<string, { providerId: string; config: Record<string, string[]> }[]> };

describe('the realm file: billing and plans follow the email address, so only a proven address counts', () => {
  const [profileProvider] = realm.components['org.keycloak.userprofile.UserProfileProvider'] ?? [];
  const profile = JSON.parse(profileProvider!.config['kc.user.profile.config']![0]!) as { attributes: { name: string; required?: unknown; permissions: { edit: string[] } }[] };
  const attribute = (name: string) => profile.attributes.find((a) => a.name === name)!;

  it('lets only administrators change a user\'s email or username (the account console cannot)', () => {
    expect(profileProvider!.providerId).toBe('declarative-user-profile');
    expect(attribute('email').permissions.edit).toEqual(['admin']);
    expect(attribute('username').permissions.edit).toEqual(['admin']);
    expect(realm.editUsernameAllowed).toBe(false);
  });

  it('has people verify an unproven address at sign-in, and asks no names of accounts the portal created without them', () => {
    expect(realm.verifyEmail).toBe(true);
    expect(realm.registrationAllowed).toBe(false);
    expect(attribute('firstName').required).toBeUndefined();
    expect(attribute('lastName').required).toBeUndefined();
  });

  it('sends mail through SMTP with STARTTLS and authentication, credentials from the environment', () => {
    expect(realm.smtpServer).toMatchObject({ host: '${WIKIPLATFORM_SMTP_HOST}', auth: 'true', starttls: 'true', user: '${WIKIPLATFORM_SMTP_USER}', password: '${WIKIPLATFORM_SMTP_PASSWORD}' });
  });
});

describe('docker-compose.yml against the origins\' own configuration checks', () => {
  it('gives every origin service what its configuration requires, so `docker compose up` starts them', async () => {
    const { loadConfig } = await import('../../origin/common/config.ts');
    const { loadMediaConfig } = await import('../../origin/instance/media/media-config.ts');
    for (const name of [...instances, 'portal']) {
      const env = serviceEnvironment(services[name]!);
      expect(() => loadConfig(env), name).not.toThrow();
      if (name !== 'portal') expect(() => loadMediaConfig(env), name).not.toThrow();
    }
  });

  it('hands the portal the plan matrix of .env (the edge\'s PLAN_MATRIX), and the default when it is empty', async () => {
    const { loadConfig } = await import('../../origin/common/config.ts');
    const matrix = { STARTER: ['instance1'], PRO: ['instance1'], ENTERPRISE: ['instance1', 'instance4'] };
    expect(loadConfig(serviceEnvironment(services.portal!, { ...SAMPLE_ENV, PLAN_MATRIX: JSON.stringify(matrix) })).planMatrix).toEqual(matrix);
    expect(loadConfig(serviceEnvironment(services.portal!)).planMatrix).toEqual({ STARTER: ['instance1'], PRO: ['instance1', 'instance2'], ENTERPRISE: ['instance1', 'instance2', 'instance3'] });
    const example = readFileSync(join(ROOT, 'deploy/env.example'), 'utf8');
    expect(example).toMatch(/^PLAN_MATRIX=$/m);
  });
});
