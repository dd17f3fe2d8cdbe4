// The `edge` test project: the Worker inside workerd (vitest workers pool). The global setup starts
// the real servers the Worker talks to; their URLs and the test secrets become the Worker's bindings.
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineProject } from 'vitest/config';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: root('edge/index.ts'),
      wrangler: { configPath: root('wrangler.toml') },
      miniflare: { bindings: inject('edgeBindings') },
    })),
  ],
  test: {
    name: 'edge',
    include: ['**/*.test.ts'],
    globalSetup: ['./support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
