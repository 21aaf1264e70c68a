import { ConfigError } from '@llm-cascade/core';

/** One labelled observation: a raw confidence measure and whether the answer was correct. */
export interface LabelledConfidence {
  readonly confidence: number;
  readonly correct: boolean;
}

/** P(correct) = 1 / (1 + exp(-(intercept + slope * confidence))). */
export interface LogisticCoefficients {
  readonly intercept: number;
  readonly slope: number;
}

/** How well predicted probabilities match outcomes. Lower is better for all three. */
export interface CalibrationQuality {
  /** Mean squared difference between probability and outcome (0 or 1). */
  readonly brierScore: number;
  /** Expected calibration error: |accuracy - mean probability| per equal-width bin, weighted by bin size. */
  readonly expectedCalibrationError: number;
  /** Mean negative log-likelihood (natural log); probabilities are clipped at 1e-15. */
  readonly logLoss: number;
  readonly samples: number;
  readonly bins: number;
}

export interface LogisticFit extends LogisticCoefficients {
  /** P(correct) for a raw confidence. */
  predict(confidence: number): number;
  /** Quality on the fitting samples: optimistic; measure on held-out data with `calibrationQuality`. */
  readonly quality: CalibrationQuality;
  readonly iterations: number;
  /** False when Newton did not settle within `maxIterations` (the coefficients are the last iterate). */
  readonly converged: boolean;
}

