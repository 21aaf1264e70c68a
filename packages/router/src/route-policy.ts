/** The routing rule, shared by the router and its offline evaluation so both decide alike. */
export interface PolicyChoice {
  /** Ladder index chosen. */
  readonly index: number;
  readonly reason: 'cleared' | 'rounded-up' | 'fallback' | 'lane-start';
  /** The tier whose probability decided: the one that cleared, or the last one passed over. */
  readonly explained: number | undefined;
}

/**
 * Chooses among `candidates` (ladder indexes, cheapest first): the first whose probability clears its
 * threshold, or the next one up when it clears by less than `margin`; the last candidate when none
 * clears. A candidate without a model (NaN probability) is never started at unless it is the last; when
 * no candidate has a model, the first is.
 */
export function choose(
  candidates: readonly number[],
  probabilities: ArrayLike<number>,
  thresholds: ArrayLike<number>,
  margin: number,
): PolicyChoice {
  const last = candidates[candidates.length - 1] as number;
  let anyModel = false;
  let explained: number | undefined;
  for (let k = 0; k < candidates.length; k += 1) {
    const index = candidates[k] as number;
    const probability = probabilities[index] as number;
    if (Number.isNaN(probability)) continue;
    anyModel = true;
    if (k === candidates.length - 1) break;
    explained = index;
    const threshold = thresholds[index] as number;
    if (probability < threshold) continue;
    if (probability < threshold + margin) {
      return { index: candidates[k + 1] as number, reason: 'rounded-up', explained };
    }
    return { index, reason: 'cleared', explained };
  }
  if (!anyModel) return { index: candidates[0] as number, reason: 'lane-start', explained: undefined };
  return { index: last, reason: 'fallback', explained };
}
