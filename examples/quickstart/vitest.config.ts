import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['source'] } },
  resolve: { conditions: ['source'] },
  // The smoke tests start the example as a child process (a second or two each on a quiet machine).
  test: { name: 'example-quickstart', include: ['*.test.ts'], testTimeout: 60_000 },
});
