import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// The root config sets this for every project; set it here too so the package's tests also find the shared
// data when vitest runs from this folder.
const sharedData = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
process.env.LLM_CASCADE_SHARED_DATA ??= existsSync(sharedData) ? sharedData : '';

export default defineProject({
  ssr: { resolve: { conditions: ['source'] } },
  resolve: { conditions: ['source'] },
  test: { name: 'eval', include: ['src/**/*.test.ts'] },
});
