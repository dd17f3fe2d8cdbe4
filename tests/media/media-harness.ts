// The media flow with every real piece a Node test can run: the instance's media API (mounted as the
// instance app mounts it: base app → identify → media routes) on a fresh Postgres database, the edge's
// media handler with a real ES256 assertion key, and the SigV4-checking S3 server. The origin and the
// edge are served over HTTP and their sockets counted, so a test can prove upload bytes never reach them.
import type { AddressInfo, Socket } from 'node:net';
import { Writable } from 'node:stream';
import { serve, type ServerType } from '@hono/node-server';
import { exportJWK, generateKeyPair } from 'jose';
import { createAssertionVerifier, signAssertion, type AssertionSigningKey } from '#shared/edge-assertion';
import type { Identity } from '#shared/identity';
import type { PlanCaps } from '#shared/media-policy';
import { DEFAULT_PLAN_MATRIX } from '#shared/plan-matrix';
import { createBaseApp } from '../../origin/common/base-app.ts';
import { openDatabase, runMigrations, type Database } from '../../origin/common/database.ts';
import { createLogger } from '../../origin/common/logger.ts';
import { createMetrics } from '../../origin/common/metrics.ts';
import { MIGRATIONS } from '../../origin/migrations.ts';
import type { InstanceEnv } from '../../origin/instance/deps.ts';
import { createMediaApiRoutes } from '../../origin/instance/media/media-routes.ts';
import { mediaDb, type MediaDb } from '../../origin/instance/media/media-store.ts';
import { runMediaMigrations } from '../../origin/instance/media/migrate.ts';
import { createObjectStore, type ObjectStore } from '../../origin/instance/media/object-store.ts';
import { instanceSchema, type InstanceSchema } from '../../origin/instance/schema.ts';
import { createDirectory, identify } from '../../origin/instance/services/identify.ts';
import { createMediaEdge, type MediaCaller } from '../../edge/media/media-handler.ts';
import { originCaller } from '../../edge/media/origin-caller.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import type { TestS3 } from './local-s3.ts';

export function person(name: string, plan: Identity['plan'], roles: string[] = []): Identity {
  return { sub: `sub-${name}`, username: name, email: `${name}@example.test`, name: `${name[0]!.toUpperCase()}${name.slice(1)}`, plan, groups: plan ? [`/${plan}`] : [], roles };
}

/** Counts bytes a server reads from its clients, over every connection it accepts. */
function countBytesIn(server: ServerType): { read(): number } {
  const sockets = new Set<Socket>();
  let closedBytes = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      closedBytes += socket.bytesRead;
      sockets.delete(socket);
    });
  });
  return { read: () => closedBytes + [...sockets].reduce((n, s) => n + s.bytesRead, 0) };
}

function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ server, url: `http://127.0.0.1:${info.port}` }));
  });
}

