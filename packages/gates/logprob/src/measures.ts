import type { TokenLogprob } from '@llm-cascade/core';

/**
 * How a list of token logprobs becomes one confidence number.
 * - `mean-logprob`: average natural-log probability per token (at most 0; higher is more confident).
 * - `min-logprob`: the least likely token; one shaky token (a digit, a name) fails the whole answer.
 * - `geometric-mean-probability`: exp of the mean logprob, a per-token probability in [0, 1].
 * - `share-below`: the share of tokens whose probability is below a given probability. LOWER is more
 *   confident: the gate passes when the share is AT MOST its threshold.
 * - `first-token-probability`: probability of the first token, the right signal for single-token answers
 *   (a multiple-choice letter, yes/no) and a good one for classification-like outputs.
 */
export type LogprobMeasure =
  | 'mean-logprob'
  | 'min-logprob'
  | 'geometric-mean-probability'
  | 'share-below'
  | 'first-token-probability';

export const LOGPROB_MEASURES: readonly LogprobMeasure[] = [
  'mean-logprob',
  'min-logprob',
  'geometric-mean-probability',
  'share-below',
  'first-token-probability',
];

/** Mean natural-log probability of the tokens. NaN for an empty list. */
export function meanLogprob(tokens: readonly TokenLogprob[]): number {
  if (tokens.length === 0) return Number.NaN;
  let sum = 0;
  for (const token of tokens) sum += token.logprob;
  return sum / tokens.length;
}

/** Smallest logprob among the tokens. NaN for an empty list. */
export function minLogprob(tokens: readonly TokenLogprob[]): number {
  if (tokens.length === 0) return Number.NaN;
  let min = Number.POSITIVE_INFINITY;
  for (const token of tokens) if (token.logprob < min) min = token.logprob;
  return min;
}

/**
 * exp(mean logprob): the geometric mean of the token probabilities, i.e. the per-token probability that
 * gives the sequence its likelihood. Unlike the sequence probability it does not shrink with length.
 * NaN for an empty list.
 */
export function geometricMeanProbability(tokens: readonly TokenLogprob[]): number {
  return Math.exp(meanLogprob(tokens));
}

export interface ShareBelowOptions {
  /** A token counts when its probability is strictly below this, in (0, 1]. */
  readonly probability: number;
}

/**
 * Share of tokens whose probability is strictly below `options.probability`, in [0, 1]. Lower is more
 * confident. NaN for an empty list. Throws a RangeError when `probability` is not in (0, 1].
 */
export function shareBelow(tokens: readonly TokenLogprob[], options: ShareBelowOptions): number {
  const { probability } = options;
  if (!(probability > 0 && probability <= 1)) throw new RangeError(`probability must be in (0, 1], got ${probability}`);
  if (tokens.length === 0) return Number.NaN;
  // Compare in log space: one log instead of an exp per token.
  const cut = Math.log(probability);
  let below = 0;
  for (const token of tokens) if (token.logprob < cut) below += 1;
  return below / tokens.length;
}

/** Probability of the first token. NaN for an empty list. */
export function firstTokenProbability(tokens: readonly TokenLogprob[]): number {
  const first = tokens[0];
  return first === undefined ? Number.NaN : Math.exp(first.logprob);
}

export interface MeasureOptions {
  readonly measure: LogprobMeasure;
  /** Required by `share-below`: the probability a token must reach not to count. */
  readonly belowProbability?: number;
}

/** Computes the chosen measure; the gate's single entry to the measures above. NaN for an empty list. */
export function measureLogprobs(tokens: readonly TokenLogprob[], options: MeasureOptions): number {
  switch (options.measure) {
    case 'mean-logprob':
      return meanLogprob(tokens);
    case 'min-logprob':
      return minLogprob(tokens);
    case 'geometric-mean-probability':
      return geometricMeanProbability(tokens);
    case 'share-below': {
      const probability = options.belowProbability;
      if (probability === undefined) throw new RangeError('share-below needs belowProbability');
      return shareBelow(tokens, { probability });
    }
    case 'first-token-probability':
      return firstTokenProbability(tokens);
  }
}
