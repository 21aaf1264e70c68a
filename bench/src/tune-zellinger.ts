import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  allQueries,
  commonCostRange,
  createFitSet,
  createScorer,
  errorCostArea,
  fitLadder,
  importZellinger,
  kFolds,
  labelledProvider,
  lambdaGrid,
  loadTuneSpace,
  type OutcomeMatrix,
  probeCandidates,
  seededRandom,
  simulateLadder,
  tune,
  tuneChart,
} from '@llm-cascade/eval';
import { loadRecordings, type RecordedRequest, replayProvider } from '@llm-cascade/provider-replay';
import { BENCH_DIR, type BenchResult, saveResult } from './result-file.ts';
import { exampleConfig, pct, sharedDataDir, skipped, withTempDir } from './shared-data.ts';

const NAME = 'tune-zellinger';
const TITLE = 'Tune: cross-validated ladders on the Zellinger et al. train splits';
const COMMAND = 'scripts/with-node pnpm bench tune-zellinger';
const BENCHMARKS = ['mmlu', 'medmcqa', 'triviaqa', 'truthfulqa', 'gsm8k'] as const;
const AUC_BENCHMARKS = ['mmlu', 'medmcqa', 'triviaqa', 'truthfulqa'] as const;
const LLAMA = ['llama3.2-1b', 'llama3.2-3b', 'llama3.1-8b', 'llama3.1-70b', 'llama3.1-405b'];
const FOLDS = 5;
const SEED = 1;

