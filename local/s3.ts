// A local S3-compatible server that really checks SigV4 signatures (@20minutes/s3rver), standing in for R2;
// multipart uploads follow R2's rules (local/s3-multipart.ts).
import type { Server } from 'node:http';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { corsPolicyToS3Xml, localizeCorsPolicy, R2CorsPolicySchema } from '../deploy/r2/cors-rules.ts';
import { LOCAL_DOMAIN } from './platform-config.ts';
import { addMultipartRules } from './s3-multipart.ts';
// @ts-expect-error — the package ships no types; the surface we use is typed below.
import S3rverModule from '@20minutes/s3rver';

interface S3rverInstance {
  /** Koa's middleware list. */
  middleware: unknown[];
  run(): Promise<{ port: number; address: string }>;
  close(): Promise<void>;
  /** Set once run() has resolved. */
  httpServer?: Server;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = S3rverModule as S3rverCtor;

export interface LocalS3Options {
  port: number;
  host?: string;
  dataDir: string;
  bucket: string;
  /** CORS rules as S3 CORSConfiguration XML. Default: deploy/r2/cors.json (R2's rules) for `corsDomain`. */
  corsXml?: string;
  /** Domain the R2 rules' origins are mapped to (default wikiplatform.localhost, any port). */
  corsDomain?: string;
}

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  close(): Promise<void>;
}

/** s3rver's fixed credentials; anything else is refused with 403, as R2 would. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The policy R2 is given, in the file `wrangler r2 bucket cors set` reads. */
export const R2_CORS_FILE = fileURLToPath(new URL('../deploy/r2/cors.json', import.meta.url));

/** deploy/r2/cors.json as S3 CORSConfiguration XML, its origins moved to `domain`. */
export async function localCorsXml(domain: string = LOCAL_DOMAIN): Promise<string> {
  const policy = R2CorsPolicySchema.parse(JSON.parse(await readFile(R2_CORS_FILE, 'utf8')));
  return corsPolicyToS3Xml(localizeCorsPolicy(policy, domain));
}

export async function startS3(options: LocalS3Options): Promise<LocalS3> {
  const host = options.host ?? '127.0.0.1';
  await mkdir(options.dataDir, { recursive: true });
  const corsXml = options.corsXml ?? (await localCorsXml(options.corsDomain));
  const server = new S3rver({
    port: options.port,
    address: host,
    silent: true,
    directory: options.dataDir,
    // Path-style URLs (http://127.0.0.1:port/bucket/key), as the R2 S3 endpoint also accepts.
    vhostBuckets: false,
    allowMismatchedSignatures: false,
    configureBuckets: [{ name: options.bucket, configs: [corsXml] }],
  });
  addMultipartRules(server);
  const address = await server.run();
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${address.port}`,
    bucket: options.bucket,
    region: 'auto',
    ...LOCAL_S3_CREDENTIALS,
    // A shutdown, not a drain: a client that abandoned a download mid-body (an export cut short) would
    // otherwise hold close() until the socket times out.
    // Closing twice is a no-op, like an HTTP server's: a test that takes storage down still tears down after.
    close: async () => {
      closed ??= (async () => {
        const closing = server.close();
        server.httpServer?.closeAllConnections();
        await closing;
      })();
      await closed;
    },
  };
}
