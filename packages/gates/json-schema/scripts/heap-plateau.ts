// Heap after N compiles of distinct schemas through the default (shared, 128-entry) validator cache.
// Run from the repository root:
//   node --expose-gc --conditions=source packages/gates/json-schema/scripts/heap-plateau.ts
// and again with --no-compilation-cache: V8's eval compilation cache keeps every distinct piece of code ajv
// generates (and, through it, that validator's closure), so without the flag the heap grows about 45 KB per
// distinct schema whatever this package frees; with it, the heap plateaus (see the package README).
import { compileJsonSchema } from '@llm-cascade/gate-json-schema';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

async function settledHeapMb(): Promise<number> {
  for (let round = 0; round < 3; round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc?.();
  }
  return process.memoryUsage().heapUsed / 1_048_576;
}

const schemaOf = (index: number) => ({
  $schema: index % 3 === 0 ? 'http://json-schema.org/draft-07/schema#' : 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    [`name${index}`]: { type: 'string', minLength: 1, pattern: '^[A-Z][a-z]+$' },
    email: { type: 'string', format: 'email' },
    tags: { type: 'array', items: { enum: ['a', 'b', `c${index}`] }, uniqueItems: true },
    // Real schemas are larger than a toy: 60 more properties make what an ajv instance retains visible.
    ...Object.fromEntries(
      Array.from({ length: 60 }, (_, field) => [
        `field${field}`,
        { type: 'integer', minimum: field, description: `f${index}` },
      ]),
    ),
  },
  required: [`name${index}`],
});

console.log('| compiles | heap used after GC (MB) |');
console.log('| --- | --- |');
console.log(`| 0 | ${(await settledHeapMb()).toFixed(1)} |`);
let compiled = 0;
for (const checkpoint of [250, 500, 1000, 2000, 3700, 5000]) {
  for (; compiled < checkpoint; compiled += 1) compileJsonSchema({ schema: schemaOf(compiled) });
  console.log(`| ${checkpoint} | ${(await settledHeapMb()).toFixed(1)} |`);
}
