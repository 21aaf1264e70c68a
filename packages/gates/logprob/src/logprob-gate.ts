import { ConfigError, type Gate, type GateContext, type GateResult, type TokenLogprob } from '@llm-cascade/core';
import { type LogisticCoefficients, logisticProbability } from './fit-logistic.ts';
import { LOGPROB_MEASURES, type LogprobMeasure, measureLogprobs } from './measures.ts';
import { type LogprobSpan, selectSpan } from './spans.ts';

/** Why the gate decided as it did. */
export type LogprobGateReason = 'ok' | 'low-confidence' | 'no-logprobs' | 'invalid-logprobs' | 'empty-span';

export interface LogprobGateOptions {
  /** How token logprobs become one number. */
  readonly measure: LogprobMeasure;
  /**
   * The pass mark, in the measure's units: a logprob (at most 0) for `mean-logprob` and `min-logprob`,
   * a probability for the others. The gate passes when the score is at least the threshold, except for
   * `share-below` without calibration, which passes when the share is AT MOST the threshold.
   * With `calibration`, a probability of being correct in [0, 1] (score at least threshold).
   */
  readonly threshold: number;
  /** Which tokens to measure. Default `all`. */
  readonly span?: LogprobSpan;
  /** For `share-below`: a token counts when its probability is below this, in (0, 1]. */
  readonly belowProbability?: number;
  /**
   * Logistic coefficients from `fitLogistic` (or your own): the score becomes
   * P(correct) = logistic(intercept + slope * measure), and `threshold` is that probability.
   */
  readonly calibration?: LogisticCoefficients;
  /** Gate name in results and traces. Default `logprob`. */
  readonly name?: string;
}

/** Logprobs above 0 by more than float noise are not probabilities: the output is malformed. */
const LOGPROB_TOLERANCE = 1e-6;

function checkOptions(options: LogprobGateOptions): void {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  const { measure, threshold, span, belowProbability, calibration, name } = options;
  if (!LOGPROB_MEASURES.includes(measure)) {
    throw new ConfigError('measure', `must be one of ${LOGPROB_MEASURES.join(', ')}; got ${JSON.stringify(measure)}`);
  }
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new ConfigError('threshold', 'must be a number');
  if (calibration !== undefined) {
    if (typeof calibration !== 'object' || calibration === null)
      throw new ConfigError('calibration', 'must be { intercept, slope }');
    if (!Number.isFinite(calibration.intercept))
      throw new ConfigError('calibration.intercept', 'must be a finite number');
    if (!Number.isFinite(calibration.slope)) throw new ConfigError('calibration.slope', 'must be a finite number');
    if (!(threshold >= 0 && threshold <= 1))
      throw new ConfigError('threshold', 'with calibration, must be a probability in [0, 1]');
  } else if (measure === 'mean-logprob' || measure === 'min-logprob') {
    if (!(threshold <= 0)) throw new ConfigError('threshold', `for ${measure}, must be a logprob (at most 0)`);
  } else if (!(threshold >= 0 && threshold <= 1)) {
    throw new ConfigError('threshold', `for ${measure}, must be in [0, 1]`);
  }
  if (measure === 'share-below') {
    if (typeof belowProbability !== 'number' || !(belowProbability > 0 && belowProbability <= 1)) {
      throw new ConfigError('belowProbability', 'share-below needs a probability in (0, 1]');
    }
  } else if (belowProbability !== undefined) {
    throw new ConfigError('belowProbability', `applies only to share-below, not ${measure}`);
  }
  if (name !== undefined && (typeof name !== 'string' || name.length === 0))
    throw new ConfigError('name', 'must be a non-empty string');
  if (span !== undefined && span !== 'all' && span !== 'json-values') {
    if (typeof span !== 'object' || span === null)
      throw new ConfigError('span', "must be 'all', 'json-values' or a span object");
    switch (span.type) {
      case 'all':
      case 'json-values':
        break;
      case 'after-marker':
        if (!((typeof span.marker === 'string' && span.marker.length > 0) || span.marker instanceof RegExp)) {
          throw new ConfigError('span.marker', 'must be a non-empty string or a RegExp');
        }
        if (span.occurrence !== undefined && span.occurrence !== 'first' && span.occurrence !== 'last') {
          throw new ConfigError('span.occurrence', "must be 'first' or 'last'");
        }
        break;
      case 'last-tokens':
        if (!(Number.isInteger(span.count) && span.count >= 1))
          throw new ConfigError('span.count', 'must be a positive integer');
        break;
      default:
        throw new ConfigError('span.type', "must be 'all', 'json-values', 'after-marker' or 'last-tokens'");
    }
  }
}

