import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['source'] } },
  resolve: { conditions: ['source'] },
  test: {
    name: 'store-redis',
    include: ['src/**/*.test.ts'],
    // One redis-server for the whole package, on a free loopback port; see src/testing/redis-server.ts.
    globalSetup: ['src/testing/global-setup.ts'],
  },
});