const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}pt`;

interface FoldFigures {
  correct: number;
  referenceCorrect: number;
  costUsd: number;
  referenceCostUsd: number;
  requests: number;
  ladders: string[];
  predicted: number[];
}

/** 5-fold: tune on 4 folds (itself cross-validating inside them), measure the profile on the fifth. */
async function withinOnePoint(
  records: readonly RecordedRequest[],
  space: string,
): Promise<FoldFigures & { svg: string }> {
  const ids = Int32Array.from(records.keys());
  const figures: FoldFigures = {
    correct: 0,
    referenceCorrect: 0,
    costUsd: 0,
    referenceCostUsd: 0,
    requests: 0,
    ladders: [],
    predicted: [],
  };
  let svg = '';
  for (const [f, held] of kFolds(ids, FOLDS, seededRandom(SEED)).entries()) {
    const test = new Set(held);
    const report = await tune({
      data: records.filter((_, i) => !test.has(i)),
      test: records.filter((_, i) => test.has(i)),
      config: space,
      target: { kind: 'within', points: 0.01 },
      seed: SEED + f,
      verify: f === 0,
    });
    if (report.engineCheck !== undefined && !report.engineCheck.agree) throw new Error('engine and search disagree');
    const t = report.profile.test;
    if (t === undefined) throw new Error('no test figures');
    figures.correct += t.accuracy * t.requests;
    figures.referenceCorrect += t.referenceAccuracy * t.requests;
    figures.costUsd += t.costPerRequestUsd * t.requests;
    figures.referenceCostUsd += (t.costPerRequestUsd * t.requests) / t.relativeCost;
    figures.requests += t.requests;
    figures.ladders.push(
      report.profile.tiers.map((tier) => tier.model.replace(/^llama3\.[12]-|^qwen2\.5-|-instruct$/g, '')).join('>'),
    );
    figures.predicted.push(report.profile.expected.accuracyDelta.estimate);
    if (f === 0) svg = tuneChart(report);
  }
  return { ...figures, svg };
}

interface Curve {
  readonly cost: number;
  readonly accuracy: number;
}

function curveOn(
  matrix: OutcomeMatrix,
  policies: readonly { ladder: readonly number[]; thresholds: readonly number[] }[],
  queries: Int32Array,
): Curve[] {
  return policies.map((policy) => {
    const o = simulateLadder(matrix, policy, queries);
    return { cost: (1e6 * o.costUsd) / queries.length, accuracy: o.correct / queries.length };
  });
}

/** Zellinger & Thomson's grid search: thresholds on a quantile grid of each tier's fit confidences, Pareto set on fit. */
function gridSearch(matrix: OutcomeMatrix, ladder: readonly number[], fitQueries: Int32Array) {
  const step = ladder.length <= 3 ? 0.025 : ladder.length === 4 ? 0.05 : 0.1;
  const grids = ladder.slice(0, -1).map((m) => {
    const values = Array.from(fitQueries, (q) => (matrix.confidence[m] as Float64Array)[q] as number).sort(
      (a, b) => a - b,
    );
    const out: number[] = [];
    for (let p = 0.01; p < 0.99; p += step) {
      const position = (values.length - 1) * p;
      const low = Math.floor(position);
      const high = Math.ceil(position);
      out.push((values[low] as number) + ((values[high] as number) - (values[low] as number)) * (position - low));
    }
    return out;
  });
  const found: { thresholds: number[]; cost: number; accuracy: number }[] = [];
  const walk = (prefix: number[]) => {
    if (prefix.length === grids.length) {
      // Their rule is "accept when confidence > threshold": nudge up to the next float for our >=.
      const thresholds = prefix.map((t) => t + Math.abs(t) * 1e-12 + 1e-300);
      const o = simulateLadder(matrix, { ladder, thresholds }, fitQueries);
      found.push({ thresholds, cost: o.costUsd, accuracy: o.correct });
      return;
    }
    for (const t of grids[prefix.length] as number[]) walk([...prefix, t]);
  };
  walk([]);
  found.sort((a, b) => a.cost - b.cost || b.accuracy - a.accuracy);
  const pareto: number[][] = [];
  let best = -1;
  for (const f of found) {
    if (f.accuracy > best) {
      pareto.push(f.thresholds);
      best = f.accuracy;
    }
  }
  return pareto.map((thresholds) => ({ ladder, thresholds }));
}

/** Per sub-cascade of the Llama chain: mean over folds of the relative AUC difference, tune vs grid search. */
function areaComparison(matrix: OutcomeMatrix) {
  const index = LLAMA.map((m) => matrix.models.indexOf(m));
  const subsets: number[][] = [];
  for (let mask = 1; mask < 1 << index.length; mask += 1) {
    const ladder = index.filter((_, i) => (mask >> i) & 1);
    if (ladder.length >= 2) subsets.push(ladder);
  }
  const lambdas = lambdaGrid(41);
  const all = allQueries(matrix);
  const rows: { ladder: number[]; tune: number; grid: number; folds: number }[] = subsets.map((ladder) => ({
    ladder,
    tune: 0,
    grid: 0,
    folds: 0,
  }));
  for (const held of kFolds(all, FOLDS, seededRandom(SEED))) {
    const heldSet = new Set(held);
    const fitQueries = Int32Array.from(Array.from(all).filter((q) => !heldSet.has(q)));
    const fit = createFitSet(matrix, fitQueries);
    let refMean = 0;
    const top = index[index.length - 1] as number;
    for (const q of fitQueries) refMean += (matrix.finalCostUsd[top] as Float64Array)[q] as number;
    refMean /= fitQueries.length;
    subsets.forEach((ladder, s) => {
      const tuned = lambdas.map((lambda) => fitLadder(fit, ladder, lambda / refMean));
      const tuneCurve = curveOn(matrix, tuned, held);
      const gridCurve = curveOn(matrix, gridSearch(matrix, ladder, fitQueries), held);
      const { from, to } = commonCostRange([tuneCurve, gridCurve]);
      // Curves that share no cost range (one collapsed to a single cost) cannot be compared on that fold.
      if (!(to > from)) return;
      const row = rows[s] as { tune: number; grid: number; folds: number };
      row.tune += errorCostArea(tuneCurve, from, to);
      row.grid += errorCostArea(gridCurve, from, to);
      row.folds += 1;
    });
  }
  return rows
    .filter((row) => row.folds > 0)
    .map((row) => ({ ...row, tune: row.tune / row.folds, grid: row.grid / row.folds }));
}

/** The outcome matrix of a recording under the Zellinger tune space, probed through the engine. */
export async function probeMatrix(records: readonly RecordedRequest[], spacePath: string): Promise<OutcomeMatrix> {
  const space = await loadTuneSpace(spacePath);
  const byId = new Map(records.map((r) => [r.id, r]));
  const replay = replayProvider({ records, ...(space.prices === undefined ? {} : { prices: space.prices }) });
  const probe = await probeCandidates({
    space,
    params: {},
    provider: labelledProvider(replay, byId),
    records,
    requests: records.map((r) => ({ ...r.request, id: r.id })),
    score: createScorer({ mode: 'label' }),
    concurrency: 16,
  });
  return probe.matrix;
}

export async function tuneZellinger(): Promise<BenchResult> {
  const data = sharedDataDir();
  const folder = data === undefined ? undefined : join(data, 'zellinger_llm_cascades');
  if (folder === undefined) return skipped(NAME, TITLE, COMMAND, 'zellinger_llm_cascades');
  const space = exampleConfig('zellinger-space.config.ts');
  return withTempDir(async (dir) => {
    const rows: string[] = [];
    const areaRows: string[] = [];
    const numbers: Record<string, number | string> = {};
    const deltas: number[] = [];
    const costs: number[] = [];
    const areaDiffs: number[] = [];
    for (const benchmark of BENCHMARKS) {
      const recording = join(dir, `${benchmark}.jsonl`);
      await importZellinger({ folder, output: recording, benchmarks: [benchmark] });
      const records = loadRecordings(recording).map((entry) => entry.record);
      console.error(`bench ${NAME}: ${benchmark} (${records.length} queries)`);
      const f = await withinOnePoint(records, space);
      await writeFile(join(BENCH_DIR, 'results', `${NAME}-${benchmark}.svg`), f.svg);
      const delta = (f.correct - f.referenceCorrect) / f.requests;
      const relative = f.costUsd / f.referenceCostUsd;
      const predicted = f.predicted.reduce((a, b) => a + b, 0) / f.predicted.length;
      if (benchmark !== 'gsm8k') {
        deltas.push(delta);
        costs.push(relative);
      }
      rows.push(
        `| ${benchmark} | ${f.requests} | ${pct(f.referenceCorrect / f.requests)} | ${pct(f.correct / f.requests)} | ${points(delta)} | ${pct(relative)} | ${points(predicted)} | ${f.ladders.join(', ')} | [svg](bench/results/${NAME}-${benchmark}.svg) |`,
      );
      numbers[`${benchmark}.accuracyDelta`] = delta;
      numbers[`${benchmark}.relativeCost`] = relative;
      numbers[`${benchmark}.predictedDelta`] = predicted;
      if ((AUC_BENCHMARKS as readonly string[]).includes(benchmark)) {
        const area = areaComparison(await probeMatrix(records, space));
        const diffs = area.map((r) => (r.tune - r.grid) / r.grid);
        const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
        areaDiffs.push(...diffs);
        const skippedFolds = area.reduce((sum, r) => sum + (FOLDS - r.folds), 0) + (26 - area.length) * FOLDS;
        const byLength = [2, 3, 4, 5].map((k) => {
          const d = area.filter((r) => r.ladder.length === k).map((r) => (r.tune - r.grid) / r.grid);
          return `${(100 * d.reduce((a, b) => a + b, 0)) / d.length >= 0 ? '+' : ''}${((100 * d.reduce((a, b) => a + b, 0)) / d.length).toFixed(1)}%`;
        });
        const meanArea = (key: 'tune' | 'grid') => area.reduce((a, r) => a + r[key], 0) / area.length;
        areaRows.push(
          `| ${benchmark} | ${area.length} (${skippedFolds} of 130 fold curves without a common cost range left out) | ${meanArea('tune').toFixed(4)} | ${meanArea('grid').toFixed(4)} | ${mean >= 0 ? '+' : ''}${(100 * mean).toFixed(2)}% | ${byLength.join(' / ')} |`,
        );
        numbers[`${benchmark}.areaVsGrid`] = mean;
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    numbers['mean4.accuracyDelta'] = mean(deltas);
    numbers['mean4.relativeCost'] = mean(costs);
    numbers.llamaAreaVsGrid = mean(areaDiffs);
    const markdown = [
      '`llm-cascade tune` searches the ladder (which of the nine models, cheapest first, 1 to 4 tiers) and each gated',
      "tier's threshold (from the data's own distinct confidences), estimates every candidate by 5-fold cross-validation",
      'inside the fit data, and picks the cheapest whose accuracy, half a standard error down (confidence 0.7), is within',
      '1 point of the best single model on the fit data. Here each train split is cut into 5 folds (seed 1): tune runs on',
      '4 folds and its profile is measured on the fifth, against the model that was best on those 4 folds, measured on',
      'the same fifth; figures pool the 5 held-out folds. Costs bill every call: a gated tier pays for its confidence',
      '(the self-verification call on TriviaQA, TruthfulQA and GSM8K), the last tier only for its answer.',
      '',
      '| benchmark | queries | best single (held-out) | tuned (held-out) | vs best single | cost vs best single | predicted vs best (CV, mean of folds) | ladders chosen (5 folds) | chart (fold 1) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `Mean of MMLU, MedMCQA, TriviaQA and TruthfulQA: ${points(mean(deltas))} at ${pct(mean(costs))} of the best single model's cost.`,
      '',
      'Area under the error-cost curve, computed as Zellinger & Thomson do (`compare_cascade_performance`: test',
      'points joined linearly, accuracy integrated over the common cost range of the two methods, reported as the',
      'mean error over it), for every sub-cascade of the Llama chain (26), 5-fold: thresholds fitted on 4 folds, curves',
      'measured on the fifth, areas averaged over folds. `tune` is the Lagrangian sweep (41 cost weights) with each',
      "tier's threshold at the data's own distinct values; `grid` is their grid-search baseline re-implemented",
      "(thresholds on quantiles 0.01 to 0.99 of each tier's fit confidences in steps of 0.025, 0.05 for 4 models, 0.1",
      'for 5; the Pareto set on the fit folds). Negative is better for tune. Their own curves are on the sealed test',
      'splits and cannot be recomputed here.',
      '',
      '| benchmark | sub-cascades | mean area, tune | mean area, grid | tune vs grid (mean of relative differences) | by length 2 / 3 / 4 / 5 |',
      '| --- | --- | --- | --- | --- | --- |',
      ...areaRows,
      '',
      `Mean over the 4 benchmarks x 26 sub-cascades: ${(100 * mean(areaDiffs)).toFixed(2)}% (tune vs grid).`,
    ].join('\n');
    return saveResult({ name: NAME, title: TITLE, command: COMMAND, markdown, figures: numbers });
  });
}
