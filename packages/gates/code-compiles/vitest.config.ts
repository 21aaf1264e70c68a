import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['source'] } },
  resolve: { conditions: ['source'] },
  test: {
    name: 'gate-code-compiles',
    include: ['src/**/*.test.ts'],
    // Most tests start a real compiler or interpreter cold (1 to 4 s on a loaded 2-core machine): the
    // default 5 s leaves no headroom when the machine is shared.
    testTimeout: 30_000,
  },
});
