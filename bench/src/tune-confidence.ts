import { join } from 'node:path';
import {
  allQueries,
  bestModel,
  type CandidateEstimate,
  createFitSet,
  crossValidate,
  enumerateLadders,
  fitLadder,
  importZellinger,
  kFolds,
  lambdaGrid,
  normalQuantile,
  type OutcomeMatrix,
  seededRandom,
  selectCandidate,
  simulateLadder,
} from '@llm-cascade/eval';
import { loadRecordings } from '@llm-cascade/provider-replay';
import { type BenchResult, saveResult } from './result-file.ts';
import { exampleConfig, pct, sharedDataDir, skipped, withTempDir } from './shared-data.ts';
import { probeMatrix } from './tune-zellinger.ts';

const NAME = 'tune-confidence';
const TITLE = "Tune: the selection bound's confidence, measured out of sample";
const COMMAND = 'scripts/with-node pnpm bench tune-confidence';
const BENCHMARKS = ['mmlu', 'medmcqa', 'triviaqa', 'truthfulqa', 'gsm8k'] as const;
const CONFIDENCES = [0.5, 0.6, 0.7, 0.75, 0.84];
const SEEDS = [1, 2, 3];

interface Tally {
  correct: number;
  reference: number;
  cost: number;
  referenceCost: number;
  requests: number;
}

/**
 * Nested 5-fold on one matrix: per outer fold, the candidates are cross-validated inside the 4 fit folds once,
 * and each confidence selects from the same estimates; the selected ladder is refitted on the 4 folds and
 * measured on the fifth against the model best on the 4.
 */
function sweep(matrix: OutcomeMatrix, seed: number): Tally[] {
  const all = allQueries(matrix);
  const costs = matrix.models.map((_, m) => (matrix.finalCostUsd[m] as Float64Array).reduce((a, b) => a + b, 0));
  const ladders = enumerateLadders({ models: matrix.models.length, costs });
  const lambdas = lambdaGrid(41);
  const tallies: Tally[] = CONFIDENCES.map(() => ({
    correct: 0,
    reference: 0,
    cost: 0,
    referenceCost: 0,
    requests: 0,
  }));
  for (const held of kFolds(all, 5, seededRandom(seed))) {
    const heldSet = new Set(held);
    const fitQueries = Int32Array.from(Array.from(all).filter((q) => !heldSet.has(q)));
    const reference = bestModel(matrix, fitQueries);
    const estimates = crossValidate({ matrix, queries: fitQueries, reference, ladders, lambdas, seed: seed * 7 + 1 });
    const fit = createFitSet(matrix, fitQueries);
    let refMean = 0;
    for (const q of fitQueries) refMean += (matrix.finalCostUsd[reference] as Float64Array)[q] as number;
    refMean /= fitQueries.length;
    const ref = simulateLadder(matrix, { ladder: [reference], thresholds: [] }, held);
    CONFIDENCES.forEach((confidence, c) => {
      const selection = selectCandidate(estimates, { kind: 'within', points: 0.01 }, normalQuantile(confidence));
      const chosen: CandidateEstimate['candidate'] = selection.found
        ? selection.estimate.candidate
        : { ladder: [reference], lambda: 0 };
      const outcome = simulateLadder(matrix, fitLadder(fit, chosen.ladder, chosen.lambda / refMean), held);
      const t = tallies[c] as Tally;
      t.correct += outcome.correct;
      t.reference += ref.correct;
      t.cost += outcome.costUsd;
      t.referenceCost += ref.costUsd;
      t.requests += held.length;
    });
  }
  return tallies;
}

export async function tuneConfidence(): Promise<BenchResult> {
  const data = sharedDataDir();
  const folder = data === undefined ? undefined : join(data, 'zellinger_llm_cascades');
  if (folder === undefined) return skipped(NAME, TITLE, COMMAND, 'zellinger_llm_cascades');
  return withTempDir(async (dir) => {
    const deltas: number[][] = CONFIDENCES.map(() => []);
    const costs: number[][] = CONFIDENCES.map(() => []);
    const rows: string[] = [];
    for (const benchmark of BENCHMARKS) {
      const recording = join(dir, `${benchmark}.jsonl`);
      await importZellinger({ folder, output: recording, benchmarks: [benchmark] });
      const matrix = await probeMatrix(
        loadRecordings(recording).map((entry) => entry.record),
        exampleConfig('zellinger-space.config.ts'),
      );
      console.error(`bench ${NAME}: ${benchmark}`);
      const perBenchmark = CONFIDENCES.map(() => ({ delta: 0, cost: 0 }));
      for (const seed of SEEDS) {
        sweep(matrix, seed).forEach((t, c) => {
          const delta = (t.correct - t.reference) / t.requests;
          const cost = t.cost / t.referenceCost;
          (deltas[c] as number[]).push(delta);
          (costs[c] as number[]).push(cost);
          const p = perBenchmark[c] as { delta: number; cost: number };
          p.delta += delta / SEEDS.length;
          p.cost += cost / SEEDS.length;
        });
      }
      rows.push(
        `| ${benchmark} | ${perBenchmark.map((p) => `${p.delta >= 0 ? '+' : ''}${(100 * p.delta).toFixed(2)}pt at ${pct(p.cost)}`).join(' | ')} |`,
      );
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const figures: Record<string, number> = {};
    CONFIDENCES.forEach((confidence, c) => {
      figures[`${confidence}.accuracyDelta`] = mean(deltas[c] as number[]);
      figures[`${confidence}.relativeCost`] = mean(costs[c] as number[]);
    });
    const markdown = [
      'How cautious should the selection be? For each train split, 5-fold nested (seeds 1, 2 and 3): the candidates are',
      'cross-validated inside 4 folds, each confidence picks the cheapest ladder whose bound is within 1pt of the best',
      'single model on those folds, and the pick is measured on the fifth fold against that model. Every call billed.',
      '0.5 selects on the estimate; 0.84 is one standard error. `tune` defaults to 0.7.',
      '',
      `| benchmark | ${CONFIDENCES.join(' | ')} |`,
      `| --- | ${CONFIDENCES.map(() => '---').join(' | ')} |`,
      ...rows,
      `| mean of 5 x 3 seeds | ${CONFIDENCES.map((_, c) => `${mean(deltas[c] as number[]) >= 0 ? '+' : ''}${(100 * mean(deltas[c] as number[])).toFixed(2)}pt at ${pct(mean(costs[c] as number[]))}`).join(' | ')} |`,
    ].join('\n');
    return saveResult({ name: NAME, title: TITLE, command: COMMAND, markdown, figures });
  });
}
