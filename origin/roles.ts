// Builds the app of the configured role: one image, one role per process.
import type { Hono } from 'hono';
import { createAssertionVerifier } from '#shared/edge-assertion';
import type { OriginConfig } from './common/config.ts';
import { openDatabase, runMigrations, type Database } from './common/database.ts';
import type { Logger } from './common/logger.ts';
import { createMetrics } from './common/metrics.ts';
import { MIGRATIONS } from './migrations.ts';
import { createInstanceApp } from './instance/app.tsx';
import { createInstanceMedia } from './instance/media/instance-media.ts';
import { loadMediaConfig } from './instance/media/media-config.ts';
import { runMediaMigrations } from './instance/media/migrate.ts';
import { instanceSchema } from './instance/schema.ts';
import { ensureHomePage } from './instance/services/seed.ts';
import { backfillMediaRefs } from './instance/store/media-refs.ts';
import { createPortalApp } from './portal/app.tsx';
import { checkoutConfigFrom } from './portal/billing/checkout-settings.ts';
import { startProvisioning } from './portal/provisioning/provisioning-runtime.ts';
import { portalSchema } from './portal/schema.ts';


export interface RoleRuntime {
  // Hono's env generic differs per role; the server only needs fetch.
  app: Hono<never>;
  database: Database<Record<string, unknown>>;
  /** Background work to stop before the database closes (the upload sweeper, the provisioning outbox). */
  stop?: () => Promise<void>;
}

export async function buildRole(config: OriginConfig, logger: Logger, isDraining: () => boolean): Promise<RoleRuntime> {
  await runMigrations(config.databaseUrl, MIGRATIONS[config.role]);
  logger.info({ role: config.role }, 'migrations applied');
  const verify = createAssertionVerifier(config.jwks);
  const metrics = createMetrics({ instance: config.audience, processMetrics: true });
  if (config.role === 'portal') {
    const database = openDatabase(config.databaseUrl, portalSchema, { applicationName: 'wikiplatform-portal' });
    const common = { instances: config.instances, planMatrix: config.planMatrix, publicUrlPattern: config.publicUrlPattern };
    // Without Keycloak and Mailgun settings, paid plans wait in the outbox until a portal that has them runs it.
    const worker = config.provisioning ? startProvisioning({ config: config.provisioning, db: database.db, logger, ...common }) : null;
    if (!worker) logger.warn('provisioning is off (KEYCLOAK_URL, MAILGUN_* unset): paid plans wait in the outbox');
    const app = createPortalApp({
      database,
      logger,
      verify,
      metrics,
      isDraining,
      ...common,
      billing: {
        webhookSecret: config.stripeWebhookSecret,
        checkout: config.checkout ? checkoutConfigFrom(config.checkout) : undefined,
        onEnqueued: worker ? () => worker.kick() : undefined,
      },
    });
    return { app: app as never, database: database as never, stop: async () => worker?.stop() };
  }
  // Media config is checked before anything opens, so a bad S3_* value fails the start with its name.
  const mediaConfig = loadMediaConfig(process.env);
  await runMediaMigrations(config.databaseUrl);
  const database = openDatabase(config.databaseUrl, instanceSchema, { applicationName: `wikiplatform-${config.instanceId}` });
  // Once per database (migration 0004 asks for it): the pages saved before files' uses were recorded.
  // Derived data: a failure leaves the marker for the next start and must not keep the wiki down.
  await backfillMediaRefs(database.db).then(
    (pages) => pages > 0 && logger.info({ pages }, 'recorded the files used by existing pages'),
    (err: unknown) => logger.error({ err }, 'could not record the files used by existing pages; the next start tries again'),
  );
  if (await ensureHomePage(database.db, config.instanceId)) logger.info('wrote the welcome home page');
  const media = createInstanceMedia({ instanceId: config.instanceId, sql: database.sql, config: mediaConfig, logger });
  const app = createInstanceApp({
    instanceId: config.instanceId,
    publicUrlPattern: config.publicUrlPattern,
    database,
    logger,
    verify,
    metrics,
    isDraining,
    media: { routes: media.routes, usage: media.usage, files: media.files, imports: media.imports, storageOrigin: new URL(mediaConfig.storage.endpoint).origin },
  });
  const sweeper = media.startSweeper();
  return { app: app as never, database: database as never, stop: () => sweeper.stop() };
}
