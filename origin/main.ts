// Origin entry point: `tsx origin/main.ts`. ORIGIN_ROLE picks the app (instance or portal); the
// configuration is checked once, migrations are applied, then the server runs until SIGTERM/SIGINT.
import { ConfigError, loadConfig } from './common/config.ts';
import { MediaConfigError } from './instance/media/media-config.ts';
import { createLogger } from './common/logger.ts';
import { startServer } from './common/serve.ts';
import { buildRole } from './roles.ts';

async function main() {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, base: { service: 'origin', role: config.role, instance: config.audience } });
  let draining = false;
  const runtime = await buildRole(config, logger, () => draining).catch((err: unknown) => {
    if (err instanceof MediaConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  });
  const { app, database } = runtime;
  const server = await startServer({
    fetch: app.fetch,
    port: config.port,
    host: config.host,
    logger,
    onDraining: () => {
      draining = true;
    },
    onClosed: async () => {
      await runtime.stop?.();
      await database.close();
    },
  });
  logger.info({ port: server.port, host: config.host }, 'origin listening');

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.shutdown(signal).then(
        () => {
          logger.flush();
          setTimeout(() => process.exit(0), 50);
        },
        (err) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err) => {
  process.stderr.write(`origin failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
