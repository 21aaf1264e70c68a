/**
 * What every candidate model did on every query of a recording, as the tuner sees it: whether its answer
 * was correct, the confidence its gate scored, and what it cost as a gated tier and as the last (ungated)
 * tier. Built by `probeCandidates` through the engine; the search then replays ladders on it in memory.
 */
export interface OutcomeMatrix {
  /** Candidate model names, in the space's order. */
  readonly models: readonly string[];
  /** Record ids, one per scored query. */
  readonly ids: readonly string[];
  /** `[model][query]`: 1 when that model's answer is correct. */
  readonly correct: readonly Uint8Array[];
  /**
   * `[model][query]`: the confidence gate's score. A tier with threshold `t` accepts exactly when the score is
   * at least `t`; `-Infinity` when the tier can never accept that answer (another gate failed, no score).
   */
  readonly confidence: readonly Float64Array[];
  /** `[model][query]`: USD of the model as a gated tier, every call its confidence needs included. */
  readonly gatedCostUsd: readonly Float64Array[];
  /** `[model][query]`: USD of the model as the last tier, whose answer is taken without a confidence. */
  readonly finalCostUsd: readonly Float64Array[];
}

/** A ladder of candidate models (indexes into `OutcomeMatrix.models`) and each gated tier's threshold. */
export interface LadderPolicy {
  /** Model indexes, first tier first; 1 to 4 in practice. */
  readonly ladder: readonly number[];
  /** One per tier but the last: accept the tier's answer when its confidence is at least this. */
  readonly thresholds: readonly number[];
}

/** Totals of a policy over a set of queries. */
export interface PolicyOutcome {
  readonly queries: number;
  readonly correct: number;
  readonly costUsd: number;
}

/** Index of the most accurate model over the given queries (ties: the cheaper as the last tier, then the first). */
export function bestModel(matrix: OutcomeMatrix, queries: ArrayLike<number>): number {
  let best = 0;
  let bestCorrect = -1;
  let bestCost = Number.POSITIVE_INFINITY;
  matrix.models.forEach((_, m) => {
    const correct = matrix.correct[m] as Uint8Array;
    const cost = matrix.finalCostUsd[m] as Float64Array;
    let right = 0;
    let spent = 0;
    for (let i = 0; i < queries.length; i += 1) {
      const q = queries[i] as number;
      right += correct[q] as number;
      spent += cost[q] as number;
    }
    if (right > bestCorrect || (right === bestCorrect && spent < bestCost)) {
      best = m;
      bestCorrect = right;
      bestCost = spent;
    }
  });
  return best;
}

/** Every query index of a matrix: `[0, 1, ..., n - 1]`. */
export function allQueries(matrix: OutcomeMatrix): Int32Array {
  return Int32Array.from({ length: matrix.ids.length }, (_, i) => i);
}
