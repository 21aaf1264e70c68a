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
import { type OutputRecord, renderReport, resolveOtlpUrl, startTracing, toJsonLine } from '@llm-cascade/cli';
import { announceModels, connectModels, formatPath, readRequests, runRequests } from '@llm-cascade/example-support';
import { buildInvoiceCascade } from './cascade.ts';
import { MODELS } from './invoice.ts';

const file = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const shown = (path: string): string => relative(process.cwd(), path) || path;
const REQUESTS = file('./requests.jsonl');
const RECORDING = file('./recorded/invoices.jsonl');
const OUT_DIR = file('./.cascade-out/');
const TRACE_FILE = file('./.cascade-out/traces.jsonl');
const RESULTS_FILE = file('./.cascade-out/results.jsonl');

/** A request's line: each step (a tier or `repair`, ✓ or ✗ with the failed gate's reason), then its cost. */
function pathLine(record: OutputRecord): string {
  const path = formatPath({ record });
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

const requests = readRequests(REQUESTS);
const models = await connectModels({ recording: RECORDING });
const cascade = buildInvoiceCascade(models);

console.log(`llm-cascade demo: ${requests.length} invoices to JSON, tiers small (${MODELS.small}) → medium`);
console.log(`(${MODELS.medium}) → claude (${MODELS.claude}); gates json-schema, totals-add-up; repairs 1, 1, 0`);
announceModels({
  models,
  offlineNote: 'the replayed answers were written by hand for this demo, not produced by a model',
});
console.log('');

// Every invoice at once; a request no tier passes is a result too, with every attempt kept.
const { records, summary } = await runRequests({ cascade, requests, models });
for (const record of records) console.log(pathLine(record));
console.log('');
console.log(summary);

mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(RESULTS_FILE, records.map(toJsonLine).join(''));
console.log(`results: ${shown(RESULTS_FILE)} (one line per invoice: value, every attempt, gate verdicts, cost)`);
writeFileSync(file('./.cascade-out/report.html'), await renderReport({ records, title: 'llm-cascade demo: invoices' }));

await tracing.shutdown();
if (otlpUrl !== undefined) {
  console.log(`traces: sent over OTLP to ${otlpUrl} (service llm-cascade)`);
} else {
  const spans = readFileSync(TRACE_FILE, 'utf8').split('\n').filter(Boolean).length;
  console.log(
    `traces: ${spans} spans in ${shown(TRACE_FILE)} (set OTEL_EXPORTER_OTLP_ENDPOINT to send them to Jaeger)`,
  );
}
