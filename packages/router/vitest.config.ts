import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['source'] } },
  resolve: { conditions: ['source'] },
  test: { name: 'router', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
