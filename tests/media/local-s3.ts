// A real local S3 server (SigV4 checked, CORS from deploy/r2/cors.json) on a free port and a temp dir.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/ports.ts';
import { startS3, type LocalS3 } from '../../local/s3.ts';
import type { S3Settings } from '../../shared/s3-settings.ts';

export const TEST_BUCKET = 'wikiplatform-media';

export interface TestS3 {
  server: LocalS3;
  settings: S3Settings;
  stop(): Promise<void>;
}

export async function startTestS3(): Promise<TestS3> {
  const dir = await mkdtemp(join(tmpdir(), 'wikiplatform-test-s3-'));
  const server = await startS3({ port: await freePort(), dataDir: dir, bucket: TEST_BUCKET });
  const settings: S3Settings = {
    endpoint: server.endpoint,
    bucket: server.bucket,
    region: server.region,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
  };
  return {
    server,
    settings,
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
