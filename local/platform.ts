// The whole platform on embedded defaults, as `npm start` and the end-to-end tests run it:
// Postgres (one database per origin), the SigV4-checking S3 server, the Keycloak-shaped IdP,
// the portal and instance origins as Node processes, and the edge Worker in workerd via wrangler dev.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEMO_USERS } from './idp/demo-users.ts';
import { MailgunMailer } from '../origin/portal/provisioning/mailgun-mailer.ts';
import { startIdp } from './idp/idp-server.ts';
import { startMailgun } from './mailgun/mailgun-server.ts';
import { startStripe } from './stripe/stripe-server.ts';
import { loadOrCreateSecrets } from './keys.ts';
import { LOCAL_AMOUNTS, LOCAL_INSTANCES, LOCAL_PRICES, MAIL_DOMAIN, MEDIA_BUCKET, platformLayout, toDotenv, type PlatformLayout, type PlatformPorts } from './platform-config.ts';
import { assertPortFree } from './ports.ts';
import { startPostgres } from './postgres.ts';
import { startS3 } from './s3.ts';
import { startService, type RunningService } from './service-process.ts';

export interface StartPlatformOptions {
  rootDir: string;
  stateDir: string;
  ports: PlatformPorts;
  reset?: boolean;
  /** Progress lines for a person watching ("postgres ready"). */
  progress?: (line: string) => void;
}

export interface RunInfo {
  edge: string;
  domain: string;
  urls: Record<string, string>;
  origins: Record<string, string>;
  idp: { issuer: string; jwks: string; internal: string };
  /** The Mailgun stand-in: its inbox page, and the API the portal sends through. */
  mail: { inbox: string; api: string; domain: string };
  stripe: { api: string };
  /** Where someone without an account buys a plan. */
  pricing: string;
  s3: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string; region: string };
  demoUsers: { username: string; password: string; plan: string | null; name: string }[];
  logs: string;
}

export interface RunningPlatform {
  info: RunInfo;
  layout: PlatformLayout;
  stop(): Promise<void>;
}

