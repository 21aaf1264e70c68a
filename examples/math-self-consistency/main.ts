// Self-consistency on math word problems: each tier is sampled k times and its answer is trusted only when
// enough samples agree; disagreement escalates from gpt-4.1-nano (5 samples, 3 must agree) to gpt-4.1
// (3 samples, 2 must agree).
//
//   node --conditions=source examples/math-self-consistency/main.ts
//
// With OPENAI_API_KEY set it calls the real API. Without it, it starts the replay server in this process
// and the real `openai` client talks to it: no key, no network. The replayed samples were WRITTEN BY HAND
// for this example (recorded/script.ts), not produced by a model.
import { fileURLToPath } from 'node:url';
import {
  type AttemptRecord,
  announceModels,
  connectOpenaiModels,
  formatPath,
  readJsonLines,
  readRequests,
  runRequests,
} from '@llm-cascade/example-support';
import { buildMathCascade, MODELS } from './cascade.ts';

const file = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** One step: the tier, ✓ or ✗ with the vote (votes of the largest cluster / samples) and the answer it had. */
function step(attempt: AttemptRecord): string {
  const vote = attempt.gates.find((gate) => gate.name === 'self-consistency');
  if (vote === undefined) return `${attempt.tier} ✗ ${attempt.error?.kind ?? attempt.outcome}`;
  const detail = vote.details ?? {};
  const tally = `${detail.votes}/${detail.samples} for ${detail.answer ?? 'nothing'}`;
  return attempt.outcome === 'accepted' ? `${attempt.tier} ✓ ${tally}` : `${attempt.tier} ✗ ${vote.reason} (${tally})`;
}

const RECORDING = file('./recorded/problems.jsonl');

// Reference answers: they ride along in the recording, to show what agreement does not guarantee.
const references = new Map(
  readJsonLines<{ id: string; reference: number }>(RECORDING).map((line) => [line.id, line.reference]),
);

const requests = readRequests(file('./requests.jsonl'));
const models = await connectOpenaiModels({ recording: RECORDING });
const cascade = buildMathCascade(models);

console.log(`${requests.length} word problems, tiers small (${MODELS.small}, 5 samples, 3 must agree) →`);
console.log(`large (${MODELS.large}, 3 samples, 2 must agree); gate self-consistency on "The answer is N"`);
announceModels({
  models,
  offlineNote: 'the replayed samples were written by hand for this example, not produced by a model',
});
console.log('');

const { records, summary } = await runRequests({ cascade, requests, models });

let correct = 0;
let accepted = 0;
for (const record of records) {
  const path = formatPath({ record, step });
  let verdict = `→ no tier passed: ${record.ok ? '' : record.error.code}`;
  if (record.ok) {
    accepted += 1;
    const reference = references.get(record.id);
    const right = record.value === reference;
    if (right) correct += 1;
    verdict = right ? '= reference' : `≠ reference ${reference}`;
  }
  console.log(`${record.id.padEnd(13)} ${path}  ${verdict}`);
}

console.log('');
console.log(summary);
console.log(
  `  accepted answers matching the reference: ${correct} of ${accepted} (agreement measures consistency, not correctness)`,
);
