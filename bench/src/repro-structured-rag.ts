import { join } from 'node:path';
import { type EvalReport, importStructuredRag, runEval, type StructuredRagMethod } from '@llm-cascade/eval';
import { type BenchResult, saveResult } from './result-file.ts';
import { exampleConfig, pct, sharedDataDir, skipped, usd, withTempDir } from './shared-data.ts';

const NAME = 'repro-structured-rag';
const TITLE = 'Reproduction: JSON-schema cascade on StructuredRAG';
const COMMAND = 'scripts/with-node pnpm bench repro-structured-rag';
const METHODS: readonly StructuredRagMethod[] = ['fstring', 'dspy'];

export async function reproStructuredRag(): Promise<BenchResult> {
  const data = sharedDataDir();
  const folder = data === undefined ? undefined : join(data, 'structured_rag_json');
  if (folder === undefined) return skipped(NAME, TITLE, COMMAND, 'structured_rag_json');
  return withTempDir(async (dir) => {
    const reports: { method: StructuredRagMethod; report: EvalReport }[] = [];
    for (const method of METHODS) {
      const recording = join(dir, `srag-${method}.jsonl`);
      await importStructuredRag({ folder, output: recording, method });
      reports.push({
        method,
        report: await runEval({ data: recording, config: exampleConfig('structured-rag.config.ts') }),
      });
    }
    const rows: string[] = [];
    const tierRows: string[] = [];
    const figures: Record<string, number> = {};
    for (const { method, report } of reports) {
      const strongest = report.baselines.find((b) => b.role === 'strongest');
      const cheapest = report.baselines.find((b) => b.role === 'cheapest');
      const cascade = report.points[0]?.measures;
      if (strongest === undefined || cheapest === undefined || cascade === undefined)
        throw new Error('incomplete report');
      const row = (label: string, m: typeof cascade) =>
        `| ${method} | ${label} | ${pct(m.accepted / m.requests)} | ${pct(m.accuracy)} | ${usd(m.costUsd, 4)} | ${pct(m.costUsd / strongest.measures.costUsd)} |`;
      rows.push(
        row(`${cheapest.tier} alone`, cheapest.measures),
        row('cascade, 4 tiers', cascade),
        row(`${strongest.tier} alone`, strongest.measures),
      );
      for (const tier of cascade.tiers) {
        tierRows.push(
          `| ${method} | ${tier.tier} | ${tier.reached} | ${tier.answered} | ${pct(tier.escalationRate)} | ${usd(tier.costUsd, 4)} |`,
        );
      }
      figures[`${method}.cascadeSchemaValid`] = cascade.accepted / cascade.requests;
      figures[`${method}.cascadePaperValid`] = cascade.accuracy;
      figures[`${method}.cascadeRelativeCost`] = cascade.costUsd / strongest.measures.costUsd;
      figures[`${method}.strongestSchemaValid`] = strongest.measures.accepted / strongest.measures.requests;
      figures[`${method}.strongestPaperValid`] = strongest.measures.accuracy;
      figures[`${method}.cheapestPaperValid`] = cheapest.measures.accuracy;
    }
    const markdown = [
      'StructuredRAG (Shorten et al. 2024): 784 RAG queries over 7 JSON output formats, answered by Llama-3-8B-instruct,',
      "Gemini-1.5-Pro, GPT-4o and Claude-3.5-Sonnet under two prompting methods, each response with the paper's validity",
      "verdict. Imported per method, then replayed through a cascade from Llama-3-8B upward in that order, each tier's",
      "answer checked by `jsonSchemaGate` against the request's own task schema; a failure escalates (no repairs: the",
      'repair conversations were not recorded).',
      '',
      'Two shares of valid outputs: "schema-valid" is what the gate accepted, i.e. what the cascade returns (the parsed',
      'value, JSON extracted from fences and prose); "paper-valid" is the recorded verdict on the raw text of the answer',
      "returned, the paper's stricter validator (`json.loads` on the whole response, RAGAS scores must be floats). The",
      "cheapest and strongest rows reproduce the paper's per-model means (README: Llama-3-8B f-string 0.5216, Claude",
      'f-string 0.8737 over the 7 tasks).',
      '',
      'Cost is an estimate: the data has no token counts, so the importer counts UTF-8 bytes / 4 of prompt and response,',
      'priced at list prices (USD per million tokens in/out: Llama-3-8B 0.20/0.20 as hosted, Gemini-1.5-Pro 1.25/5,',
      'GPT-4o 2.50/10, Claude-3.5-Sonnet 3/15). The real prompts were longer (format instructions), so absolute dollars',
      'are low; the ratios to the strongest model are the figure to read.',
      '',
      'Commands (the bench runs the same library calls; `--method dspy` for the other half):',
      '',
      '```sh',
      'node --conditions=source packages/eval/src/main.ts import structured-rag ../shared/data/structured_rag_json --method fstring --output /tmp/srag.jsonl',
      'node --conditions=source packages/eval/src/main.ts eval --data /tmp/srag.jsonl --config packages/eval/examples/structured-rag.config.ts',
      '```',
      '',
      '| method | configuration | schema-valid (gate) | paper-valid (label) | cost | cost vs strongest alone |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      'Where the cascade answered:',
      '',
      '| method | tier | reached | answered | escalation rate | cost |',
      '| --- | --- | --- | --- | --- | --- |',
      ...tierRows,
    ].join('\n');
    return saveResult({ name: NAME, title: TITLE, command: COMMAND, markdown, figures });
  });
}
