/** One point of a cost/accuracy curve. */
export interface CostAccuracyPoint {
  readonly cost: number;
  readonly accuracy: number;
}

/**
 * The area under the error-cost curve the way Zellinger & Thomson compute it (Rational Tuning of LLM
 * Cascades, `compare_cascade_performance`): the points, sorted by cost, are joined linearly (and extended
 * linearly past the ends), accuracy is integrated from `from` to `to`, and the result is
 * `1 - integral / (to - from)`: the mean error over that cost range. Lower is better; two methods are
 * compared over the same range (their common one: the larger of the two minimum costs to the smaller of the
 * two maximum costs). Points at equal cost are averaged.
 */
export function errorCostArea(points: readonly CostAccuracyPoint[], from: number, to: number): number {
  if (!(to > from)) return Number.NaN;
  const byCost = new Map<number, { sum: number; count: number }>();
  for (const p of points) {
    if (!(Number.isFinite(p.cost) && Number.isFinite(p.accuracy))) continue;
    const entry = byCost.get(p.cost) ?? { sum: 0, count: 0 };
    entry.sum += p.accuracy;
    entry.count += 1;
    byCost.set(p.cost, entry);
  }
  const xs = [...byCost.keys()].sort((a, b) => a - b);
  const ys = xs.map((x) => {
    const e = byCost.get(x) as { sum: number; count: number };
    return e.sum / e.count;
  });
  if (xs.length === 0) return Number.NaN;
  if (xs.length === 1) return 1 - (ys[0] as number);
  // Linear interpolation with linear extrapolation beyond the end segments.
  const at = (x: number): number => {
    let i = 0;
    while (i < xs.length - 2 && x > (xs[i + 1] as number)) i += 1;
    const x0 = xs[i] as number;
    const x1 = xs[i + 1] as number;
    const y0 = ys[i] as number;
    const y1 = ys[i + 1] as number;
    return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  };
  // Exact integral of the piecewise-linear function: break at every point inside (from, to).
  const breaks = [from, ...xs.filter((x) => x > from && x < to), to];
  let integral = 0;
  for (let i = 0; i + 1 < breaks.length; i += 1) {
    const a = breaks[i] as number;
    const b = breaks[i + 1] as number;
    integral += ((at(a) + at(b)) / 2) * (b - a);
  }
  return 1 - integral / (to - from);
}

/** The common cost range of several curves: the largest minimum to the smallest maximum. */
export function commonCostRange(curves: readonly (readonly CostAccuracyPoint[])[]): { from: number; to: number } {
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.POSITIVE_INFINITY;
  for (const curve of curves) {
    const costs = curve.map((p) => p.cost).filter(Number.isFinite);
    from = Math.max(from, Math.min(...costs));
    to = Math.min(to, Math.max(...costs));
  }
  return { from, to };
}
