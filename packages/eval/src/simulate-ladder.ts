import type { LadderPolicy, OutcomeMatrix, PolicyOutcome } from './outcome-matrix.ts';

/**
 * Per query: where it starts on the ladder (0 = the first tier). The hook for a pre-generation router: a
 * router threshold becomes, per query, the position it skips to. Absent: every query starts at the bottom.
 */
export type StartPositions = (query: number) => number;

/** Per-query results of a policy, written into caller-owned arrays (indexed by position in `queries`). */
export interface PolicyTrace {
  readonly correct: Uint8Array;
  readonly costUsd: Float64Array;
  /** Ladder position that answered. */
  readonly answeredBy: Int32Array;
}

/**
 * Replays a ladder on recorded outcomes: each query climbs from its start position; a gated tier's answer is
 * taken when its confidence reaches the tier's threshold, else the query escalates; the last tier always
 * answers. Every tier reached is paid (gated tiers at their gated cost, the last at its final cost).
 */
export function simulateLadder(
  matrix: OutcomeMatrix,
  policy: LadderPolicy,
  queries: ArrayLike<number>,
  options: { readonly trace?: PolicyTrace; readonly start?: StartPositions } = {},
): PolicyOutcome {
  const { ladder, thresholds } = policy;
  const last = ladder.length - 1;
  let correct = 0;
  let cost = 0;
  for (let i = 0; i < queries.length; i += 1) {
    const q = queries[i] as number;
    let spent = 0;
    let position = options.start === undefined ? 0 : Math.min(last, options.start(q));
    for (; position < last; position += 1) {
      const m = ladder[position] as number;
      spent += (matrix.gatedCostUsd[m] as Float64Array)[q] as number;
      if (((matrix.confidence[m] as Float64Array)[q] as number) >= (thresholds[position] as number)) break;
    }
    const m = ladder[position] as number;
    if (position === last) spent += (matrix.finalCostUsd[m] as Float64Array)[q] as number;
    const right = (matrix.correct[m] as Uint8Array)[q] as number;
    correct += right;
    cost += spent;
    if (options.trace !== undefined) {
      options.trace.correct[i] = right;
      options.trace.costUsd[i] = spent;
      options.trace.answeredBy[i] = position;
    }
  }
  return { queries: queries.length, correct, costUsd: cost };
}

/** Arrays for `simulateLadder`'s trace over `size` queries. */
export function createTrace(size: number): PolicyTrace {
  return { correct: new Uint8Array(size), costUsd: new Float64Array(size), answeredBy: new Int32Array(size) };
}
