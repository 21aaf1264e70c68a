// Event-loop stall and time per hostile case, through `gate.check`, on answers up to the 1 MiB cap.
// Run from the repository root: node --conditions=source packages/gates/json-schema/scripts/hostile-stall.ts
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { JsonSchema } from '@llm-cascade/core';
import { jsonSchemaGate } from '@llm-cascade/gate-json-schema';

interface Case {
  readonly name: string;
  readonly schema: JsonSchema;
  readonly text: () => string;
}

const MiB = 1_048_576;
const fill = (unit: string, bytes: number): string => unit.repeat(Math.floor(bytes / unit.length));
const stringsOf = (length: number, make: (index: number) => string): string => {
  const items: string[] = [];
  let size = 2;
  for (let index = 0; size + length + 3 < MiB - 16; index += 1) {
    const item = JSON.stringify(make(index));
    items.push(item);
    size += item.length + 1;
  }
  return `[${items.join(',')}]`;
};

const cases: readonly Case[] = [
  {
    name: 'exponent in a 1 MiB array nested 255 deep',
    schema: {},
    text: () => `${'['.repeat(255)}1e1${',0'.repeat(524_000)}${']'.repeat(255)}`,
  },
  {
    name: 'url format, one 80 KB string',
    schema: { format: 'url' },
    text: () => JSON.stringify(`http://${':'.repeat(80_000)} `),
  },
  {
    name: 'url format, 1 MiB string',
    schema: { format: 'url' },
    text: () => JSON.stringify(`http://${':'.repeat(MiB - 32)} `),
  },
  {
    name: 'url format, 1 MiB of 8 KB strings',
    schema: { type: 'array', items: { format: 'url' } },
    text: () => stringsOf(8_000, () => `http://a${':'.repeat(7_990)} `),
  },
  {
    name: 'date-time / email / regex / json-pointer formats, 1 MiB of 4 KB strings',
    schema: {
      type: 'array',
      items: { anyOf: [{ format: 'date-time' }, { format: 'email' }, { format: 'regex' }, { format: 'json-pointer' }] },
    },
    text: () => stringsOf(4_000, () => `/${'-'.repeat(3_990)}!`),
  },
  {
    name: 'pattern ^([a-z0-9]+)+$, one 1 MiB string',
    schema: { pattern: '^([a-z0-9]+)+$' },
    text: () => JSON.stringify(`${'a'.repeat(MiB - 16)}!`),
  },
  {
    name: 'pattern ^([a-z0-9]+)+$, 1 MiB of 8 KB strings',
    schema: { type: 'array', items: { pattern: '^([a-z0-9]+)+$' } },
    text: () => stringsOf(8_000, () => `${'a'.repeat(7_999)}!`),
  },
  {
    name: 'pattern ^([a-z0-9]+)+$, 1 MiB of 40-char strings',
    schema: { type: 'array', items: { pattern: '^([a-z0-9]+)+$' } },
    text: () => stringsOf(40, () => `${'a'.repeat(39)}!`),
  },
  {
    name: 'linear pattern ^[a-z]+$ on V8, one 1 MiB string',
    schema: { pattern: '^[a-z]+$' },
    text: () => JSON.stringify('a'.repeat(MiB - 16)),
  },
  {
    name: 'patternProperties ^(\\w+\\s?)*$, 9,000 keys (under the key cap)',
    schema: { type: 'object', patternProperties: { '^(\\w+\\s?)*$': true } },
    text: () => `{${Array.from({ length: 9_000 }, (_, i) => `"${'word '.repeat(9)}${i}!":0`).join(',')}}`,
  },
  {
    name: 'uniqueItems, 1 MiB of distinct objects',
    schema: { type: 'array', uniqueItems: true },
    text: () => JSON.stringify(Array.from({ length: 80_000 }, (_, a) => ({ a }))),
  },
  {
    name: 'uniqueItems, 1 MiB of empty arrays',
    schema: { uniqueItems: true },
    text: () => `[${fill('[],', MiB - 8)}[]]`,
  },
  {
    name: 'plain 1 MiB array of numbers',
    schema: { type: 'array', items: { type: 'integer' } },
    text: () => `[${fill('7,', MiB - 8)}7]`,
  },
  {
    name: 'whole JSON string answer with brackets, 1 MiB',
    schema: { type: 'string' },
    text: () => JSON.stringify(`see {${'x'.repeat(MiB - 32)}}`),
  },
];

// gate.check is synchronous: the event loop is blocked for exactly its duration. The histogram confirms it
// (it can only see the stall once the loop turns again).
async function stallOf(
  run: () => unknown,
): Promise<{ readonly stallMs: number; readonly ms: number; readonly result: unknown }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, 5));
  const started = performance.now();
  const result = run();
  const ms = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 5));
  histogram.disable();
  return { stallMs: histogram.max / 1e6, ms, result };
}

console.log('| case | bytes | gate.check, worst of 3 (ms) | event-loop delay seen (ms) | verdict |');
console.log('| --- | --- | --- | --- | --- |');
let worst = 0;
for (const item of cases) {
  const gate = jsonSchemaGate({ schema: item.schema });
  const text = item.text();
  const bytes = Buffer.byteLength(text);
  if (bytes > MiB) throw new Error(`${item.name}: ${bytes} bytes is over the cap`);
  gate.check(text.slice(0, 64)); // warm the validator, not the case
  const runs = [];
  for (let round = 0; round < 3; round += 1) runs.push(await stallOf(() => gate.check(text)));
  const slowest = Math.max(...runs.map((run) => run.ms));
  const stall = Math.max(...runs.map((run) => run.stallMs));
  worst = Math.max(worst, slowest);
  const result = runs[0]?.result as { status: string; reason: string };
  console.log(
    `| ${item.name} | ${bytes.toLocaleString('en')} | ${slowest.toFixed(1)} | ${stall.toFixed(1)} | ${result.status} ${result.reason} |`,
  );
}
console.log(
  `\nload average while measuring: ${loadavg()
    .map((load) => load.toFixed(1))
    .join(', ')} on ${availableParallelism()} cores`,
);
console.log(`worst synchronous gate.check (the event loop is blocked for exactly this long): ${worst.toFixed(1)} ms`);
