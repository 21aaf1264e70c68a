import { choose } from './route-policy.ts';

/** One setting of the router-only policy on held-out requests. */
export interface FrontierPoint {
  /** The shared threshold (above 1: every request to the last tier). */
  readonly threshold: number;
  readonly accuracy: number;
  /** Mean USD per request. */
  readonly costUsd: number;
  /** Share of requests started at each tier, ladder order. */
  readonly shares: readonly number[];
}

/** A single tier serving every request. */
export interface SinglePoint {
  readonly tier: string;
  readonly accuracy: number;
  readonly costUsd: number;
}

/** Held-out rows with everything the frontier needs: probabilities, correctness and cost of each tier. */
export interface RoutedRows {
  /** `probabilities[t][i]` for trained tiers; the last tier has none. */
  readonly probabilities: readonly Float64Array[];
  readonly correct: readonly (readonly boolean[])[];
  readonly costUsd: readonly (readonly number[])[];
}

/** The default threshold grid: 0 to 0.99 by 0.01, then 0.995, 0.999, 1 and 1.01 (never clears). */
export const DEFAULT_THRESHOLD_GRID: readonly number[] = Object.freeze(
  Array.from({ length: 100 }, (_, i) => i / 100).concat([0.995, 0.999, 1, 1.01]),
);

/** Routes every row at one shared threshold and measures accuracy and mean cost. */
export function routeAt(rows: RoutedRows, threshold: number, margin: number): FrontierPoint {
  const tiers = rows.probabilities.length + 1;
  const candidates = Array.from({ length: tiers }, (_, i) => i);
  const thresholds = new Float64Array(tiers).fill(threshold);
  const probabilities = new Float64Array(tiers);
  const counts = new Array<number>(tiers).fill(0);
  let correct = 0;
  let cost = 0;
  const n = rows.correct.length;
  for (let i = 0; i < n; i += 1) {
    for (let t = 0; t < tiers - 1; t += 1) probabilities[t] = (rows.probabilities[t] as Float64Array)[i] as number;
    probabilities[tiers - 1] = Number.NaN;
    const { index } = choose(candidates, probabilities, thresholds, margin);
    counts[index] = (counts[index] as number) + 1;
    if ((rows.correct[i] as boolean[])[index]) correct += 1;
    cost += (rows.costUsd[i] as number[])[index] as number;
  }
  return {
    threshold,
    accuracy: n === 0 ? Number.NaN : correct / n,
    costUsd: n === 0 ? Number.NaN : cost / n,
    shares: counts.map((count) => (n === 0 ? 0 : count / n)),
  };
}

/** Each tier alone. */
export function singlePoints(rows: RoutedRows, tiers: readonly string[]): SinglePoint[] {
  const n = rows.correct.length;
  return tiers.map((tier, t) => {
    let correct = 0;
    let cost = 0;
    for (let i = 0; i < n; i += 1) {
      if ((rows.correct[i] as boolean[])[t]) correct += 1;
      cost += (rows.costUsd[i] as number[])[t] as number;
    }
    return { tier, accuracy: correct / n, costUsd: cost / n };
  });
}

/** Points no other point beats on both cost and accuracy, cheapest first. */
export function paretoFront<T extends { readonly accuracy: number; readonly costUsd: number }>(
  points: readonly T[],
): T[] {
  const sorted = [...points].sort((a, b) => a.costUsd - b.costUsd || b.accuracy - a.accuracy);
  const front: T[] = [];
  for (const point of sorted) {
    const last = front[front.length - 1];
    if (last === undefined || point.accuracy > last.accuracy) front.push(point);
  }
  return front;
}

/**
 * Area under the error-cost curve over [low, high], divided by its width: the mean error of the best
 * point affordable at each budget in the range (lower is better). Budgets below the cheapest point take
 * its error.
 */
