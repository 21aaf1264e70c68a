import { ConfigError } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { calibrationQuality, fitLogistic, logisticProbability } from './fit-logistic.ts';
import { normal, seededRandom } from './testing/random.ts';

function synthetic(options: { n: number; intercept: number; slope: number; mean: number; sd: number; seed: number }) {
  const random = seededRandom(options.seed);
  return Array.from({ length: options.n }, () => {
    const confidence = options.mean + options.sd * normal(random);
    return { confidence, correct: random() < logisticProbability(options, confidence) };
  });
}

describe('fitLogistic', () => {
  it('recovers known coefficients', () => {
    const fit = fitLogistic({
      samples: synthetic({ n: 40_000, intercept: -1, slope: 2, mean: 0.5, sd: 1.5, seed: 1 }),
    });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(-1, 1);
    expect(fit.slope).toBeCloseTo(2, 1);
    expect(fit.predict(0.5)).toBeCloseTo(logisticProbability({ intercept: -1, slope: 2 }, 0.5), 2);
  });

  it('recovers coefficients in logprob units (small, negative scale)', () => {
    // Mean logprobs around -0.3 with P(correct) = logistic(4 + 12 x).
    const fit = fitLogistic({
      samples: synthetic({ n: 40_000, intercept: 4, slope: 12, mean: -0.3, sd: 0.15, seed: 2 }),
    });
    expect(fit.intercept).toBeGreaterThan(3.6);
    expect(fit.intercept).toBeLessThan(4.4);
    expect(fit.slope).toBeGreaterThan(11);
    expect(fit.slope).toBeLessThan(13);
  });

  it('without a penalty, solves the likelihood equations', () => {
    const samples = synthetic({ n: 500, intercept: 0.3, slope: -0.8, mean: 0, sd: 1, seed: 3 });
    const fit = fitLogistic({ samples, l2: 0 });
    let g0 = 0;
    let g1 = 0;
    for (const s of samples) {
      const residual = (s.correct ? 1 : 0) - fit.predict(s.confidence);
      g0 += residual;
      g1 += residual * s.confidence;
    }
    expect(Math.abs(g0)).toBeLessThan(1e-8);
    expect(Math.abs(g1)).toBeLessThan(1e-8);
  });

  it('stays finite on separable data thanks to the L2 term', () => {
    const samples = [
      { confidence: -2, correct: false },
      { confidence: -1, correct: false },
      { confidence: 1, correct: true },
      { confidence: 2, correct: true },
    ];
    const fit = fitLogistic({ samples });
    expect(Number.isFinite(fit.slope) && fit.slope > 0).toBe(true);
    expect(fit.converged).toBe(true);
    expect(fit.predict(2)).toBeGreaterThan(0.5);
    expect(fit.predict(-2)).toBeLessThan(0.5);
  });

  it('reports calibration quality that a good fit improves on', () => {
    const samples = synthetic({ n: 5000, intercept: 0, slope: 3, mean: 0, sd: 1, seed: 4 });
    const fit = fitLogistic({ samples });
    const base = samples.filter((s) => s.correct).length / samples.length;
    const constant = calibrationQuality({
      predictions: samples.map((s) => ({ probability: base, correct: s.correct })),
    });
    expect(fit.quality.brierScore).toBeLessThan(constant.brierScore - 0.05);
    expect(fit.quality.expectedCalibrationError).toBeLessThan(0.03);
    expect(fit.quality.samples).toBe(5000);
  });

  it('rejects data it cannot fit, naming the field', () => {
    const field = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return ConfigError.isInstance(error) ? error.field : 'not a ConfigError';
      }
      return 'no error';
    };
    expect(field(() => fitLogistic({ samples: [{ confidence: 1, correct: true }] }))).toBe('samples');
    expect(
      field(() =>
        fitLogistic({
          samples: [
            { confidence: 1, correct: true },
            { confidence: 2, correct: true },
          ],
        }),
      ),
    ).toBe('samples');
    expect(
      field(() =>
        fitLogistic({
          samples: [
            { confidence: Number.NEGATIVE_INFINITY, correct: true },
            { confidence: 2, correct: false },
          ],
        }),
      ),
    ).toBe('samples[0].confidence');
    expect(field(() => fitLogistic({ samples: [], l2: -1 }))).toBe('l2');
  });
});

describe('calibrationQuality', () => {
  it('matches a hand computation', () => {
    const quality = calibrationQuality({
      predictions: [
        { probability: 0.2, correct: false },
        { probability: 0.2, correct: true },
        { probability: 0.85, correct: true },
        { probability: 0.95, correct: true },
      ],
    });
    // Brier: (0.04 + 0.64 + 0.0225 + 0.0025) / 4. ECE: bins 0.2 (|1 - 0.4|), 0.8 (0.15), 0.9 (0.05), over 4.
    expect(quality.brierScore).toBeCloseTo(0.176_25, 14);
    expect(quality.expectedCalibrationError).toBeCloseTo(0.2, 14);
    expect(quality.logLoss).toBeCloseTo(-(Math.log(0.8) + Math.log(0.2) + Math.log(0.85) + Math.log(0.95)) / 4, 14);
  });
});

describe('logisticProbability', () => {
  it('is stable at the extremes', () => {
    expect(logisticProbability({ intercept: 0, slope: 1 }, 800)).toBe(1);
    expect(logisticProbability({ intercept: 0, slope: 1 }, -800)).toBe(0);
    expect(logisticProbability({ intercept: 0, slope: 1 }, Number.NEGATIVE_INFINITY)).toBe(0);
    expect(logisticProbability({ intercept: 0, slope: 0 }, Number.NEGATIVE_INFINITY)).toBe(0.5);
  });
});
