import { betaQuantile, regularizedIncompleteBeta } from './beta.ts';

export interface BinomialCountOptions {
  /** How many of the trials were events (errors, say): an integer in [0, trials]. */
  readonly events: number;
  /** How many trials: an integer of at least 1. */
  readonly trials: number;
  /** Probability that the bound holds. Default 0.95. */
  readonly confidenceLevel?: number;
}

export interface BinomialInterval {
  readonly lower: number;
  readonly upper: number;
}

function check(options: BinomialCountOptions): number {
  const { events, trials } = options;
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  if (!(Number.isInteger(trials) && trials >= 1))
    throw new RangeError(`trials must be an integer of at least 1, got ${trials}`);
  if (!(Number.isInteger(events) && events >= 0 && events <= trials)) {
    throw new RangeError(`events must be an integer in [0, trials], got ${events}`);
  }
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
    throw new RangeError(`confidenceLevel must be in (0, 1), got ${confidenceLevel}`);
  }
  return confidenceLevel;
}

/**
 * One-sided Clopper-Pearson (exact binomial) upper bound on an event rate: with probability at least
 * `confidenceLevel`, the true rate is at most this. With no events it is 1 - (1 - confidenceLevel)^(1/trials);
 * with every trial an event it is 1. Conservative by construction (coverage is at least the level), which is
 * what a quality guarantee wants; it is wider than the raw rate, most of all for small counts.
 */
export function clopperPearsonUpper(options: BinomialCountOptions): number {
  const confidenceLevel = check(options);
  const { events, trials } = options;
  if (events === trials) return 1;
  return betaQuantile({ probability: confidenceLevel, alpha: events + 1, beta: trials - events });
}

/**
 * Two-sided Clopper-Pearson interval at `confidenceLevel` (each tail gets half of what is left). The same
 * interval R's `binom.test` and SciPy's `binomtest(...).proportion_ci(method='exact')` report.
 */
export function clopperPearsonInterval(options: BinomialCountOptions): BinomialInterval {
  const confidenceLevel = check(options);
  const { events, trials } = options;
  const tail = (1 - confidenceLevel) / 2;
  const lower = events === 0 ? 0 : betaQuantile({ probability: tail, alpha: events, beta: trials - events + 1 });
  const upper =
    events === trials ? 1 : betaQuantile({ probability: 1 - tail, alpha: events + 1, beta: trials - events });
  return { lower, upper };
}

/**
 * Whether the one-sided upper bound is at most `rate`, without computing the bound: one CDF evaluation
 * instead of a root search, so a threshold scan over many candidate cut-offs stays fast.
 * (The bound is at most `rate` exactly when I_rate(events + 1, trials - events) >= confidenceLevel.)
 */
export function upperBoundAtMost(options: BinomialCountOptions & { readonly rate: number }): boolean {
  const confidenceLevel = check(options);
  const { events, trials, rate } = options;
  if (rate >= 1) return true;
  if (events === trials || rate <= 0) return false;
  return regularizedIncompleteBeta({ x: rate, alpha: events + 1, beta: trials - events }) >= confidenceLevel;
}
