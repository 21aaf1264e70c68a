// Code generation with a compile gate: each TypeScript function must type-check (TypeScript 7, strict, never
// run). A failure goes back to the same model with the compiler's diagnostics; a second failure escalates
// from gpt-4.1-mini to claude-sonnet-4-5.
//
//   node --conditions=source examples/code-generation/main.ts
//
// With OPENAI_API_KEY / ANTHROPIC_API_KEY set it calls the real APIs. Without them it starts the replay
// server in this process and the real `openai` client talks to it: no key, no network. The replayed answers
// were WRITTEN BY HAND for this example (recorded/script.ts), not produced by a model.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSummaryBuilder, failureRecord, formatSummary, type OutputRecord, successRecord } from '@llm-cascade/cli';
import { CascadeError, type CascadeRequest } from '@llm-cascade/core';
import { buildCodeCascade, MODELS } from './cascade.ts';
import { connectModels } from './models.ts';

const file = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** One step of a task's path: the tier (or `repair`), ✓ or ✗ with the reason and the first error code. */
function step(attempt: OutputRecord['attempts'][number]): string {
  const who = attempt.kind === 'repair' ? 'repair' : attempt.tier;
  if (attempt.outcome === 'accepted') return `${who} ✓`;
  const gate = attempt.gates.find((record) => record.name === attempt.failedGate);
  const code = gate?.details?.firstError;
  return `${who} ✗ ${gate?.reason ?? attempt.error?.kind ?? attempt.outcome}${code === undefined ? '' : ` ${code}`}`;
}

const requests = readFileSync(file('./requests.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as CascadeRequest & { id: string });
const models = await connectModels(file('./recorded/functions.jsonl'));
const cascade = buildCodeCascade(models);

console.log(`${requests.length} TypeScript functions, tiers small (${MODELS.small}) → claude (${MODELS.claude}),`);
console.log('gate code-compiles (strict, ES2023 + DOM), one repair per tier with the compiler diagnostics');
for (const line of models.description) console.log(`  ${line}`);
if (models.offline)
  console.log('  the replayed answers were written by hand for this example, not produced by a model');
console.log('');

const summary = createSummaryBuilder();
const started = performance.now();
let records: OutputRecord[];
try {
  records = await Promise.all(
    requests.map(async (request): Promise<OutputRecord> => {
      const start = performance.now();
      try {
        return successRecord(request.id, await cascade.run(request));
      } catch (error) {
        if (!CascadeError.isInstance(error)) throw error;
        return failureRecord(request.id, error, performance.now() - start);
      }
    }),
  );
} finally {
  // Stops the type-checking worker.
  await cascade.close();
  await models.close();
}
const durationMs = performance.now() - started;

for (const record of records) {
  const ending = record.ok ? '' : `  → no tier passed: ${record.error.code}`;
  console.log(`${record.id.padEnd(15)} ${record.attempts.map(step).join(' → ')}${ending}`);
  summary.add(record);
}

// One repair in full: the diagnostics that went back to the model, and the code it answered with.
const repaired = records.find((record) => record.ok && record.attempts.at(-1)?.kind === 'repair');
if (repaired?.ok) {
  const failed = repaired.attempts.at(-2)?.gates.find((gate) => gate.status === 'fail');
  console.log(`\n${repaired.id}: the feedback sent back to ${repaired.tier}`);
  console.log((failed?.feedback ?? '').replace(/^/gm, '  | '));
  console.log(`${repaired.id}: the accepted answer`);
  console.log(repaired.text.replace(/^/gm, '  | '));
}

console.log('');
console.log(formatSummary(summary.finish({ durationMs })));
