// The llm-cascade demo: 17 invoices to schema-valid JSON up a three-tier ladder (gpt-4.1-mini, gpt-4.1,
// claude-sonnet-4-5), with a JSON-schema gate and an arithmetic gate, repairs and escalations.
//
//   node --conditions=source examples/structured-extraction/main.ts      (or: pnpm demo)
//
// With OPENAI_API_KEY / ANTHROPIC_API_KEY set it calls the real APIs. Without them (the default) it starts
// the replay server in this process and the real `openai` client talks to it over HTTP: no key, no network.
// The replayed answers were WRITTEN BY HAND for this example (recorded/script.ts), not produced by a model.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createSummaryBuilder,
  failureRecord,
  formatSummary,
  type OutputRecord,
  resolveOtlpUrl,
  startTracing,
  successRecord,
  toJsonLine,
} from '@llm-cascade/cli';
import { CascadeError, type CascadeRequest } from '@llm-cascade/core';
import { buildInvoiceCascade } from './cascade.ts';
import { MODELS } from './invoice.ts';
import { connectModels } from './models.ts';

const file = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const shown = (path: string): string => relative(process.cwd(), path) || path;
const REQUESTS = file('./requests.jsonl');
const RECORDING = file('./recorded/invoices.jsonl');
const OUT_DIR = file('./.cascade-out/');
const TRACE_FILE = file('./.cascade-out/traces.jsonl');
const RESULTS_FILE = file('./.cascade-out/results.jsonl');

/** One step of a request's path: which tier (or `repair`), and ✓ or ✗ with the failed gate's reason. */
function step(attempt: OutputRecord['attempts'][number]): string {
  const who = attempt.kind === 'repair' ? 'repair' : attempt.tier;
  if (attempt.outcome === 'accepted') return `${who} ✓`;
  const gate = attempt.gates.find((record) => record.name === attempt.failedGate);
  return `${who} ✗ ${gate?.reason ?? attempt.error?.kind ?? attempt.outcome}`;
}

function pathLine(record: OutputRecord): string {
  const path = record.attempts.map(step).join(' → ');
  const ending = record.ok
    ? `($${record.costUsd.toFixed(6)})`
    : `→ no tier passed: ${record.error.code} ($${record.costUsd.toFixed(6)} spent)`;
  return `${record.id.padEnd(8)} ${path}  ${ending}`;
}

// Traces: OTLP when the standard variables name a collector (Jaeger: see examples/jaeger), else a JSON-lines
// file, written afresh each run. The CLI's own tracing setup does the work.
const otlpUrl = resolveOtlpUrl(undefined, process.env);
if (otlpUrl === undefined) rmSync(TRACE_FILE, { force: true });
const tracing = startTracing(otlpUrl === undefined ? { traceFile: TRACE_FILE } : {});

const requests = readFileSync(REQUESTS, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as CascadeRequest & { id: string });
const models = await connectModels(RECORDING);
const cascade = buildInvoiceCascade(models);

console.log(`llm-cascade demo: ${requests.length} invoices to JSON, tiers small (${MODELS.small}) → medium`);
console.log(`(${MODELS.medium}) → claude (${MODELS.claude}); gates json-schema, totals-add-up; repairs 1, 1, 0`);
for (const line of models.description) console.log(`  ${line}`);
if (models.offline) console.log('  the replayed answers were written by hand for this demo, not produced by a model');
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
        // Every tier failed (or the budget ran out): a result like any other, with every attempt kept.
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

for (const record of records) {
  console.log(pathLine(record));
  summary.add(record);
}
console.log('');
console.log(formatSummary(summary.finish({ durationMs })));

mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(RESULTS_FILE, records.map(toJsonLine).join(''));
console.log(`results: ${shown(RESULTS_FILE)} (one line per invoice: value, every attempt, gate verdicts, cost)`);

await tracing.shutdown();
if (otlpUrl !== undefined) {
  console.log(`traces: sent over OTLP to ${otlpUrl} (service llm-cascade)`);
} else {
  const spans = readFileSync(TRACE_FILE, 'utf8').split('\n').filter(Boolean).length;
  console.log(
    `traces: ${spans} spans in ${shown(TRACE_FILE)} (set OTEL_EXPORTER_OTLP_ENDPOINT to send them to Jaeger)`,
  );
}
