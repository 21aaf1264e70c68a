// The CLI's building blocks used from code: load a config file, run a JSONL batch resumably, trace to a
// file, summarise. Runs with no network and no key (the config replays a demo recording):
//   node --conditions=source packages/cli/examples/basic.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchExitCode, formatSummary, loadCascadeConfig, runBatch, startTracing } from '@llm-cascade/cli';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'llm-cascade-example-'));
const output = join(workDir, 'results.jsonl');
const traceFile = join(workDir, 'trace.jsonl');

const tracing = startTracing({ traceFile });
const cascade = await loadCascadeConfig(here('./cascade.config.ts'));
try {
  const summary = await runBatch({
    cascade,
    input: here('./requests.jsonl'),
    output,
    concurrency: 4,
    progress: { mode: 'off' },
  });
  console.log(formatSummary(summary));
  for (const line of readFileSync(output, 'utf8').trim().split('\n')) {
    const record = JSON.parse(line) as { id: string; ok: boolean; tier?: string; value?: unknown };
    console.log(`${record.id}: ${record.ok ? `${record.tier} -> ${JSON.stringify(record.value)}` : 'failed'}`);
  }
  console.log(`exit code a script would see: ${batchExitCode(summary)}`);
} finally {
  await cascade.close();
  await tracing.shutdown();
}
const spans = readFileSync(traceFile, 'utf8').trim().split('\n').length;
console.log(`${spans} spans written to the trace file`);
rmSync(workDir, { recursive: true, force: true });
