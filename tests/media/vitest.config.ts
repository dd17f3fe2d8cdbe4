// The media tests: pure policy, presigning against the real SigV4-checking S3 server, and the instance's
// media API on real Postgres (one throwaway cluster per run, one database per test file).
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'media',
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['tests/media/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/support/postgres-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
