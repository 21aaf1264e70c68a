import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type EvalReport, importMot, renderFrontierChart, runEval } from '@llm-cascade/eval';
import { BENCH_DIR, type BenchResult, saveResult, writingResults } from './result-file.ts';
import { exampleConfig, pct, sharedDataDir, skipped, usd, withTempDir } from './shared-data.ts';

const NAME = 'repro-mot-date';
const TITLE = 'Reproduction: MoT cascade on DATE (gpt-3.5-turbo -> gpt-4, vote rule)';
const COMMAND = 'scripts/with-node pnpm bench repro-mot-date';
const THRESHOLDS = [0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9, 1];

interface ReferencePoint {
  readonly threshold: number;
  readonly acc: number;
  readonly cost_total_usd: number;
  readonly escalation_rate: number;
  readonly cost_rel_gpt4_cot_sc3: number;
}
interface Reference {
  readonly gpt4_cot_sc3: { readonly acc: number; readonly cost_total_usd: number };
  readonly mot_1d_vote: readonly ReferencePoint[];
  readonly cot_2d_vote: readonly ReferencePoint[];
}

interface Averaged {
  readonly threshold: number;
  readonly accuracy: number;
  readonly costUsd: number;
  readonly escalation: number;
}

/** The paper's figures average over the pairings of runs: one mean per threshold. */
function averageOverPairings(report: EvalReport): Averaged[] {
  return THRESHOLDS.map((threshold) => {
    const points = report.points.filter((p) => p.setting['vote.threshold'] === threshold);
    const mean = (f: (p: (typeof points)[number]) => number) => points.reduce((s, p) => s + f(p), 0) / points.length;
    return {
      threshold,
      accuracy: mean((p) => p.measures.accuracy),
      costUsd: mean((p) => p.measures.costUsd),
      escalation: mean((p) => p.measures.tiers[0]?.escalationRate ?? Number.NaN),
    };
  });
}