export interface MediaHarness {
  instanceId: string;
  originUrl: string;
  edgeUrl: string;
  db: MediaDb;
  store: ObjectStore;
  database: Database<InstanceSchema>;
  originLog: string[];
  edgeLog: string[];
  originBytesIn(): number;
  edgeBytesIn(): number;
  /** Gives a person an instance role before their first visit. */
  setRole(who: Identity, role: 'reader' | 'editor' | 'admin'): Promise<void>;
  /** A request to the edge's /_media/* as `who`, on `host` (default: this instance). */
  edge(path: string, who: Identity, init?: RequestInit & { host?: string }): Promise<Response>;
  /** A request to the origin's API as `who`, as the edge's proxy would send it (no internal header). */
  origin(path: string, who: Identity, init?: RequestInit & { headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export interface MediaHarnessOptions {
  instanceId?: string;
  quotaBytes?: number;
  planCaps?: PlanCaps;
  userPendingMultiple?: number;
  /** The edge's upload-signing limiter (the gateway gives it one; none by default). */
  signLimiter?: { allow(key: string): Promise<boolean> };
}

export async function startMediaHarness(s3: TestS3, options: MediaHarnessOptions = {}): Promise<MediaHarness> {
  const instanceId = options.instanceId ?? 'instance1';
  const testDatabase: TestDatabase = await createTestDatabase('media');
  await runMigrations(testDatabase.url, MIGRATIONS.instance);
  await runMediaMigrations(testDatabase.url);
  const database = openDatabase(testDatabase.url, instanceSchema, { max: 4 });
  const db = mediaDb(database.sql);
  const store = createObjectStore(s3.settings);

  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const signing: AssertionSigningKey = { kid: 'media-test', key: privateKey };
  const verify = createAssertionVerifier({ keys: [{ ...(await exportJWK(publicKey)), kid: 'media-test', alg: 'ES256' }] });

  const originLog: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, done) {
        originLog.push(String(chunk));
        done();
      },
    }),
  });
  const app = createBaseApp<InstanceEnv>({ logger, metrics: createMetrics({ instance: instanceId }), verify, audience: instanceId, ping: database.ping });
  app.use(identify(createDirectory(database.db)));
  app.route(
    '/',
    createMediaApiRoutes({
      instanceId,
      db,
      store,
      config: {
        quotaBytes: options.quotaBytes ?? 1024 * 1024 * 1024,
        planCaps: options.planCaps ?? { STARTER: 10 * 2 ** 20, PRO: 100 * 2 ** 20, ENTERPRISE: 2 ** 30 },
        userPendingMultiple: options.userPendingMultiple,
      },
    }),
  );
  const origin = await listen(app.fetch);
  const originBytes = countBytesIn(origin.server);

  const edgeLog: string[] = [];
  const handleMedia = createMediaEdge({
    storage: { ok: true, settings: s3.settings },
    planMatrix: DEFAULT_PLAN_MATRIX,
    callOrigin: originCaller({ signingKey: async () => signing, originFor: () => origin.url, timeoutMs: 10_000 }),
    signLimiter: options.signLimiter,
    log: (level, fields) => edgeLog.push(JSON.stringify({ level, ...fields })),
  });
  // The gateway's part, reduced to what media needs: who is calling (a test header) and which host.
  const callers = new Map<string, Identity>();
  let rid = 0;
  const edge = await listen((req) => {
    const who = callers.get(req.headers.get('x-test-user') ?? '');
    const host = req.headers.get('x-test-host') ?? instanceId;
    if (!who) return new Response('no test user', { status: 401 });
    const caller: MediaCaller = { identity: who, instanceId: host, requestId: `rid-${++rid}` };
    return handleMedia(req, caller);
  });
  const edgeBytes = countBytesIn(edge.server);

  const mint = (who: Identity) => signAssertion(signing, who, instanceId, 'test-rid');

  return {
    instanceId,
    originUrl: origin.url,
    edgeUrl: edge.url,
    db,
    store,
    database,
    originLog,
    edgeLog,
    originBytesIn: originBytes.read,
    edgeBytesIn: edgeBytes.read,
    async setRole(who, role) {
      await database.sql`insert into users (sub, username, email, name, role) values (${who.sub}, ${who.username}, ${who.email}, ${who.name}, ${role})
        on conflict (sub) do update set role = excluded.role`;
    },
    edge(path, who, init = {}) {
      callers.set(who.sub, who);
      const { host, ...rest } = init;
      const headers = new Headers(rest.headers);
      headers.set('x-test-user', who.sub);
      if (host) headers.set('x-test-host', host);
      return fetch(`${edge.url}${path}`, { ...rest, headers });
    },
    async origin(path, who, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('x-wikiplatform-assertion', await mint(who));
      if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(`${origin.url}${path}`, { ...init, headers });
    },
    async close() {
      for (const { server } of [edge, origin]) {
        const closed = new Promise<void>((done) => server.close(() => done()));
        (server as import('node:http').Server).closeAllConnections?.();
        await closed;
      }
      await database.close();
      await testDatabase.drop();
    },
  };
}
