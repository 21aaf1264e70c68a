// Ticket classification with a logprob gate: a label from gpt-4.1-nano is accepted when its least likely
// token is at least 75% likely; an unsure label escalates to claude-haiku-4-5, whose API gives no logprobs
// (the gate is reported skipped there, never passed silently).
//
//   node --conditions=source examples/classification-logprob/main.ts
//
// With OPENAI_API_KEY / ANTHROPIC_API_KEY set it calls the real APIs. Without them it starts the replay
// server in this process and the real `openai` client talks to it: no key, no network. The replayed answers
// and logprobs were WRITTEN BY HAND for this example (recorded/script.ts), not produced by a model.
import { fileURLToPath } from 'node:url';
import {
  type AttemptRecord,
  announceModels,
  attemptName,
  connectModels,
  failureReason,
  formatPath,
  readJsonLines,
  readRequests,
  runRequests,
} from '@llm-cascade/example-support';
import { buildTicketCascade, MIN_TOKEN_PROBABILITY, MODELS } from './cascade.ts';

const file = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const RECORDING = file('./recorded/tickets.jsonl');

const probability = (logprob: number): string => {
  const p = Math.exp(logprob);
  return p >= 0.01 ? p.toFixed(2) : p.toPrecision(1);
};

/** The answer's weakest token as a probability, and the runner-up the model weighed at that position. */
function confidence(attempt: AttemptRecord): string {
  const tokens = attempt.candidates[attempt.selectedCandidate]?.logprobs ?? [];
  let weakest = tokens[0];
  for (const token of tokens) if (weakest === undefined || token.logprob < weakest.logprob) weakest = token;
  if (weakest === undefined) return '';
  const runnerUp = weakest.topLogprobs?.find((alternative) => alternative.token !== weakest.token);
  const next = runnerUp === undefined ? '' : `, next ${runnerUp.token.trim()} ${probability(runnerUp.logprob)}`;
  return `p=${probability(weakest.logprob)}${next}`;
}

function step(attempt: AttemptRecord): string {
  const who = attemptName(attempt);
  const text = attempt.candidates[attempt.selectedCandidate]?.text.trim() ?? '';
  const skipped = attempt.gates.find((gate) => gate.status === 'skipped');
  if (attempt.outcome === 'accepted') {
    return skipped === undefined
      ? `${who} ✓ ${text} ${confidence(attempt)}`
      : `${who} ✓ ${text} (${skipped.name} gate skipped: no logprobs)`;
  }
  const reason = failureReason(attempt);
  return reason === 'low-confidence'
    ? `${who} ✗ ${reason} (${text} ${confidence(attempt)})`
    : `${who} ✗ ${reason} "${text}"`;
}

const references = new Map(
  readJsonLines<{ id: string; reference: string }>(RECORDING).map((line) => [line.id, line.reference]),
);

const requests = readRequests(file('./requests.jsonl'));
// Three alternatives per token: the example prints the runner-up label of an unsure answer.
const models = await connectModels({ recording: RECORDING, topLogprobs: 3 });
const cascade = buildTicketCascade(models);

console.log(`${requests.length} support tickets, tiers small (${MODELS.small}) → claude (${MODELS.claude});`);
console.log(`gates label, logprob (least likely token at least ${MIN_TOKEN_PROBABILITY})`);
announceModels({
  models,
  offlineNote: 'the replayed answers were written by hand for this example, not produced by a model',
});
console.log('');

const { records, summary } = await runRequests({ cascade, requests, models });

let correct = 0;
for (const record of records) {
  const path = formatPath({ record, step });
  const reference = references.get(record.id);
  const right = record.ok && record.value === reference;
  if (right) correct += 1;
  const verdict = record.ok ? (right ? '' : `  ≠ reference ${reference}`) : `  → no tier passed: ${record.error.code}`;
  console.log(`${record.id}  ${path}${verdict}`);
}

console.log('');
console.log(summary);
console.log(`  labels matching the reference: ${correct} of ${records.length}`);
