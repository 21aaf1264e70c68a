import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrateThreshold, type ThresholdCalibration } from './calibrate-threshold.ts';
import { fitLogistic } from './fit-logistic.ts';

// Real recorded runs (Zellinger & Thomson, "Rational Tuning of LLM Cascades"): 9 models answered every
// query; each answer carries correctness, a logprob confidence and its real $ cost. Read by path, never
// copied into the repository. Only the train splits are here; these figures are in-sample.
const dataDir = process.env.LLM_CASCADE_SHARED_DATA ?? '';
const folder = dataDir === '' ? '' : join(dataDir, 'zellinger_llm_cascades');
if (dataDir === '')
  console.log('gate-logprob real-data test skipped: LLM_CASCADE_SHARED_DATA is empty (no ../shared/data)');

interface ModelAnswer {
  readonly correct: boolean;
  /** Log-space confidence; the data use -1e9 for -Infinity. */
  readonly confidence: number;
  readonly costUsd: number;
}

/** Minimal reader for `<benchmark>_train.jsonl`: per query, the named models' answers. */
function readQueries(benchmark: string, models: readonly string[]): Map<string, ModelAnswer>[] {
  const lines = readFileSync(join(folder, `${benchmark}_train.jsonl`), 'utf8').split('\n');
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const record = JSON.parse(line) as {
        models: Record<string, { correct: boolean; conf_logprob: number; cost_usd: number }>;
      };
      const answers = new Map<string, ModelAnswer>();
      for (const model of models) {
        const entry = record.models[model];
        if (entry === undefined || typeof entry.correct !== 'boolean' || typeof entry.conf_logprob !== 'number') {
          throw new Error(`${benchmark}: record without a usable answer from ${model}`);
        }
        const confidence = entry.conf_logprob <= -1e8 ? Number.NEGATIVE_INFINITY : entry.conf_logprob;
        answers.set(model, { correct: entry.correct, confidence, costUsd: entry.cost_usd });
      }
      return answers;
    });
}

type Query = Map<string, ModelAnswer>;

interface CascadeFigures {
  readonly calibration: ThresholdCalibration;
  readonly cascadeAccuracy: number;
  readonly relativeCost: number;
}

/**
 * Replays small -> big with the small answer accepted when its confidence reaches the threshold. The small
 * call is paid on every query; without a threshold the small tier is left out, so the cost is the big one.
 */
function replay(
  queries: readonly Query[],
  small: string,
  big: string,
  calibration: ThresholdCalibration,
): CascadeFigures {
  let correct = 0;
  let cost = 0;
  let bigCost = 0;
  for (const query of queries) {
    const s = query.get(small) as ModelAnswer;
    const b = query.get(big) as ModelAnswer;
    bigCost += b.costUsd;
    if (calibration.found && s.confidence >= calibration.threshold) {
      cost += s.costUsd;
      if (s.correct) correct += 1;
    } else {
      cost += (calibration.found ? s.costUsd : 0) + b.costUsd;
      if (b.correct) correct += 1;
    }
  }
  return { calibration, cascadeAccuracy: correct / queries.length, relativeCost: cost / bigCost };
}

interface PairFigures {
  readonly benchmark: string;
  readonly pair: string;
  readonly smallAccuracy: number;
  readonly bigAccuracy: number;
  /** Labels "accepting the small answer loses nothing", tolerance LOSS_TOLERANCE. */
  readonly regret: CascadeFigures;
  /** Labels "the small answer is correct", target the big model's accuracy. */
  readonly naive: CascadeFigures;
  readonly brier: number;
  readonly ece: number;
}

/** Largest share of accepted answers where the small model is wrong and the big one right (95% bound). */
const LOSS_TOLERANCE = 0.05;