export async function reproMotDate(): Promise<BenchResult> {
  const data = sharedDataDir();
  const folder = data === undefined ? undefined : join(data, 'mot_cascade');
  if (folder === undefined) return skipped(NAME, TITLE, COMMAND, 'mot_cascade');
  const reference = JSON.parse(await readFile(join(folder, 'date_reference_replay.json'), 'utf8')) as Reference;
  return withTempDir(async (dir) => {
    const recording = join(dir, 'date.jsonl');
    await importMot({ folder, output: recording, samples: 7 });
    const sweep = [`vote.threshold=${THRESHOLDS.join(',')}`];
    const mot = await runEval({
      data: recording,
      config: exampleConfig('mot-date.config.ts'),
      sweep: [...sweep, 'pairing=0:7:1'],
    });
    const cot = await runEval({
      data: recording,
      config: exampleConfig('cot-2d-date.config.ts'),
      sweep: [...sweep, 'pairing=0:3:1'],
      baselines: false,
    });
    const strongest = mot.baselines.find((b) => b.role === 'strongest')?.measures;
    const cheapest = mot.baselines.find((b) => b.role === 'cheapest')?.measures;
    if (strongest === undefined || cheapest === undefined) throw new Error('baselines missing');
    const refGpt4 = reference.gpt4_cot_sc3;
    const rows = (label: string, ours: Averaged[], ref: readonly ReferencePoint[]) =>
      ours.map((o) => {
        const r = ref.find((p) => p.threshold === o.threshold);
        return `| ${label} | ${o.threshold} | ${pct(o.accuracy)} | ${r === undefined ? '-' : pct(r.acc)} | ${usd(o.costUsd, 2)} | ${r === undefined ? '-' : usd(r.cost_total_usd, 2)} | ${pct(o.costUsd / refGpt4.cost_total_usd)} | ${r === undefined ? '-' : pct(r.cost_rel_gpt4_cot_sc3)} | ${pct(o.costUsd / strongest.costUsd)} | ${pct(o.escalation)} | ${r === undefined ? '-' : pct(r.escalation_rate)} |`;
      });
    const motAvg = averageOverPairings(mot);
    const cotAvg = averageOverPairings(cot);
    const headline = motAvg.find((a) => a.threshold === 0.65) as Averaged;
    const headlineRef = reference.mot_1d_vote.find((p) => p.threshold === 0.65) as ReferencePoint;
    const worstAccGap = Math.max(
      ...motAvg.map((o) =>
        Math.abs(o.accuracy - (reference.mot_1d_vote.find((p) => p.threshold === o.threshold)?.acc ?? Number.NaN)),
      ),
      ...cotAvg.map((o) =>
        Math.abs(o.accuracy - (reference.cot_2d_vote.find((p) => p.threshold === o.threshold)?.acc ?? Number.NaN)),
      ),
    );
    const worstCostGap = Math.max(
      ...motAvg.map((o) =>
        Math.abs(
          o.costUsd / refGpt4.cost_total_usd -
            (reference.mot_1d_vote.find((p) => p.threshold === o.threshold)?.cost_rel_gpt4_cot_sc3 ?? Number.NaN),
        ),
      ),
      ...cotAvg.map((o) =>
        Math.abs(
          o.costUsd / refGpt4.cost_total_usd -
            (reference.cot_2d_vote.find((p) => p.threshold === o.threshold)?.cost_rel_gpt4_cot_sc3 ?? Number.NaN),
        ),
      ),
    );
    const svg = renderFrontierChart({
      title: 'MoT cascade on DATE: cost vs accuracy (mean of the pairings)',
      subtitle: 'point labels: vote threshold',
      legend: { pareto: 'MoT-1D-Vote (CoT + PoT)', other: 'CoT-2D-Vote (two CoT prompts)' },
      xLabel: 'cost, % of gpt-4 CoT-SC(3) alone (this replay)',
      yLabel: 'accuracy (%)',
      points: [
        ...motAvg.map((a) => ({
          x: (100 * a.costUsd) / strongest.costUsd,
          y: 100 * a.accuracy,
          label: String(a.threshold),
          pareto: true,
        })),
        ...cotAvg.map((a) => ({
          x: (100 * a.costUsd) / strongest.costUsd,
          y: 100 * a.accuracy,
          label: String(a.threshold),
        })),
      ],
      baselines: [
        { x: 100, y: 100 * strongest.accuracy, label: 'gpt-4 alone' },
        {
          x: (100 * cheapest.costUsd) / strongest.costUsd,
          y: 100 * cheapest.accuracy,
          label: 'gpt-3.5 MoT-SC(14) alone',
        },
      ],
    });
    if (writingResults()) await writeFile(join(BENCH_DIR, 'results', `${NAME}.svg`), svg);
    const header =
      '| method | threshold | accuracy | ref. accuracy | cost | ref. cost | cost vs ref. gpt-4 | ref. | cost vs gpt-4 here | escalated | ref. escalated |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |';
    const markdown = [
      "The MoT-cascade paper's DATE experiment (Yue et al., ICLR 2024) replayed through `llm-cascade eval`: the",
      'recording imported from `../shared/data/mot_cascade` (369 questions, 7 samples per config), the weak tier pooling',
      '7 CoT and 7 PoT samples of gpt-3.5-turbo with `mixedRepresentationProvider` and voting with `selfConsistencyGate`',
      '(ties to the first answer seen, failed parses counting against agreement), the strong tier gpt-4 with the majority of',
      'its 3 CoT samples; costs counted by the engine from the recorded tokens at 2023 prices. Figures are means over the',
      'pairings of runs (8 for MoT, 4 for CoT-2D), as the paper and `date_reference_replay.json` average them.',
      '',
      'Commands (the bench runs the same library calls):',
      '',
      '```sh',
      'node --conditions=source packages/eval/src/main.ts import mot ../shared/data/mot_cascade --samples 7 --output /tmp/date.jsonl',
      `node --conditions=source packages/eval/src/main.ts eval --data /tmp/date.jsonl --config packages/eval/examples/mot-date.config.ts --sweep vote.threshold=${THRESHOLDS.join(',')} --sweep pairing=0:7:1`,
      `node --conditions=source packages/eval/src/main.ts eval --data /tmp/date.jsonl --config packages/eval/examples/cot-2d-date.config.ts --sweep vote.threshold=${THRESHOLDS.join(',')} --sweep pairing=0:3:1`,
      '```',
      '',
      `Baselines on the same data: gpt-4 CoT-SC(3) alone ${pct(strongest.accuracy)} accuracy (reference ${pct(refGpt4.acc)}), ${usd(strongest.costUsd, 2)}`,
      `(reference ${usd(refGpt4.cost_total_usd, 2)}: the repo prices those samples with the mean of the CoT1 and CoT2 prompts, 617 tokens,`,
      `where this replay bills the CoT1 prompt, 639); gpt-3.5-turbo alone (the majority of its 14 samples) ${pct(cheapest.accuracy)}, ${usd(cheapest.costUsd, 2)}.`,
      '"cost vs ref. gpt-4" divides by the reference\'s $10.84 to compare with its `cost_rel_gpt4_cot_sc3`; "cost vs gpt-4 here" by this replay\'s own baseline.',
      '',
      header,
      ...rows('MoT-1D-Vote', motAvg, reference.mot_1d_vote),
      ...rows('CoT-2D-Vote', cotAvg, reference.cot_2d_vote),
      '',
      `Headline: MoT-1D-Vote at 0.65 reaches ${pct(headline.accuracy)} accuracy (gpt-4 alone: ${pct(strongest.accuracy)}) for ${pct(headline.costUsd / refGpt4.cost_total_usd)} of the reference gpt-4 cost`,
      `(reference replay: ${pct(headlineRef.acc)} at ${pct(headlineRef.cost_rel_gpt4_cot_sc3)}; the paper's abstract: accuracy comparable to the strong model at about 40% of its cost, averaged over six tasks).`,
      `Largest gap to the reference over all ${THRESHOLDS.length * 2} rows: ${(100 * worstAccGap).toFixed(2)} points of accuracy, ${(100 * worstCostGap).toFixed(2)} points of relative cost.`,
      `Chart: [bench/results/${NAME}.svg](bench/results/${NAME}.svg).`,
    ].join('\n');
    return saveResult({
      name: NAME,
      title: TITLE,
      command: COMMAND,
      markdown,
      figures: {
        gpt4Accuracy: strongest.accuracy,
        gpt4CostUsd: strongest.costUsd,
        mot065Accuracy: headline.accuracy,
        mot065CostUsd: headline.costUsd,
        mot065RelativeToReferenceGpt4: headline.costUsd / refGpt4.cost_total_usd,
        referenceMot065Accuracy: headlineRef.acc,
        referenceMot065Relative: headlineRef.cost_rel_gpt4_cot_sc3,
        worstAccuracyGap: worstAccGap,
        worstRelativeCostGap: worstCostGap,
      },
    });
  });
}
