import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Real recorded data lives beside the repository (../shared/data) and is never copied into it. Tests
// that read it find it through this variable and skip with a message when the folder is absent.
const sharedData = resolve(dirname(fileURLToPath(import.meta.url)), '../shared/data');
process.env.LLM_CASCADE_SHARED_DATA ??= existsSync(sharedData) ? sharedData : '';

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
      'packages/gates/code-tests',
      'packages/providers/openai',
      'packages/providers/anthropic',
      'packages/providers/replay',
      'packages/router',
      'packages/store-redis',
      'packages/ai-sdk',
      'packages/cli',
      'packages/eval',
      'examples/quickstart',
      'examples/structured-extraction',
      'examples/code-generation',
      'examples/math-self-consistency',
      'examples/classification-logprob',
      'examples/support',
      'scripts/pack-install',
    ],
    passWithNoTests: false,
  },
});
