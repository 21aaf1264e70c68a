// Code generation with a compile gate: each TypeScript function must type-check (TypeScript 7, strict, never
// run). A failure goes back to the same model with the compiler's diagnostics; a second failure escalates
// from gpt-4.1-mini to claude-sonnet-4-5.
//
//   node --conditions=source examples/code-generation/main.ts
//
// With OPENAI_API_KEY / ANTHROPIC_API_KEY set it calls the real APIs. Without them it starts the replay
// server in this process and the real `openai` client talks to it: no key, no network. The replayed answers
// were WRITTEN BY HAND for this example (recorded/script.ts), not produced by a model.
import { fileURLToPath } from 'node:url';
import {
  type AttemptRecord,
  announceModels,
  connectModels,
  failedGateVerdict,
  formatPath,
  plainStep,
  readRequests,
  runRequests,
} from '@llm-cascade/example-support';
import { buildCodeCascade, MODELS } from './cascade.ts';

const file = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** One step of a task's path: the tier (or `repair`), ✓ or ✗ with the reason and the first error code. */
function step(attempt: AttemptRecord): string {
  const code = failedGateVerdict(attempt)?.details?.firstError;
  return `${plainStep(attempt)}${code === undefined ? '' : ` ${code}`}`;
}

const requests = readRequests(file('./requests.jsonl'));
const models = await connectModels({ recording: file('./recorded/functions.jsonl') });
const cascade = buildCodeCascade(models);

console.log(`${requests.length} TypeScript functions, tiers small (${MODELS.small}) → claude (${MODELS.claude}),`);
console.log('gate code-compiles (strict, ES2023 + DOM), one repair per tier with the compiler diagnostics');
announceModels({
  models,
  offlineNote: 'the replayed answers were written by hand for this example, not produced by a model',
});
console.log('');

// Closing the cascade at the end stops the type-checking worker.
const { records, summary } = await runRequests({ cascade, requests, models });
for (const record of records) {
  const ending = record.ok ? '' : `  → no tier passed: ${record.error.code}`;
  console.log(`${record.id.padEnd(15)} ${formatPath({ record, step })}${ending}`);
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
console.log(summary);
