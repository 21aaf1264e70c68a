import type { OutcomeMatrix } from './outcome-matrix.ts';
import type { StartPositions } from './simulate-ladder.ts';

/**
 * The fit queries' outcomes copied into arrays indexed by position (0 to n - 1), and per model the positions
 * sorted by that model's confidence, highest first. Built once per fold and shared by every ladder fitted
 * on it.
 */
export interface FitSet {
  /** Query indexes of the fit set (into the matrix). */
  readonly queries: Int32Array;
  readonly confidence: readonly Float64Array[];
  readonly correct: readonly Uint8Array[];
  readonly gatedCostUsd: readonly Float64Array[];
  readonly finalCostUsd: readonly Float64Array[];
  /** `[model]`: positions by confidence descending (ties in query order). */
  readonly byConfidence: readonly Int32Array[];
  /** Per position: the ladder position the query starts at (a router dimension); all 0 without one. */
  readonly start: Int32Array;
}

/** Copies the fit queries' outcomes and sorts them once per model. */
export function createFitSet(matrix: OutcomeMatrix, queries: Int32Array, start?: StartPositions): FitSet {
  const pick = <T extends Float64Array | Uint8Array>(rows: readonly T[], make: (n: number) => T): T[] =>
    rows.map((row) => {
      const out = make(queries.length);
      for (let p = 0; p < queries.length; p += 1) out[p] = row[queries[p] as number] as number;
      return out;
    });
  const confidence = pick(matrix.confidence, (n) => new Float64Array(n));
  const byConfidence = confidence.map((values) => {
    const order = Int32Array.from({ length: queries.length }, (_, i) => i);
    order.sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
    return order;
  });
  return {
    queries,
    confidence,
    correct: pick(matrix.correct, (n) => new Uint8Array(n)),
    gatedCostUsd: pick(matrix.gatedCostUsd, (n) => new Float64Array(n)),
    finalCostUsd: pick(matrix.finalCostUsd, (n) => new Float64Array(n)),
    byConfidence,
    start: Int32Array.from(queries, (q) => (start === undefined ? 0 : start(q))),
  };
}

/** The threshold between two neighbouring distinct confidences: accepts `above`, not `below`. */
function between(above: number, below: number): number {
  if (below === Number.NEGATIVE_INFINITY) return above;
  const middle = above / 2 + below / 2;
  return middle > below && middle <= above ? middle : above;
}

const MAX_SWEEPS = 6;

/**
 * Thresholds of a ladder minimising, over the fit set, errors + `lambdaPerUsd` x USD (a Lagrangian point of
 * the error/cost trade-off). Coordinate descent: each tier's threshold is set exactly optimal given the
 * others by one scan of its sorted confidences (every distinct value is a candidate; the threshold sits
 * midway to the next lower value), starting from "accept nothing" and sweeping backward (so the first pass
 * is backward induction) then forward, until nothing moves. Never worse than its start; a local optimum in
 * general. On a tie the higher threshold wins (accept less).
 *
 * A threshold of `+Infinity` means that tier is best accepting nothing: `fitLadder` drops such tiers.
 */
export function fitThresholds(fit: FitSet, ladder: readonly number[], lambdaPerUsd: number): number[] {
  const n = fit.queries.length;
  const gated = ladder.length - 1;
  if (gated === 0) return [];
  const thresholds = new Array<number>(gated).fill(Number.POSITIVE_INFINITY);
  const confidence = ladder.map((m) => fit.confidence[m] as Float64Array);
  const correct = ladder.map((m) => fit.correct[m] as Uint8Array);
  const gatedCost = ladder.map((m) => fit.gatedCostUsd[m] as Float64Array);
  const finalCost = fit.finalCostUsd[ladder[gated] as number] as Float64Array;
  const start = fit.start;
  const reach = new Uint8Array(n);
  const escalate = new Float64Array(n);

  const setReach = (tier: number) => {
    for (let p = 0; p < n; p += 1) {
      let k = start[p] as number;
      let reached = k <= tier;
      for (; reached && k < tier; k += 1) {
        if (((confidence[k] as Float64Array)[p] as number) >= (thresholds[k] as number)) reached = false;
      }
      reach[p] = reached ? 1 : 0;
    }
  };
  // Errors plus weighted cost of what happens to a query once it leaves `tier` upwards.
  const setEscalation = (tier: number) => {
    for (let p = 0; p < n; p += 1) {
      let value = 0;
      let position = tier + 1;
      for (; position < gated; position += 1) {
        value += lambdaPerUsd * ((gatedCost[position] as Float64Array)[p] as number);
        if (((confidence[position] as Float64Array)[p] as number) >= (thresholds[position] as number)) break;
      }
      if (position === gated) value += lambdaPerUsd * (finalCost[p] as number);
      escalate[p] = value + 1 - ((correct[position] as Uint8Array)[p] as number);
    }
  };
  const scan = (tier: number): number => {
    const values = confidence[tier] as Float64Array;
    const right = correct[tier] as Uint8Array;
    const order = fit.byConfidence[ladder[tier] as number] as Int32Array;
    let sum = 0;
    let best = 0;
    let bestValue = Number.POSITIVE_INFINITY;
    let k = 0;
    while (k < n) {
      const value = values[order[k] as number] as number;
      if (value === Number.NEGATIVE_INFINITY) break;
      let any = false;
      // One group of equal confidences is accepted or escalated together.
      for (; k < n && values[order[k] as number] === value; k += 1) {
        const p = order[k] as number;
        if (reach[p] === 0) continue;
        any = true;
        sum += 1 - (right[p] as number) - (escalate[p] as number);
      }
      if (any && sum < best - 1e-12) {
        best = sum;
        bestValue = value;
      }
    }
    if (bestValue === Number.POSITIVE_INFINITY) return bestValue;
    // The next lower confidence among the queries that reach this tier: the threshold sits between the two.
    let below = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j += 1) {
      const p = order[j] as number;
      const value = values[p] as number;
      if (reach[p] === 1 && value < bestValue) {
        below = value;
        break;
      }
    }
    return between(bestValue, below);
  };

  let backward = true;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep += 1) {
    let moved = false;
    for (let step = 0; step < gated; step += 1) {
      const tier = backward ? gated - 1 - step : step;
      setReach(tier);
      setEscalation(tier);
      const threshold = scan(tier);
      if (threshold !== thresholds[tier]) {
        thresholds[tier] = threshold;
        moved = true;
      }
    }
    backward = !backward;
    if (!moved && sweep > 0) break;
  }
  return thresholds;
}

/** A ladder as fitted: the tiers kept and their thresholds. */
export interface FittedLadder {
  readonly ladder: readonly number[];
  readonly thresholds: readonly number[];
}

/**
 * Fits a ladder's thresholds (see `fitThresholds`), then drops every gated tier that is best accepting
 * nothing and refits the shorter ladder, until each tier kept accepts something. A tier that cannot help is
 * not called: calling it anyway pays for an answer that is always thrown away.
 */
export function fitLadder(fit: FitSet, ladder: readonly number[], lambdaPerUsd: number): FittedLadder {
  let current = [...ladder];
  for (;;) {
    const thresholds = fitThresholds(fit, current, lambdaPerUsd);
    const kept = current.filter((_, i) => i === current.length - 1 || thresholds[i] !== Number.POSITIVE_INFINITY);
    if (kept.length === current.length) return { ladder: current, thresholds };
    current = kept;
  }
}
