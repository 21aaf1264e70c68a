// Self-consistency on math word problems: each tier is sampled k times and its answer is trusted only when
// enough samples agree; disagreement escalates from gpt-4.1-nano (5 samples, 3 must agree) to gpt-4.1
// (3 samples, 2 must agree).
//
//   node --conditions=source examples/math-self-consistency/main.ts
//
// With OPENAI_API_KEY set it calls the real API. Without it, it starts the replay server in this process
// and the real `openai` client talks to it: no key, no network. The replayed samples were WRITTEN BY HAND
// for this example (recorded/script.ts), not produced by a model.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSummaryBuilder, failureRecord, formatSummary, type OutputRecord, successRecord } from '@llm-cascade/cli';
import { CascadeError, type CascadeRequest } from '@llm-cascade/core';
import { buildMathCascade, MODELS } from './cascade.ts';
import { connectModels } from './models.ts';

const file = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** One step: the tier, ✓ or ✗ with the vote (votes of the largest cluster / samples) and the answer it had. */
function step(attempt: OutputRecord['attempts'][number]): string {
  const vote = attempt.gates.find((gate) => gate.name === 'self-consistency');
  if (vote === undefined) return `${attempt.tier} ✗ ${attempt.error?.kind ?? attempt.outcome}`;
  const detail = vote.details ?? {};
  const tally = `${detail.votes}/${detail.samples} for ${detail.answer ?? 'nothing'}`;
  return attempt.outcome === 'accepted' ? `${attempt.tier} ✓ ${tally}` : `${attempt.tier} ✗ ${vote.reason} (${tally})`;
}

// Reference answers: they ride along in the recording, to show what agreement does not guarantee.
const references = new Map<string, number>();
for (const line of readFileSync(file('./recorded/problems.jsonl'), 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  const record = JSON.parse(line) as { id: string; reference: number };
  references.set(record.id, record.reference);
}

const requests = readFileSync(file('./requests.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as CascadeRequest & { id: string });
const models = await connectModels(file('./recorded/problems.jsonl'));
const cascade = buildMathCascade(models);

console.log(`${requests.length} word problems, tiers small (${MODELS.small}, 5 samples, 3 must agree) →`);
console.log(`large (${MODELS.large}, 3 samples, 2 must agree); gate self-consistency on "The answer is N"`);
console.log(`  models: ${models.description}`);
if (models.offline)
  console.log('  the replayed samples were written by hand for this example, not produced by a model');
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
  await cascade.close();
  await models.close();
}
const durationMs = performance.now() - started;

let correct = 0;
let accepted = 0;
for (const record of records) {
  const path = record.attempts.map(step).join(' → ');
  let verdict = `→ no tier passed: ${record.ok ? '' : record.error.code}`;
  if (record.ok) {
    accepted += 1;
    const reference = references.get(record.id);
    const right = record.value === reference;
    if (right) correct += 1;
    verdict = right ? '= reference' : `≠ reference ${reference}`;
  }
  console.log(`${record.id.padEnd(13)} ${path}  ${verdict}`);
  summary.add(record);
}

console.log('');
console.log(formatSummary(summary.finish({ durationMs })));
console.log(
  `  accepted answers matching the reference: ${correct} of ${accepted} (agreement measures consistency, not correctness)`,
);