/** True when every entry is a token string with a logprob that is a probability's log. */
function wellFormed(tokens: readonly TokenLogprob[]): boolean {
  for (const entry of tokens) {
    if (typeof entry !== 'object' || entry === null || typeof entry.token !== 'string') return false;
    const logprob = entry.logprob;
    // Comparisons are false for NaN and non-numbers alike; -Infinity (probability 0) is allowed.
    if (!(typeof logprob === 'number' && logprob <= LOGPROB_TOLERANCE)) return false;
  }
  return true;
}

/**
 * A gate that trusts an answer only when the model was confident in its tokens. It fails with
 * `low-confidence` so the cascade escalates; it gives no feedback, so it never triggers a repair: asking
 * the same model again rarely raises its confidence (its distribution over the answer has not changed),
 * and a repair would cost a call that escalation spends better.
 *
 * It requires logprobs: on a tier whose provider cannot return them (Anthropic) the engine reports the gate
 * `skipped`, or rejects the cascade when built with `strict: true`. A candidate that arrives without
 * logprobs on a tier that should have them fails with `no-logprobs`; malformed logprobs fail with
 * `invalid-logprobs`; a span that selects nothing (no JSON values, no marker) fails with `empty-span`.
 *
 * Thresholds in raw logprob units do not transfer between models, prompts or tasks: calibrate them on
 * labelled data (`calibrateThreshold`, `fitLogistic`). Spans are located in the concatenated token texts.
 */
export function logprobGate(options: LogprobGateOptions): Gate {
  checkOptions(options);
  const { measure, threshold, calibration } = options;
  const span: LogprobSpan = options.span ?? 'all';
  const name = options.name ?? 'logprob';
  const belowProbability = options.belowProbability;
  const measureOptions = belowProbability === undefined ? { measure } : { measure, belowProbability };
  const lowerIsBetter = measure === 'share-below' && calibration === undefined;
  // Fixed per gate, so each result shares one object.
  const thresholdDetails = { measure, threshold };

  return {
    name,
    requires: { logprobs: true },
    evaluate(context: GateContext): GateResult {
      const tokens = context.candidate.logprobs;
      if (!Array.isArray(tokens) || tokens.length === 0) {
        return {
          status: 'fail',
          reason: 'no-logprobs',
          details: { ...thresholdDetails, providerHasLogprobs: context.tier.capabilities.logprobs },
        };
      }
      if (!wellFormed(tokens)) return { status: 'fail', reason: 'invalid-logprobs', details: thresholdDetails };
      const selected = selectSpan(tokens, span);
      if (selected.length === 0) {
        return {
          status: 'fail',
          reason: 'empty-span',
          details: { ...thresholdDetails, tokens: tokens.length, spanTokens: 0 },
        };
      }
      const raw = measureLogprobs(selected, measureOptions);
      const score = calibration === undefined ? raw : logisticProbability(calibration, raw);
      const passed = lowerIsBetter ? score <= threshold : score >= threshold;
      return {
        status: passed ? 'pass' : 'fail',
        reason: passed ? 'ok' : 'low-confidence',
        score,
        details: {
          ...thresholdDetails,
          ...(calibration === undefined ? {} : { rawMeasure: raw }),
          tokens: tokens.length,
          spanTokens: selected.length,
        },
      };
    },
  };
}
