// Runs the benchmarks named on the command line (all by default) and prints their figures. With --write it
// also saves each one's figures to bench/results/<name>.json and renders BENCHMARKS.md from every saved result.
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
import { BENCH_DIR, type BenchResult, loadResults, setWriteResults } from './result-file.ts';
import { routerBench, routerQualityBench } from './router.ts';
import { scale } from './scale.ts';
import { soakBench } from './soak.ts';
import { tuneConfidence } from './tune-confidence.ts';
import { tuneZellinger } from './tune-zellinger.ts';

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
  'gate-code-tests': () => import('./gate-code-tests.ts').then((bench) => bench.gateCodeTestsBench()),
  'repro-mot-date': reproMotDate,
  'repro-zellinger': reproZellinger,
  'repro-structured-rag': reproStructuredRag,
  'tune-zellinger': tuneZellinger,
  'tune-confidence': tuneConfidence,
  router: routerBench,
  'router-quality': routerQualityBench,
  'json-schema-suite': () => import('./json-schema-suite.ts').then((bench) => bench.jsonSchemaSuiteBench()),
  'hostile-inputs': () => import('./hostile-inputs.ts').then((bench) => bench.hostileInputsBench()),
};

const write = process.argv.includes('--write');
setWriteResults(write);
const wanted = process.argv.slice(2).filter((argument) => argument !== '--write');
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

if (!write) {
  console.error('bench: nothing written (pass --write to save bench/results/*.json and render BENCHMARKS.md)');
  process.exit(0);
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
  'one run (ratio to target: below 1 meets it). `scripts/with-node pnpm bench --write` reruns everything and',
  'rewrites this page; `scripts/with-node pnpm bench --write <name>` reruns one section (without `--write`, a run',
  'prints its figures and writes nothing).',
  '',
  'The reproductions need real recorded model outputs that are not in this repository: the folders',
  '`mot_cascade`, `zellinger_llm_cascades` and `structured_rag_json` of `../shared/data` (beside the checkout, or',
  'wherever `LLM_CASCADE_SHARED_DATA` points), extracted to JSONL from the public repositories of the papers: MoT',
  'cascade, MurongYue/LLM_MoT_cascade at commit 8db97e6 (Yue et al., ICLR 2024); Zellinger et al.,',
  'mzelling/rational-llm-cascades at commit 0d9c861 (train splits only); StructuredRAG, weaviate/structured-rag at',
  'commit 0c5174d (Shorten et al. 2024). Those repositories carry no licence, so the data is used for evaluation and',
  "never copied here; each folder's README names its fields and how correctness is judged. Without the data a",
  'reproduction is skipped with a message and its section keeps the figures of the last run that had it.',
  '',
  ...sections,
].join('\n');
await writeFile(join(BENCH_DIR, '..', 'BENCHMARKS.md'), page);
console.error('wrote BENCHMARKS.md');
