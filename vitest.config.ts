import { defineConfig } from 'vitest/config';

// One vitest process runs every package's tests from source (the `source` export condition). Each
// package is listed once: a glob over nested package folders would run some projects twice.
export default defineConfig({
  test: {
    projects: [
      'packages/cascade-core',
      'packages/gates/json-schema',
      'packages/gates/logprob',
      'packages/gates/self-consistency',
      'packages/gates/code-compiles',
      'packages/providers/openai',
      'packages/providers/anthropic',
      'packages/providers/replay',
    ],
    passWithNoTests: false,
  },
});
