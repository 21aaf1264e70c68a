import { ConfigError } from '@llm-cascade/core';

/** A point of the cost/accuracy plane. */
export interface CostAccuracy {
  readonly costUsd: number;
  readonly accuracy: number;
}

/**
 * Indexes of the Pareto-optimal points: no other point is at least as accurate for at most the cost and
 * strictly better in one of the two. Of points with identical cost and accuracy, only the first is kept,
 * so the frontier lists each trade-off once. Points with NaN accuracy are never on it.
 */
export function paretoFront(points: readonly CostAccuracy[]): Set<number> {
  const order = points
    .map((point, index) => ({ point, index }))
    .filter(({ point }) => !Number.isNaN(point.accuracy) && !Number.isNaN(point.costUsd))
    .sort((a, b) => a.point.costUsd - b.point.costUsd || b.point.accuracy - a.point.accuracy || a.index - b.index);
  const front = new Set<number>();
  let best = Number.NEGATIVE_INFINITY;
  for (const { point, index } of order) {
    // Sorted by cost, then accuracy descending: a point is optimal when it beats every cheaper one.
    if (point.accuracy > best) {
      front.add(index);
      best = point.accuracy;
    }
  }
  return front;
}

/** What a setting must meet: an accuracy at least `targetAccuracy`, or a cost at most `maxCostUsd`. */
export type SelectionCriterion =
  | { readonly targetAccuracy: number }
  | { readonly maxCostUsd: number; readonly per?: 'request' | 'total' };

export type Selection =
  | { readonly found: true; readonly index: number; readonly reason: string }
  | { readonly found: false; readonly reason: string };

/**
 * Picks a setting: the cheapest with accuracy at least `targetAccuracy` (ties to the more accurate, then the
 * first), or the most accurate whose cost (per request by default) is at most `maxCostUsd` (ties to the
 * cheaper, then the first). `requests` converts a per-request cap to the points' totals.
 */
export function selectSetting(
  points: readonly CostAccuracy[],
  criterion: SelectionCriterion,
  requests: number,
): Selection {
  let best: number | undefined;
  if ('targetAccuracy' in criterion) {
    const target = criterion.targetAccuracy;
    if (!(target >= 0 && target <= 1)) throw new ConfigError('targetAccuracy', 'must be from 0 to 1');
    points.forEach((point, index) => {
      if (!(point.accuracy >= target)) return;
      const current = best === undefined ? undefined : (points[best] as CostAccuracy);
      if (
        current === undefined ||
        point.costUsd < current.costUsd ||
        (point.costUsd === current.costUsd && point.accuracy > current.accuracy)
      ) {
        best = index;
      }
    });
    if (best === undefined) {
      const top = Math.max(...points.map((p) => (Number.isNaN(p.accuracy) ? Number.NEGATIVE_INFINITY : p.accuracy)));
      return {
        found: false,
        reason: `no setting reaches accuracy ${target} (best: ${Number.isFinite(top) ? top : 'none'})`,
      };
    }
    return { found: true, index: best, reason: `cheapest setting with accuracy >= ${target}` };
  }
  const cap = criterion.maxCostUsd;
  if (!(cap >= 0)) throw new ConfigError('maxCost', 'must be a number at least 0');
  const total = criterion.per === 'total' ? cap : cap * requests;
  points.forEach((point, index) => {
    if (!(point.costUsd <= total) || Number.isNaN(point.accuracy)) return;
    const current = best === undefined ? undefined : (points[best] as CostAccuracy);
    if (
      current === undefined ||
      point.accuracy > current.accuracy ||
      (point.accuracy === current.accuracy && point.costUsd < current.costUsd)
    ) {
      best = index;
    }
  });
  const unit = criterion.per === 'total' ? 'in total' : 'per request';
  if (best === undefined) return { found: false, reason: `no setting costs at most $${cap} ${unit}` };
  return { found: true, index: best, reason: `most accurate setting costing at most $${cap} ${unit}` };
}
