// Child process of bench/page-view.ts: serves, from one process and one database, both
//   - the instance origin (assertion check, user sync, one indexed read, server-side render), and
//   - a bare Hono route doing one indexed select of the same page's stored HTML (the baseline).
// Prints one JSON line {origin, bare} with the ports once both listen; stops on SIGTERM.
import { Hono } from 'hono';
import postgres from 'postgres';
import { createAssertionVerifier } from '#shared/edge-assertion';
import { openDatabase } from '../origin/common/database.ts';
import { bufferedDestination, createLogger } from '../origin/common/logger.ts';
import { startServer } from '../origin/common/serve.ts';
import { createInstanceApp } from '../origin/instance/app.tsx';
import { instanceSchema } from '../origin/instance/schema.ts';

const url = process.env.DATABASE_URL ?? '';
const jwks = JSON.parse(process.env.EDGE_ASSERTION_JWKS ?? '{}');
// Logs at info with the production destination settings, into /dev/null: writing them is part of the measure.
const logger = createLogger({ level: (process.env.BENCH_LOG_LEVEL as 'info' | undefined) ?? 'info', destination: bufferedDestination('/dev/null') });

const database = openDatabase(url, instanceSchema, { max: 10 });
const origin = createInstanceApp({
  instanceId: 'bench',
  publicUrlPattern: 'http://{host}.wikiplatform.localhost:8787',
  database,
  logger,
  verify: createAssertionVerifier(jwks),
});

const sql = postgres(url, { max: 10, onnotice: () => {} });
const bare = new Hono();
bare.get('/bare/*', async (c) => {
  const [row] = await sql`select html from pages where path = ${c.req.path.slice('/bare'.length)} and deleted_at is null`;
  return row ? c.html(row.html as string) : c.notFound();
});

const [o, b] = await Promise.all([
  startServer({ fetch: origin.fetch, port: 0, host: '127.0.0.1', logger, onClosed: () => database.close() }),
  startServer({ fetch: bare.fetch, port: 0, host: '127.0.0.1', logger, onClosed: () => sql.end() }),
]);
process.stdout.write(`${JSON.stringify({ origin: o.port, bare: b.port })}\n`);
process.once('SIGTERM', async () => {
  await Promise.all([o.shutdown('bench done'), b.shutdown('bench done')]);
  process.exit(0);
});
