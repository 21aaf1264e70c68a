import { ConfigError } from '@llm-cascade/core';
import { clopperPearsonUpper, upperBoundAtMost } from './clopper-pearson.ts';
import type { LabelledConfidence } from './fit-logistic.ts';

export interface CalibrateThresholdOptions {
  /** Labelled answers of the tier being gated: its confidence measure and whether it was correct. */
  readonly samples: readonly LabelledConfidence[];
  /** Wanted accuracy of the accepted answers, in (0, 1). Give this or `targetErrorRate`. */
  readonly targetAccuracy?: number;
  /** Wanted error rate of the accepted answers, in (0, 1). Give this or `targetAccuracy`. */
  readonly targetErrorRate?: number;
  /** Probability that the accepted error rate really is within target. Default 0.95. */
  readonly confidenceLevel?: number;
  /** Ignore thresholds that accept fewer samples than this. Default 1 (the bound already punishes small counts). */
  readonly minAccepted?: number;
  /**
   * How candidate thresholds are searched, from the strictest down:
   * - `lowest` (default): the lowest threshold whose bound meets the target. Simple and what most people
   *   expect, but it tests many thresholds and keeps the best-looking one, so the stated confidence is
   *   optimistic (a multiple-comparisons effect, small when the samples are many).
   * - `fixed-sequence`: start at the first threshold that accepts enough samples to pass with zero errors
   *   (a count that does not depend on the labels), walk down, and stop at the first failure. This is
   *   fixed-sequence testing (as in Learn-then-Test), so the confidence level holds for the chosen
   *   threshold; it can stop earlier (higher threshold) on a noisy stretch.
   */
  readonly search?: 'lowest' | 'fixed-sequence';
}

interface CalibrationBase {
  /** Samples given. */
  readonly samples: number;
  readonly targetErrorRate: number;
  readonly confidenceLevel: number;
}

/** A threshold was found: accept answers whose confidence is at least `threshold`. */
export interface ThresholdFound extends CalibrationBase {
  readonly found: true;
  readonly threshold: number;
  /** Samples with confidence >= threshold. */
  readonly accepted: number;
  readonly acceptanceRate: number;
  /** Wrong answers among the accepted. */
  readonly errors: number;
  /** Observed accuracy of the accepted answers. */
  readonly accuracy: number;
  /** One-sided Clopper-Pearson upper bound on the accepted error rate at `confidenceLevel`. */
  readonly errorUpperBound: number;
}

/**
 * No threshold meets the target with the stated confidence: drop the tier from the ladder (a tier kept with
 * acceptance off is still called and paid, then ignored), gather more labels, or relax the target.
 */
export interface ThresholdNotFound extends CalibrationBase {
  readonly found: false;
  readonly reason: string;
  /** The smallest error upper bound any threshold reached, to show how far the target is. */
  readonly bestErrorUpperBound: number;
}

export type ThresholdCalibration = ThresholdFound | ThresholdNotFound;

function targetErrorRateOf(options: CalibrateThresholdOptions): number {
  const { targetAccuracy, targetErrorRate } = options;
  if ((targetAccuracy === undefined) === (targetErrorRate === undefined)) {
    throw new ConfigError('targetAccuracy', 'give exactly one of targetAccuracy and targetErrorRate');
  }
  if (targetAccuracy !== undefined) {
    if (!(targetAccuracy > 0 && targetAccuracy < 1)) throw new ConfigError('targetAccuracy', 'must be in (0, 1)');
    return 1 - targetAccuracy;
  }
  const rate = targetErrorRate as number;
  if (!(rate > 0 && rate < 1)) throw new ConfigError('targetErrorRate', 'must be in (0, 1)');
  return rate;
}

/**
 * Picks the lowest confidence threshold whose accepted answers (confidence >= threshold) have an error
 * rate within target WITH the stated confidence: it bounds the error rate from above with the one-sided
 * Clopper-Pearson (exact binomial) bound rather than trusting the raw rate, so a threshold that looks
 * perfect on 12 samples is not chosen over one proven on 300. Higher confidence must mean more trust; for
 * `share-below` pass `1 - share` as confidence and use `1 - threshold` as the gate's threshold.
 *
 * The guarantee is about the population the samples come from: calibrate on labelled answers of the same
 * model, prompt and task, and recalibrate when any of them changes. Samples with equal confidence are
 * accepted or escalated together.
 */
export function calibrateThreshold(options: CalibrateThresholdOptions): ThresholdCalibration {
  const { samples } = options;
  const targetErrorRate = targetErrorRateOf(options);
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  const minAccepted = options.minAccepted ?? 1;
  const search = options.search ?? 'lowest';
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) throw new ConfigError('confidenceLevel', 'must be in (0, 1)');
  if (!(Number.isInteger(minAccepted) && minAccepted >= 1))
    throw new ConfigError('minAccepted', 'must be a positive integer');
  if (search !== 'lowest' && search !== 'fixed-sequence')
    throw new ConfigError('search', "must be 'lowest' or 'fixed-sequence'");
  if (!Array.isArray(samples) || samples.length === 0) throw new ConfigError('samples', 'must be a non-empty array');
  samples.forEach((sample, index) => {
    if (typeof sample?.confidence !== 'number' || Number.isNaN(sample.confidence)) {
      throw new ConfigError(`samples[${index}].confidence`, 'must be a number');
    }
    if (typeof sample.correct !== 'boolean') throw new ConfigError(`samples[${index}].correct`, 'must be a boolean');
  });

  const total = samples.length;
  const sorted = [...samples].sort((x, y) => y.confidence - x.confidence || 0);
  // Below this many accepted answers even zero errors cannot meet the target; the count depends only on
  // the confidences, so starting the fixed sequence there keeps its guarantee.
  const zeroErrorMinimum = Math.ceil(Math.log(1 - confidenceLevel) / Math.log1p(-targetErrorRate) - 1e-9);
  const startAt = search === 'fixed-sequence' ? Math.max(minAccepted, zeroErrorMinimum) : minAccepted;

  let best: { threshold: number; accepted: number; errors: number } | undefined;
  let bestBound = 1;
  let accepted = 0;
  let errors = 0;
  let i = 0;
  while (i < total) {
    const threshold = (sorted[i] as LabelledConfidence).confidence;
    while (i < total && (sorted[i] as LabelledConfidence).confidence === threshold) {
      if (!(sorted[i] as LabelledConfidence).correct) errors += 1;
      accepted += 1;
      i += 1;
    }
    if (accepted < startAt) continue;
    const passes = upperBoundAtMost({ events: errors, trials: accepted, rate: targetErrorRate, confidenceLevel });
    if (passes) best = { threshold, accepted, errors };
    else if (search === 'fixed-sequence') break;
    if (best === undefined) {
      bestBound = Math.min(bestBound, clopperPearsonUpper({ events: errors, trials: accepted, confidenceLevel }));
    }
  }

  const base = { samples: total, targetErrorRate, confidenceLevel };
  if (best === undefined) {
    return {
      ...base,
      found: false,
      reason:
        accepted < startAt
          ? `too few samples: ${total}, below the ${startAt} needed`
          : `no threshold keeps the error upper bound at or below ${targetErrorRate}`,
      bestErrorUpperBound: bestBound,
    };
  }
  return {
    ...base,
    found: true,
    threshold: best.threshold,
    accepted: best.accepted,
    acceptanceRate: best.accepted / total,
    errors: best.errors,
    accuracy: 1 - best.errors / best.accepted,
    errorUpperBound: clopperPearsonUpper({ events: best.errors, trials: best.accepted, confidenceLevel }),
  };
}
