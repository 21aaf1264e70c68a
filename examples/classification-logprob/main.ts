// Ticket classification with a logprob gate: a label from gpt-4.1-nano is accepted when its least likely
// token is at least 75% likely; an unsure label escalates to claude-haiku-4-5, whose API gives no logprobs
// (the gate is reported skipped there, never passed silently).
//
//   node --conditions=source examples/classification-logprob/main.ts
//
// With OPENAI_API_KEY / ANTHROPIC_API_KEY set it calls the real APIs. Without them it starts the replay
// server in this process and the real `openai` client talks to it: no key, no network. The replayed answers
// and logprobs were WRITTEN BY HAND for this example (recorded/script.ts), not produced by a model.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSummaryBuilder, failureRecord, formatSummary, type OutputRecord, successRecord } from '@llm-cascade/cli';
import { CascadeError, type CascadeRequest } from '@llm-cascade/core';
import { buildTicketCascade, MIN_TOKEN_PROBABILITY, MODELS } from './cascade.ts';
import { connectModels } from './models.ts';

const file = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
type AttemptRecord = OutputRecord['attempts'][number];

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
  const who = attempt.kind === 'repair' ? 'repair' : attempt.tier;
  const text = attempt.candidates[attempt.selectedCandidate]?.text.trim() ?? '';
  const skipped = attempt.gates.find((gate) => gate.status === 'skipped');
  if (attempt.outcome === 'accepted') {
    return skipped === undefined
      ? `${who} ✓ ${text} ${confidence(attempt)}`
      : `${who} ✓ ${text} (${skipped.name} gate skipped: no logprobs)`;
  }
  const gate = attempt.gates.find((record) => record.name === attempt.failedGate);
  const reason = gate?.reason ?? attempt.error?.kind ?? attempt.outcome;
  return reason === 'low-confidence'
    ? `${who} ✗ ${reason} (${text} ${confidence(attempt)})`
    : `${who} ✗ ${reason} "${text}"`;
}

const references = new Map<string, string>();
for (const line of readFileSync(file('./recorded/tickets.jsonl'), 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  const record = JSON.parse(line) as { id: string; reference: string };
  references.set(record.id, record.reference);
}

const requests = readFileSync(file('./requests.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as CascadeRequest & { id: string });
const models = await connectModels(file('./recorded/tickets.jsonl'));
const cascade = buildTicketCascade(models);

console.log(`${requests.length} support tickets, tiers small (${MODELS.small}) → claude (${MODELS.claude});`);
console.log(`gates label, logprob (least likely token at least ${MIN_TOKEN_PROBABILITY})`);
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
  await cascade.close();
  await models.close();
}
const durationMs = performance.now() - started;

let correct = 0;
for (const record of records) {
  const path = record.attempts.map(step).join(' → ');
  const reference = references.get(record.id);
  const right = record.ok && record.value === reference;
  if (right) correct += 1;
  const verdict = record.ok ? (right ? '' : `  ≠ reference ${reference}`) : `  → no tier passed: ${record.error.code}`;
  console.log(`${record.id}  ${path}${verdict}`);
  summary.add(record);
}

console.log('');
console.log(formatSummary(summary.finish({ durationMs })));
console.log(`  labels matching the reference: ${correct} of ${records.length}`);
