import { createFitSet, fitLadder } from './fit-thresholds.ts';
import type { OutcomeMatrix } from './outcome-matrix.ts';
import { kFolds, seededRandom, without } from './seeded-random.ts';
import { createTrace, simulateLadder } from './simulate-ladder.ts';

/** One point of the search: a ladder and the cost weight its thresholds are fitted at. */
export interface Candidate {
  readonly ladder: readonly number[];
  /** Cost weight, in errors per query per one always-reference cost (see `lambdaGrid`). */
  readonly lambda: number;
}

/** A candidate's out-of-sample figures, estimated by cross-validation over the fit data. */
export interface CandidateEstimate {
  readonly candidate: Candidate;
  /** Mean of (candidate correct - reference correct) per query, held-out: negative is a loss. */
  readonly accuracyDelta: number;
  /** Its standard error (paired, over queries). */
  readonly accuracyDeltaSe: number;
  /** Candidate cost over the reference model's cost on the same held-out queries. */
  readonly relativeCost: number;
  /** Its standard error (ratio estimator, delta method). */
  readonly relativeCostSe: number;
  /** Share of fits in which no tier was dropped (1: the ladder held up in every fold). */
  readonly keptWhole: number;
}

export interface CrossValidateOptions {
  readonly matrix: OutcomeMatrix;
  /** The fit queries; held-out folds are cut from them. */
  readonly queries: Int32Array;
  /** The reference model (the best single model on the fit data). */
  readonly reference: number;
  readonly ladders: readonly (readonly number[])[];
  readonly lambdas: readonly number[];
  /** Default 5. */
  readonly folds?: number;
  /** Repeats of the k-fold split with fresh shuffles; default 1. */
  readonly repeats?: number;
  readonly seed?: number;
}

interface Tally {
  delta: number;
  delta2: number;
  cost: number;
  cost2: number;
  costRef: number;
  whole: number;
  fits: number;
}

/**
 * Estimates, by k-fold cross-validation over the fit data, what each candidate's fitting procedure delivers
 * on queries it was not fitted on: for every fold, thresholds are fitted on the other folds (`fitLadder`)
 * and the result replayed on the held-out fold against the reference model on the same queries. The
 * differences are paired, so the standard errors are those of the comparison, not of two accuracies.
 */
export function crossValidate(options: CrossValidateOptions): CandidateEstimate[] {
  const { matrix, queries, reference } = options;
  const k = options.folds ?? 5;
  const repeats = options.repeats ?? 1;
  const random = seededRandom(options.seed ?? 1);
  const refCorrect = matrix.correct[reference] as Uint8Array;
  const refCost = matrix.finalCostUsd[reference] as Float64Array;
  const candidates: Candidate[] = [];
  for (const ladder of options.ladders) {
    for (const lambda of ladder.length === 1 ? [0] : options.lambdas) candidates.push({ ladder, lambda });
  }
  const tallies: Tally[] = candidates.map(() => ({
    delta: 0,
    delta2: 0,
    cost: 0,
    cost2: 0,
    costRef: 0,
    whole: 0,
    fits: 0,
  }));
  let refSum = 0;
  let refSum2 = 0;
  let samples = 0;
  for (let r = 0; r < repeats; r += 1) {
    for (const heldOut of kFolds(queries, k, random)) {
      const train = without(queries, heldOut);
      const fit = createFitSet(matrix, train);
      let refMean = 0;
      for (const q of train) refMean += refCost[q] as number;
      refMean /= train.length;
      const trace = createTrace(heldOut.length);
      for (const q of heldOut) {
        refSum += refCost[q] as number;
        refSum2 += (refCost[q] as number) ** 2;
      }
      samples += heldOut.length;
      candidates.forEach((candidate, c) => {
        const fitted = fitLadder(fit, candidate.ladder, candidate.lambda / refMean);
        simulateLadder(matrix, fitted, heldOut, { trace });
        const tally = tallies[c] as Tally;
        tally.fits += 1;
        if (fitted.ladder.length === candidate.ladder.length) tally.whole += 1;
        for (let i = 0; i < heldOut.length; i += 1) {
          const q = heldOut[i] as number;
          const d = (trace.correct[i] as number) - (refCorrect[q] as number);
          const cost = trace.costUsd[i] as number;
          tally.delta += d;
          tally.delta2 += d * d;
          tally.cost += cost;
          tally.cost2 += cost * cost;
          tally.costRef += cost * (refCost[q] as number);
        }
      });
    }
  }
  // Repeats reuse the same queries: standard errors count each query once.
  const n = queries.length;
  return candidates.map((candidate, c) => {
    const t = tallies[c] as Tally;
    const mean = t.delta / samples;
    const variance = Math.max(0, t.delta2 / samples - mean * mean);
    const ratio = refSum > 0 ? t.cost / refSum : Number.NaN;
    // Sum over queries of (cost - ratio x refCost)^2, expanded.
    const spread = Math.max(0, t.cost2 - 2 * ratio * t.costRef + ratio * ratio * refSum2) / samples;
    const refMean = refSum / samples;
    return {
      candidate,
      accuracyDelta: mean,
      accuracyDeltaSe: Math.sqrt(variance / Math.max(1, n - 1)),
      relativeCost: ratio,
      relativeCostSe: refMean > 0 ? Math.sqrt(spread / Math.max(1, n - 1)) / refMean : Number.NaN,
      keptWhole: t.fits === 0 ? 0 : t.whole / t.fits,
    };
  });
}