export function areaUnderErrorCost(
  points: readonly { readonly accuracy: number; readonly costUsd: number }[],
  low: number,
  high: number,
): number {
  const front = paretoFront(points);
  if (front.length === 0 || !(high > low)) return Number.NaN;
  let area = 0;
  let error = 1 - (front[0] as { accuracy: number }).accuracy;
  let at = low;
  for (const point of front) {
    const until = Math.min(high, Math.max(low, point.costUsd));
    if (until > at) {
      area += error * (until - at);
      at = until;
    }
    error = Math.min(error, 1 - point.accuracy);
  }
  if (high > at) area += error * (high - at);
  return area / (high - low);
}

/** The cheapest point whose accuracy is at least `target`, or undefined. */
export function cheapestReaching<T extends { readonly accuracy: number; readonly costUsd: number }>(
  points: readonly T[],
  target: number,
): T | undefined {
  let best: T | undefined;
  for (const point of points) {
    if (point.accuracy + 1e-12 < target) continue;
    if (best === undefined || point.costUsd < best.costUsd) best = point;
  }
  return best;
}

/**
 * Area under the error-cost curve of routing at random among the points (each request sent to one of
 * them by a coin weighted to meet a budget): the lower convex hull of their errors, divided by the
 * range's width. A learned router is worth its keep only when it beats this.
 */
export function areaUnderMixedErrorCost(
  points: readonly { readonly accuracy: number; readonly costUsd: number }[],
  low: number,
  high: number,
): number {
  if (points.length === 0 || !(high > low)) return Number.NaN;
  const curve = mixingCurve(points);
  const errorAt = (x: number): number => {
    const first = curve[0] as { x: number; y: number };
    if (x <= first.x) return first.y;
    for (let i = 1; i < curve.length; i += 1) {
      const a = curve[i - 1] as { x: number; y: number };
      const b = curve[i] as { x: number; y: number };
      if (x <= b.x) return a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
    }
    return (curve[curve.length - 1] as { y: number }).y;
  };
  // Exact for a piecewise-linear curve: trapezoids between the breakpoints inside the range.
  const xs = [low, ...curve.map((p) => p.x).filter((x) => x > low && x < high), high];
  let area = 0;
  for (let i = 1; i < xs.length; i += 1) {
    const a = xs[i - 1] as number;
    const b = xs[i] as number;
    area += ((errorAt(a) + errorAt(b)) / 2) * (b - a);
  }
  return area / (high - low);
}

/** The (cost, error) curve random mixing of the points reaches: their lower convex hull, decreasing part. */
function mixingCurve(
  points: readonly { readonly accuracy: number; readonly costUsd: number }[],
): { x: number; y: number }[] {
  const sorted = [...points].sort((a, b) => a.costUsd - b.costUsd || b.accuracy - a.accuracy);
  // Lower convex hull of (cost, error), then keep only its decreasing part (more cost never buys more error).
  const hull: { x: number; y: number }[] = [];
  for (const point of sorted) {
    const next = { x: point.costUsd, y: 1 - point.accuracy };
    while (hull.length >= 2) {
      const a = hull[hull.length - 2] as { x: number; y: number };
      const b = hull[hull.length - 1] as { x: number; y: number };
      if ((b.x - a.x) * (next.y - a.y) - (b.y - a.y) * (next.x - a.x) <= 0) hull.pop();
      else break;
    }
    hull.push(next);
  }
  let best = 0;
  hull.forEach((p, i) => {
    if (p.y < (hull[best] as { y: number }).y) best = i;
  });
  return hull.slice(0, best + 1);
}

/** The least mean cost at which random mixing of the points reaches `accuracy`, or undefined. */
export function mixedCostReaching(
  points: readonly { readonly accuracy: number; readonly costUsd: number }[],
  accuracy: number,
): number | undefined {
  const curve = mixingCurve(points);
  const error = 1 - accuracy;
  const first = curve[0];
  if (first === undefined) return undefined;
  if (first.y <= error + 1e-12) return first.x;
  for (let i = 1; i < curve.length; i += 1) {
    const a = curve[i - 1] as { x: number; y: number };
    const b = curve[i] as { x: number; y: number };
    if (b.y <= error + 1e-12) return a.x + ((b.x - a.x) * (a.y - error)) / (a.y - b.y);
  }
  return undefined;
}