export async function startPlatform(options: StartPlatformOptions): Promise<RunningPlatform> {
  const progress = options.progress ?? (() => {});
  const rootDir = resolve(options.rootDir);
  const layout = platformLayout(resolve(options.stateDir), options.ports);
  const { ports, paths } = layout;

  if (options.reset) await rm(layout.stateDir, { recursive: true, force: true });
  await mkdir(paths.logs, { recursive: true });

  // Check every port first: one clear line naming the one in use, and nothing started.
  await assertPortFree('edge', ports.edge);
  await assertPortFree('postgres', ports.postgres);
  await assertPortFree('s3', ports.s3);
  await assertPortFree('idp', ports.idp);
  await assertPortFree('portal origin', ports.portal);
  for (const [id, port] of Object.entries(ports.instances)) await assertPortFree(`${id} origin`, port);
  await assertPortFree('wrangler inspector', ports.inspector);
  await assertPortFree('stripe stand-in', ports.stripe);
  await assertPortFree('mailgun stand-in', ports.mailgun);

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    stops.length = 0;
  };

  try {
    const secrets = await loadOrCreateSecrets(layout.stateDir);
    await writeFile(paths.publicJwks, JSON.stringify(secrets.edgeAssertionPublicJwks), { mode: 0o644 });

    const pg = await startPostgres({
      dataDir: paths.postgres,
      port: ports.postgres,
      databases: ['portal', ...LOCAL_INSTANCES.map((i) => i.id)],
    });
    stops.push(() => pg.stop());
    progress(`postgres   ready on 127.0.0.1:${ports.postgres}`);

    const s3 = await startS3({ port: ports.s3, dataDir: paths.s3, bucket: MEDIA_BUCKET });
    stops.push(() => s3.close());
    progress(`s3         ready on ${s3.endpoint}`);

    // Mail leaves through the Mailgun stand-in: the portal's welcome emails, and the IdP's set-password
    // emails (Keycloak would send those over SMTP). Both land in the inbox page.
    const mailgun = await startMailgun({ port: ports.mailgun, apiKey: secrets.mailgunApiKey, domain: MAIL_DOMAIN, dataDir: layout.stateDir });
    stops.push(() => mailgun.close());
    progress(`mail       inbox on ${mailgun.inboxUrl}`);
    const idpMail = new MailgunMailer({ apiKey: secrets.mailgunApiKey, domain: MAIL_DOMAIN, baseUrl: mailgun.baseUrl, from: `wikiplatform sign-in <sso@${MAIL_DOMAIN}>` });

    const idp = await startIdp({
      deliverEmail: async (message) => {
        await idpMail.send(message);
      },
      port: ports.idp,
      issuer: layout.issuer,
      realmFile: join(rootDir, 'deploy/keycloak/realm-wikiplatform.json'),
      dataDir: layout.stateDir,
      vars: {
        WIKIPLATFORM_APP_URL: layout.publicUrl('app'),
        WIKIPLATFORM_EDGE_CLIENT_SECRET: secrets.edgeClientSecret,
        WIKIPLATFORM_PORTAL_CLIENT_SECRET: secrets.portalClientSecret,
      },
    });
    stops.push(() => idp.close());
    progress(`idp        ready, issuer ${layout.issuer}`);

    // Payments go to the Stripe stand-in; its webhooks go straight to the portal origin (in production
    // they come through the edge, which passes /webhooks/ on untouched).
    const stripe = await startStripe({
      port: ports.stripe,
      secretKey: secrets.stripeSecretKey,
      webhook: { url: `${layout.originUrl('portal')}/webhooks/stripe`, secret: secrets.stripeWebhookSecret },
      prices: LOCAL_PRICES,
      amounts: LOCAL_AMOUNTS,
      dataDir: join(layout.stateDir, 'stripe'),
    });
    stops.push(() => stripe.close());
    progress(`stripe     stand-in on ${stripe.apiBase}`);

    const registry = LOCAL_INSTANCES.map((inst) => ({ id: inst.id, title: inst.title, origin: layout.originUrl(inst.id), maintenance: false }));
    const originEnv = (role: 'portal' | 'instance', port: number, database: string, instanceId?: string) => ({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      ORIGIN_ROLE: role,
      INSTANCE_ID: instanceId,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: pg.urlFor(database),
      EDGE_ASSERTION_JWKS_FILE: paths.publicJwks,
      PUBLIC_URL_PATTERN: layout.publicUrlPattern,
      INSTANCES: JSON.stringify(registry),
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_REGION: s3.region,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      ...(role === 'portal'
        ? {
            STRIPE_WEBHOOK_SECRET: secrets.stripeWebhookSecret,
            STRIPE_SECRET_KEY: secrets.stripeSecretKey,
            STRIPE_API_BASE: stripe.apiBase,
            STRIPE_PRICE_STARTER: LOCAL_PRICES.STARTER,
            STRIPE_PRICE_PRO: LOCAL_PRICES.PRO,
            STRIPE_PRICE_ENTERPRISE: LOCAL_PRICES.ENTERPRISE,
            KEYCLOAK_URL: idp.rootUrl,
            KEYCLOAK_PORTAL_CLIENT_SECRET: secrets.portalClientSecret,
            MAILGUN_API_KEY: secrets.mailgunApiKey,
            MAILGUN_DOMAIN: MAIL_DOMAIN,
            MAILGUN_BASE_URL: mailgun.baseUrl,
            MAIL_FROM: `wikiplatform <welcome@${MAIL_DOMAIN}>`,
          }
        : {}),
    });
    const node = (name: string, port: number, env: Record<string, string | undefined>) =>
      startService({
        name,
        command: process.execPath,
        args: ['--import', 'tsx', 'origin/main.ts'],
        env,
        cwd: rootDir,
        logFile: join(paths.logs, `${name}.log`),
        health: { url: `http://127.0.0.1:${port}/healthz` },
      });

    await writeFile(
      paths.edgeEnv,
      toDotenv({
        DOMAIN: layout.domain,
        INSTANCES: JSON.stringify(registry),
        PORTAL_ORIGIN: layout.originUrl('portal'),
        IDP_ORIGIN: `http://127.0.0.1:${ports.idp}`,
        OIDC_ISSUER: layout.issuer,
        OIDC_INTERNAL_URL: layout.idpInternalUrl,
        OIDC_CLIENT_ID: 'wikiplatform-edge',
        OIDC_CLIENT_SECRET: secrets.edgeClientSecret,
        EDGE_ASSERTION_PRIVATE_JWK: JSON.stringify(secrets.edgeAssertionPrivateJwk),
        SESSION_SECRET: secrets.sessionSecret,
        SECURE_COOKIES: 'auto',
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: s3.bucket,
        S3_REGION: s3.region,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      }),
      { mode: 0o600 },
    );

    const started = await Promise.allSettled<RunningService>([
      node('portal', ports.portal, originEnv('portal', ports.portal, 'portal')),
      ...LOCAL_INSTANCES.map((inst) => node(inst.id, ports.instances[inst.id]!, originEnv('instance', ports.instances[inst.id]!, inst.id, inst.id))),
      startService({
        name: 'edge',
        command: process.execPath,
        args: [
          join(rootDir, 'node_modules/wrangler/bin/wrangler.js'),
          'dev',
          '--env-file', paths.edgeEnv,
          '--ip', '127.0.0.1',
          '--port', String(ports.edge),
          '--inspector-port', String(ports.inspector),
          '--persist-to', paths.wrangler,
          '--show-interactive-dev-session=false',
          '--log-level', 'warn',
        ],
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          CLOUDFLARE_CF_FETCH_ENABLED: 'false',
          WRANGLER_SEND_METRICS: 'false',
          WRANGLER_LOG_PATH: join(paths.logs, 'wrangler'),
          CI: process.env.CI,
        },
        cwd: rootDir,
        logFile: join(paths.logs, 'edge.log'),
        health: { url: `http://127.0.0.1:${ports.edge}/_edge/healthz`, hostHeader: `app.${layout.domain}:${ports.edge}` },
        startTimeoutMs: 90_000,
      }),
    ]);
    for (const result of started) if (result.status === 'fulfilled') stops.push(result.value.stop);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    progress(`origins    ready: portal, ${LOCAL_INSTANCES.map((i) => i.id).join(', ')}`);
    progress(`edge       ready on http://127.0.0.1:${ports.edge}`);

    const info: RunInfo = {
      edge: `http://127.0.0.1:${ports.edge}`,
      domain: layout.domain,
      urls: Object.fromEntries([['app', layout.publicUrl('app')], ...LOCAL_INSTANCES.map((i) => [i.id, layout.publicUrl(i.id)])]),
      origins: Object.fromEntries([['portal', layout.originUrl('portal')], ...LOCAL_INSTANCES.map((i) => [i.id, layout.originUrl(i.id)])]),
      idp: { issuer: idp.issuer, jwks: `${idp.issuer}/protocol/openid-connect/certs`, internal: idp.internalBaseUrl },
      mail: { inbox: mailgun.inboxUrl, api: mailgun.baseUrl, domain: MAIL_DOMAIN },
      stripe: { api: stripe.apiBase },
      pricing: `${layout.publicUrl('app')}/pricing`,
      s3: { endpoint: s3.endpoint, bucket: s3.bucket, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, region: s3.region },
      demoUsers: DEMO_USERS.map((u) => ({ username: u.username, password: u.password, plan: u.plan, name: u.name })),
      logs: paths.logs,
    };
    await writeFile(paths.runJson, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
    return { info, layout, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
