import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['source'] } },
  resolve: { conditions: ['source'] },
  test: { name: 'cli', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