/** The logistic map, stable at both extremes; -Infinity confidence with a positive slope gives 0. */
export function logisticProbability(coefficients: LogisticCoefficients, confidence: number): number {
  const z =
    coefficients.slope === 0 ? coefficients.intercept : coefficients.intercept + coefficients.slope * confidence;
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export interface CalibrationQualityOptions {
  readonly predictions: readonly { readonly probability: number; readonly correct: boolean }[];
  /** Equal-width bins over [0, 1] for the calibration error. Default 10. */
  readonly bins?: number;
}

/** Brier score, expected calibration error and log loss of probability predictions. */
export function calibrationQuality(options: CalibrationQualityOptions): CalibrationQuality {
  const { predictions } = options;
  const bins = options.bins ?? 10;
  if (!(Number.isInteger(bins) && bins >= 1)) throw new ConfigError('bins', 'must be a positive integer');
  if (!Array.isArray(predictions) || predictions.length === 0)
    throw new ConfigError('predictions', 'must be a non-empty array');
  const count = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  const mass = new Array<number>(bins).fill(0);
  let brier = 0;
  let logLoss = 0;
  predictions.forEach(({ probability, correct }, index) => {
    if (!(probability >= 0 && probability <= 1)) {
      throw new ConfigError(`predictions[${index}].probability`, 'must be a number in [0, 1]');
    }
    const outcome = correct ? 1 : 0;
    brier += (probability - outcome) ** 2;
    const clipped = Math.min(Math.max(probability, 1e-15), 1 - 1e-15);
    logLoss -= correct ? Math.log(clipped) : Math.log1p(-clipped);
    const bin = Math.min(bins - 1, Math.floor(probability * bins));
    count[bin] = (count[bin] as number) + 1;
    hits[bin] = (hits[bin] as number) + outcome;
    mass[bin] = (mass[bin] as number) + probability;
  });
  let ece = 0;
  for (let bin = 0; bin < bins; bin += 1) {
    const n = count[bin] as number;
    if (n > 0) ece += Math.abs((hits[bin] as number) - (mass[bin] as number)) / predictions.length;
  }
  const n = predictions.length;
  return { brierScore: brier / n, expectedCalibrationError: ece, logLoss: logLoss / n, samples: n, bins };
}

export interface FitLogisticOptions {
  readonly samples: readonly LabelledConfidence[];
  /**
   * L2 penalty on the slope, measured on standardised confidences (so it does not depend on the measure's
   * units). Keeps the fit finite when the data are separable. Default 1: negligible beyond a few hundred
   * samples, a gentle pull toward "confidence says little" on a few dozen.
   */
  readonly l2?: number;
  /** Newton iterations at most. Default 100 (it usually needs under 10). */
  readonly maxIterations?: number;
  /** Bins for the reported calibration error. Default 10. */
  readonly bins?: number;
}

function penalisedLogLikelihood(a: number, b: number, z: readonly number[], y: readonly number[], l2: number): number {
  let total = 0;
  for (let i = 0; i < z.length; i += 1) {
    const eta = a + b * (z[i] as number);
    // log(sigmoid(eta)) and log(1 - sigmoid(eta)), without overflow.
    const logOnePlusExp = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
    total += (y[i] as number) * eta - logOnePlusExp;
  }
  return total - 0.5 * l2 * b * b;
}

/**
 * Fits P(correct) = logistic(intercept + slope * confidence) by penalised maximum likelihood (Newton's
 * method, which for this model is IRLS, with step halving). Use it to turn a raw measure (mean logprob,
 * say) into a probability of being correct, then gate on that probability (`logprobGate({ calibration })`).
 * Confidences must be finite: map a -Infinity logprob to a floor first (e.g. -50). Needs at least one
 * correct and one incorrect sample. A monotone map does not change which answers a threshold accepts; what
 * it adds is a threshold in probability units and a measurable calibration error.
 */
export function fitLogistic(options: FitLogisticOptions): LogisticFit {
  const { samples } = options;
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  if (!(Number.isFinite(l2) && l2 >= 0)) throw new ConfigError('l2', 'must be a finite number of at least 0');
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1))
    throw new ConfigError('maxIterations', 'must be a positive integer');
  if (!Array.isArray(samples) || samples.length < 2) throw new ConfigError('samples', 'needs at least two samples');
  let positives = 0;
  let mean = 0;
  samples.forEach((sample, index) => {
    if (typeof sample?.confidence !== 'number' || !Number.isFinite(sample.confidence)) {
      throw new ConfigError(`samples[${index}].confidence`, 'must be a finite number (map -Infinity to a floor first)');
    }
    if (typeof sample.correct !== 'boolean') throw new ConfigError(`samples[${index}].correct`, 'must be a boolean');
    if (sample.correct) positives += 1;
    mean += sample.confidence;
  });
  const n = samples.length;
  if (positives === 0 || positives === n) {
    throw new ConfigError('samples', 'need at least one correct and one incorrect sample (no finite fit otherwise)');
  }
  mean /= n;
  let variance = 0;
  for (const sample of samples) variance += (sample.confidence - mean) ** 2;
  const sd = Math.sqrt(variance / n);
  // Standardising makes Newton well conditioned whatever the measure's scale.
  const scale = sd > 0 ? sd : 1;
  const z = samples.map((s) => (s.confidence - mean) / scale);
  const y = samples.map((s) => (s.correct ? 1 : 0));

  let a = Math.log(positives / (n - positives));
  let b = 0;
  let objective = penalisedLogLikelihood(a, b, z, y, l2);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations += 1;
    let gA = 0;
    let gB = -l2 * b;
    let hAA = 0;
    let hAB = 0;
    let hBB = l2;
    for (let i = 0; i < n; i += 1) {
      const zi = z[i] as number;
      const p = logisticProbability({ intercept: a, slope: b }, zi);
      const residual = (y[i] as number) - p;
      const w = p * (1 - p);
      gA += residual;
      gB += residual * zi;
      hAA += w;
      hAB += w * zi;
      hBB += w * zi * zi;
    }
    const det = hAA * hBB - hAB * hAB;
    if (!(det > 0)) break;
    let stepA = (hBB * gA - hAB * gB) / det;
    let stepB = (hAA * gB - hAB * gA) / det;
    let next = penalisedLogLikelihood(a + stepA, b + stepB, z, y, l2);
    for (let halvings = 0; halvings < 50 && !(next >= objective); halvings += 1) {
      stepA /= 2;
      stepB /= 2;
      next = penalisedLogLikelihood(a + stepA, b + stepB, z, y, l2);
    }
    if (!(next >= objective)) {
      converged = true; // No ascent direction left at machine precision.
      break;
    }
    a += stepA;
    b += stepB;
    objective = next;
    if (Math.max(Math.abs(stepA), Math.abs(stepB)) < 1e-10) {
      converged = true;
      break;
    }
  }
  const coefficients: LogisticCoefficients = { intercept: a - (b * mean) / scale, slope: b / scale };
  const predict = (confidence: number): number => logisticProbability(coefficients, confidence);
  const quality = calibrationQuality({
    predictions: samples.map((s) => ({ probability: predict(s.confidence), correct: s.correct })),
    ...(options.bins === undefined ? {} : { bins: options.bins }),
  });
  return { ...coefficients, predict, quality, iterations, converged };
}
