// Runs the benchmarks named on the command line (all by default), saves each one's figures to
// bench/results/<name>.json, and renders BENCHMARKS.md from every saved result.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { engineOverhead } from './engine-overhead.ts';
import { gateCodePythonBench } from './gate-code-python.ts';
import { gateCodeTypescriptBench } from './gate-code-typescript.ts';
import { gateJsonSchemaBench } from './gate-json-schema.ts';
import { gateLogprobBench } from './gate-logprob.ts';
import { gateVoteBench } from './gate-vote.ts';
import { reproMotDate } from './repro-mot-date.ts';
import { reproStructuredRag } from './repro-structured-rag.ts';
import { reproZellinger } from './repro-zellinger.ts';
import { BENCH_DIR, type BenchResult, loadResults } from './result-file.ts';
import { scale } from './scale.ts';
import { soakBench } from './soak.ts';

const benches: Record<string, () => Promise<BenchResult>> = {
  'engine-overhead': engineOverhead,
  scale,
  soak: soakBench,
  'store-redis': async () => (await import('./store-redis.ts')).storeRedisBench(),
  'gate-json-schema': gateJsonSchemaBench,
  'gate-logprob': gateLogprobBench,
  'gate-vote': gateVoteBench,
  'gate-code-typescript': gateCodeTypescriptBench,
  'gate-code-python': gateCodePythonBench,
  'repro-mot-date': reproMotDate,
  'repro-zellinger': reproZellinger,
  'repro-structured-rag': reproStructuredRag,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(benches)) {
  const started = performance.now();
  console.error(`bench ${name}...`);
  const result = await (benches[name] as () => Promise<BenchResult>)();
  console.error(`bench ${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`\n## ${result.title}\n\n${result.markdown}\n`);
}

const results = await loadResults();
const sections = results.map(
  (r) =>
    `## ${r.title}\n\n${r.markdown}\n\nMeasured ${r.machine.date.slice(0, 10)} on ${r.machine.cpu} (${r.machine.cores} cores, ${r.machine.memoryGiB} GiB), Node ${r.machine.node}. Command: \`${r.command}\`.\n`,
);
const page = [
  '# Benchmarks',
  '',
  'Every figure below is measured by the command shown with it and written here by `bench/src/main.ts`;',
  'none is typed by hand. The machines are shared and noisy, so targets are reported as ratios measured in',
  'one run (ratio to target: below 1 meets it). `scripts/with-node pnpm bench` reruns everything;',
  '`scripts/with-node pnpm bench <name>` reruns one section.',
  '',
  ...sections,
].join('\n');
await writeFile(join(BENCH_DIR, '..', 'BENCHMARKS.md'), page);
console.error('wrote BENCHMARKS.md');