function evaluatePair(benchmark: string, small: string, big: string): PairFigures {
  const queries = readQueries(benchmark, [small, big]);
  const n = queries.length;
  const answer = (query: Query, model: string) => query.get(model) as ModelAnswer;
  const bigAccuracy = queries.filter((q) => answer(q, big).correct).length / n;
  const smallAccuracy = queries.filter((q) => answer(q, small).correct).length / n;
  // What the cascade needs: an accepted small answer must not be wrong where the big model is right. With
  // that loss rate bounded by LOSS_TOLERANCE, the cascade stays within LOSS_TOLERANCE x acceptance rate of
  // the big model's accuracy.
  const regretSamples = queries.map((q) => ({
    confidence: answer(q, small).confidence,
    correct: !(answer(q, big).correct && !answer(q, small).correct),
  }));
  const regret = calibrateThreshold({ samples: regretSamples, targetErrorRate: LOSS_TOLERANCE, confidenceLevel: 0.95 });
  // The tempting shortcut: accepted small answers as accurate as the big model. It bounds the accepted
  // answers only; the escalated queries are the hard ones for the big model too.
  const samples = queries.map((q) => ({ confidence: answer(q, small).confidence, correct: answer(q, small).correct }));
  const naive = calibrateThreshold({ samples, targetAccuracy: bigAccuracy, confidenceLevel: 0.95 });
  // Calibration quality of a logistic map on the raw signal (-Infinity floored at -50 for the fit).
  const fit = fitLogistic({ samples: samples.map((s) => ({ ...s, confidence: Math.max(s.confidence, -50) })) });
  return {
    benchmark,
    pair: `${small} -> ${big}`,
    smallAccuracy,
    bigAccuracy,
    regret: replay(queries, small, big, regret),
    naive: replay(queries, small, big, naive),
    brier: fit.quality.brierScore,
    ece: fit.quality.expectedCalibrationError,
  };
}

const BENCHMARKS = ['mmlu', 'medmcqa', 'triviaqa', 'truthfulqa', 'gsm8k'] as const;
const PAIRS = [
  ['gpt-4o-mini', 'gpt-4o'],
  ['llama3.1-8b', 'llama3.1-405b'],
] as const;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function columns(figures: CascadeFigures) {
  const c = figures.calibration;
  return {
    threshold: c.found ? c.threshold.toPrecision(3) : 'none',
    'P at threshold': c.found ? Math.exp(c.threshold).toPrecision(4) : '-',
    'accept rate': c.found ? pct(c.acceptanceRate) : '0%',
    'err bound': pct(c.found ? c.errorUpperBound : c.bestErrorUpperBound),
    'cascade acc': pct(figures.cascadeAccuracy),
    'cost vs big': pct(figures.relativeCost),
  };
}

describe.skipIf(dataDir === '')('calibration on real recorded cascades (zellinger_llm_cascades, train splits)', () => {
  it('keeps the cascade within two points of the big model for less than its cost', () => {
    const rows: PairFigures[] = [];
    for (const [small, big] of PAIRS)
      for (const benchmark of BENCHMARKS) rows.push(evaluatePair(benchmark, small, big));
    console.log(
      `gate-logprob real data, in-sample (train). Threshold on the small model's raw conf_logprob; 95% one-sided Clopper-Pearson.\n` +
        `Calibrated so that accepted answers lose at most ${LOSS_TOLERANCE} (small wrong where big right). Cost includes the small call.`,
    );
    console.table(
      rows.map((r) => ({
        benchmark: r.benchmark,
        pair: r.pair,
        'small acc': pct(r.smallAccuracy),
        'big acc (target)': pct(r.bigAccuracy),
        ...columns(r.regret),
        'logistic Brier': r.brier.toFixed(3),
        'logistic ECE': r.ece.toFixed(3),
      })),
    );
    console.log(
      'For contrast, the shortcut: accepted small answers at least as accurate as the big model (not asserted).',
    );
    console.table(
      rows.map((r) => ({
        benchmark: r.benchmark,
        pair: r.pair,
        'big acc': pct(r.bigAccuracy),
        ...columns(r.naive),
        'accepted acc': r.naive.calibration.found ? pct(r.naive.calibration.accuracy) : '-',
      })),
    );
    for (const row of rows) {
      const label = `${row.benchmark} ${row.pair}`;
      expect(row.regret.cascadeAccuracy, label).toBeGreaterThanOrEqual(row.bigAccuracy - 0.02);
      expect(row.regret.relativeCost, label).toBeLessThanOrEqual(1);
      if (row.regret.calibration.found) {
        expect(row.regret.calibration.errorUpperBound, label).toBeLessThanOrEqual(LOSS_TOLERANCE);
        expect(row.regret.relativeCost, label).toBeLessThan(1);
      }
      // The shortcut still keeps its own, narrower promise about the accepted answers.
      if (row.naive.calibration.found) {
        expect(row.naive.calibration.errorUpperBound, label).toBeLessThanOrEqual(1 - row.bigAccuracy + 1e-12);
      }
    }
    // The signal must be worth something: a threshold exists for several benchmark/pair combinations.
    expect(rows.filter((r) => r.regret.calibration.found).length).toBeGreaterThanOrEqual(4);
  });
});
