// Builds the real instance app on a fresh Postgres database (migrations applied), with a test edge and,
// when asked, the media API on the local S3 server.
import { Writable } from 'node:stream';
import type { Identity } from '#shared/identity';
import { ASSERTION_HEADER } from '#shared/headers';
import { createAssertionVerifier, type AssertionPurpose } from '#shared/edge-assertion';
import { openDatabase, runMigrations, type Database } from '../../../origin/common/database.ts';
import { createLogger, type Logger } from '../../../origin/common/logger.ts';
import { createMetrics } from '../../../origin/common/metrics.ts';
import { MIGRATIONS } from '../../../origin/migrations.ts';
import { createInstanceApp } from '../../../origin/instance/app.tsx';
import type { InstanceDeps } from '../../../origin/instance/deps.ts';
import { createMediaApiRoutes } from '../../../origin/instance/media/media-routes.ts';
import { createMediaFiles } from '../../../origin/instance/media/instance-media.ts';
import { mediaDb, mediaUsage } from '../../../origin/instance/media/media-store.ts';
import { runMediaMigrations } from '../../../origin/instance/media/migrate.ts';
import { createMediaImports } from '../../../origin/instance/media/media-import.ts';
import { createObjectStore } from '../../../origin/instance/media/object-store.ts';
import { instanceSchema, type InstanceSchema } from '../../../origin/instance/schema.ts';
import { backfillMediaRefs } from '../../../origin/instance/store/media-refs.ts';
import { startTestS3, type TestS3 } from '../../media/local-s3.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { createTestEdge, identity as defaultIdentity, type TestEdge } from './edge-keys.ts';

export interface RequestOptions {
  method?: string;
  /** JSON body (sent with content-type application/json), a form (URLSearchParams, FormData) or bytes (Uint8Array). */
  body?: unknown;
  as?: Identity | null;
  audience?: string;
  headers?: Record<string, string>;
  /** Raw assertion to send instead of minting one. */
  assertion?: string;
  /** Mint the assertion for this purpose, as the edge does for its own calls. */
  purpose?: AssertionPurpose;
}

export interface InstanceHarness {
  instanceId: string;
  edge: TestEdge;
  database: Database<InstanceSchema>;
  testDatabase: TestDatabase;
  logLines: string[];
  app: ReturnType<typeof createInstanceApp>;
  /** The local S3 server, when started with `media: true`. */
  s3?: TestS3;
  request(path: string, options?: RequestOptions): Promise<Response>;
  /** JSON request that returns status and parsed body. */
  api<T = any>(path: string, options?: RequestOptions): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** A logger whose lines tests can read (and check for leaked secrets). */
export function captureLogger(lines: string[]): Logger {
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return createLogger({ level: 'info', destination });
}

export interface InstanceOptions {
  /** Mounts the media API, with the local S3 server as storage (as `npm start` wires it). */
  media?: boolean;
  /** The instance's storage quota, with media (default 5 GiB). */
  quotaBytes?: number;
}

export async function startInstance(instanceId = 'instance1', edgeOverride?: TestEdge, options: InstanceOptions = {}): Promise<InstanceHarness> {
  const testDatabase = await createTestDatabase(instanceId);
  await runMigrations(testDatabase.url, MIGRATIONS.instance);
  const database = openDatabase(testDatabase.url, instanceSchema, { max: 10 });
  // As an instance's start does (origin/roles.ts).
  await backfillMediaRefs(database.db);
  const edge = edgeOverride ?? (await createTestEdge());
  const logLines: string[] = [];
  const s3 = options.media ? await startTestS3() : undefined;
  let media: InstanceDeps['media'];
  if (s3) {
    await runMediaMigrations(testDatabase.url);
    const db = mediaDb(database.sql);
    const config = { quotaBytes: options.quotaBytes ?? 5 * 2 ** 30, planCaps: { STARTER: 10 * 2 ** 20, PRO: 100 * 2 ** 20, ENTERPRISE: 2 ** 30 } };
    const store = createObjectStore(s3.settings);
    media = {
      routes: createMediaApiRoutes({ instanceId, db, store, config }),
      files: createMediaFiles({ instanceId, db, store }),
      imports: createMediaImports({ instanceId, db, store, quotaBytes: config.quotaBytes, planCaps: config.planCaps }),
      storageOrigin: new URL(s3.settings.endpoint).origin,
      usage: async () => ({ ...(await mediaUsage(db, new Date())), quotaBytes: config.quotaBytes }),
    };
  }
  const app = createInstanceApp({
    instanceId,
    publicUrlPattern: 'http://{host}.wikiplatform.localhost:8787',
    database,
    logger: captureLogger(logLines),
    verify: createAssertionVerifier(edge.jwks),
    metrics: createMetrics({ instance: instanceId }),
    media,
  });

  async function request(path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    const who = options.as === undefined ? defaultIdentity() : options.as;
    if (options.assertion !== undefined) headers[ASSERTION_HEADER] = options.assertion;
    else if (who) headers[ASSERTION_HEADER] = await edge.mint(who, options.audience ?? instanceId, { purpose: options.purpose });
    let body: BodyInit | undefined;
    if (options.body instanceof URLSearchParams) {
      body = options.body;
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (options.body instanceof Uint8Array || options.body instanceof FormData) {
      // Bytes as they are (an upload); a FormData sets its own multipart content type.
      body = options.body as BodyInit;
    } else if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    return app.request(path, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body });
  }

  return {
    instanceId,
    edge,
    database,
    testDatabase,
    logLines,
    app,
    s3,
    request,
    async api(path, options) {
      const res = await request(path, { ...options, headers: { accept: 'application/json', ...options?.headers } });
      const text = await res.text();
      let body: any;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      return { status: res.status, body };
    },
    async close() {
      await database.close();
      await testDatabase.drop();
      await s3?.stop();
    },
  };
}
