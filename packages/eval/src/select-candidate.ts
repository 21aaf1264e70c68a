import type { TuneTarget } from './cascade-profile.ts';
import type { CandidateEstimate } from './cross-validate.ts';

/** The chosen estimate, or why none fits. */
export type CandidateSelection =
  | { readonly found: true; readonly estimate: CandidateEstimate; readonly reason: string }
  | { readonly found: false; readonly reason: string };

const better = (a: number, b: number) => a < b - 1e-12;

/**
 * Picks a candidate by its cross-validated estimates, judged by a confidence bound `z` standard errors on the
 * cautious side, so that a ladder does not win on luck:
 * - `within`: the cheapest whose accuracy difference to the reference, minus z SE, is at least -points (ties:
 *   the more accurate). The reference model alone always qualifies (difference 0, no error).
 * - `max-relative-cost`: the most accurate (difference minus z SE) whose relative cost plus z SE is at most
 *   the cap (ties: the cheaper).
 * - `lambda`: the lowest (z SE pessimistic) error + lambda x relative cost.
 */
export function selectCandidate(
  estimates: readonly CandidateEstimate[],
  target: TuneTarget,
  z: number,
): CandidateSelection {
  let best: CandidateEstimate | undefined;
  if (target.kind === 'within') {
    for (const e of estimates) {
      if (!(e.accuracyDelta - z * e.accuracyDeltaSe >= -target.points - 1e-12)) continue;
      if (
        best === undefined ||
        better(e.relativeCost, best.relativeCost) ||
        (!better(best.relativeCost, e.relativeCost) && e.accuracyDelta > best.accuracyDelta)
      ) {
        best = e;
      }
    }
    return best === undefined
      ? { found: false, reason: 'no candidate (not even the reference model alone) was estimated' }
      : {
          found: true,
          estimate: best,
          reason: `cheapest ladder whose accuracy, ${z.toFixed(2)} standard errors down, is within ${(100 * target.points).toFixed(2)}pt of the best single model`,
        };
  }
  if (target.kind === 'max-relative-cost') {
    for (const e of estimates) {
      if (!(e.relativeCost + z * e.relativeCostSe <= target.value + 1e-12)) continue;
      const bound = e.accuracyDelta - z * e.accuracyDeltaSe;
      const bestBound = best === undefined ? Number.NEGATIVE_INFINITY : best.accuracyDelta - z * best.accuracyDeltaSe;
      if (
        best === undefined ||
        bound > bestBound + 1e-12 ||
        (bound >= bestBound - 1e-12 && e.relativeCost < best.relativeCost)
      ) {
        best = e;
      }
    }
    return best === undefined
      ? {
          found: false,
          reason: `no ladder costs at most ${target.value} x the best single model (${z.toFixed(2)} SE up)`,
        }
      : {
          found: true,
          estimate: best,
          reason: `most accurate ladder (${z.toFixed(2)} SE down) costing at most ${target.value} x the best single model`,
        };
  }
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const e of estimates) {
    const loss = -(e.accuracyDelta - z * e.accuracyDeltaSe) + target.lambda * e.relativeCost;
    if (loss < bestLoss - 1e-12) {
      bestLoss = loss;
      best = e;
    }
  }
  return best === undefined
    ? { found: false, reason: 'no candidate was estimated' }
    : { found: true, estimate: best, reason: `lowest error + ${target.lambda} x relative cost` };
}

/**
 * The cross-validated frontier: for each cost weight, the candidate with the lowest estimated error +
 * weight x relative cost (a Lagrangian sweep over the estimates), without repeats, cheapest first.
 */
export function estimatedFrontier(
  estimates: readonly CandidateEstimate[],
  lambdas: readonly number[],
): CandidateEstimate[] {
  const chosen = new Set<CandidateEstimate>();
  for (const lambda of [...lambdas, 1e3]) {
    let best: CandidateEstimate | undefined;
    let bestLoss = Number.POSITIVE_INFINITY;
    for (const e of estimates) {
      const loss = -e.accuracyDelta + lambda * e.relativeCost;
      if (loss < bestLoss - 1e-12) {
        bestLoss = loss;
        best = e;
      }
    }
    if (best !== undefined) chosen.add(best);
  }
  return [...chosen].sort((a, b) => a.relativeCost - b.relativeCost);
}
