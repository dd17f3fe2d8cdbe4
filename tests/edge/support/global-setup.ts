// Vitest global setup for the edge tests (runs in Node): starts the Keycloak-shaped token server and
// the echo origin the Worker reaches over real HTTP, generates the edge's secrets, and hands all of it
// to the Worker's bindings (vitest.config.ts) and to the tests (inject).
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../../local/ports.ts';
import { startEchoOrigin } from './echo-origin.ts';
import { startTokenServer } from './token-server.ts';
import './provided-context.ts';

export const TEST_DOMAIN = 'wikiplatform.localhost';
export const TEST_PUBLIC_BASE = `http://sso.${TEST_DOMAIN}`;
export const TEST_CLIENT_ID = 'wikiplatform-edge';


export default async function setup(project: TestProject) {
  const clientSecret = randomBytes(16).toString('hex');
  const tokens = await startTokenServer({ publicBase: TEST_PUBLIC_BASE, clientId: TEST_CLIENT_ID, clientSecret });
  const echo = await startEchoOrigin();
  // A port nobody listens on: the "origin down" instance.
  const dead = `http://127.0.0.1:${await freePort()}`;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `edge-test-${Date.now()}`;

  const instances = [
    { id: 'instance1', origin: echo.url, title: 'Instance 1', maintenance: false },
    { id: 'instance2', origin: echo.url, title: 'Instance 2', maintenance: false },
    { id: 'instance3', origin: echo.url, title: 'Instance 3', maintenance: false },
    { id: 'offline', origin: dead, title: 'Offline wiki', maintenance: false },
    { id: 'sluggish', origin: `${echo.url}/__slow`, title: 'Sluggish wiki', maintenance: false },
    { id: 'frozen', origin: echo.url, title: 'Frozen wiki', maintenance: true },
    // Closed by `platform instance remove`: in maintenance, with the day after which it may be purged.
    { id: 'closing', origin: echo.url, title: "Ada's old wiki", maintenance: true, removeAfter: '2026-12-31' },
  ];
  project.provide('edgeBindings', {
    DOMAIN: TEST_DOMAIN,
    INSTANCES: JSON.stringify(instances),
    PORTAL_ORIGIN: echo.url,
    IDP_ORIGIN: echo.url,
    OIDC_ISSUER: `${TEST_PUBLIC_BASE}/realms/wikiplatform`,
    OIDC_INTERNAL_URL: `${tokens.url}/realms/wikiplatform`,
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: clientSecret,
    EDGE_ASSERTION_PRIVATE_JWK: JSON.stringify({ ...(await exportJWK(privateKey)), kid }),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    SECURE_COOKIES: 'auto',
    LOG_LEVEL: 'error',
    ORIGIN_TIMEOUT_MS: '1500',
    PLAN_MATRIX: '',
    PORTAL_PUBLIC_PATHS: '',
  });
  project.provide('tokenServerUrl', tokens.url);
  project.provide('echoUrl', echo.url);
  project.provide('assertionPublicJwk', JSON.stringify({ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }));

  return async () => {
    await tokens.close();
    await echo.close();
  };
}
