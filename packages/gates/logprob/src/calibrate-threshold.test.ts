import { ConfigError } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { calibrateThreshold } from './calibrate-threshold.ts';
import { clopperPearsonUpper } from './clopper-pearson.ts';
import type { LabelledConfidence } from './fit-logistic.ts';
import { seededRandom } from './testing/random.ts';

function group(confidence: number, count: number, errors: number): LabelledConfidence[] {
  return Array.from({ length: count }, (_, i) => ({ confidence, correct: i >= errors }));
}

describe('calibrateThreshold', () => {
  // Cumulative from the top: 2/200 wrong at 0.9, 12/400 at 0.8, 72/600 at 0.5.
  const samples = [...group(0.5, 200, 60), ...group(0.9, 200, 2), ...group(0.8, 200, 10)];

  it('picks the lowest threshold whose error upper bound meets the target', () => {
    const result = calibrateThreshold({ samples, targetErrorRate: 0.05 });
    expect(result).toMatchObject({ found: true, threshold: 0.8, accepted: 400, errors: 12, samples: 600 });
    if (!result.found) throw new Error('unreachable');
    expect(result.acceptanceRate).toBeCloseTo(2 / 3, 12);
    expect(result.accuracy).toBeCloseTo(0.97, 12);
    expect(result.errorUpperBound).toBeCloseTo(clopperPearsonUpper({ events: 12, trials: 400 }), 12);
    expect(result.errorUpperBound).toBeLessThanOrEqual(0.05);
    expect(calibrateThreshold({ samples, targetAccuracy: 0.95 })).toMatchObject({ threshold: 0.8, accepted: 400 });
  });

  it('uses the upper bound, not the raw rate', () => {
    // At 0.8 the raw error rate is 0.03, under a 0.04 target, but its upper bound is about 0.047.
    const result = calibrateThreshold({ samples, targetErrorRate: 0.04 });
    expect(result).toMatchObject({ found: true, threshold: 0.9, accepted: 200, errors: 2 });
    // Twenty perfect answers have a raw error of 0 but a 95% upper bound of 1 - 0.05^(1/20) = 0.139.
    const few = [...group(0.99, 20, 0), ...group(0.7, 30, 3)];
    const none = calibrateThreshold({ samples: few, targetErrorRate: 0.05 });
    expect(none.found).toBe(false);
    if (none.found) throw new Error('unreachable');
    expect(none.bestErrorUpperBound).toBeCloseTo(1 - 0.05 ** (1 / 20), 12);
    expect(calibrateThreshold({ samples: few, targetErrorRate: 0.05, confidenceLevel: 0.5 })).toMatchObject({
      found: true,
      threshold: 0.99,
    });
  });

  it('respects minAccepted', () => {
    expect(calibrateThreshold({ samples, targetErrorRate: 0.04, minAccepted: 201 }).found).toBe(false);
  });

  it('fixed-sequence stops at the first failure; lowest looks past it', () => {
    const dip = [...group(0.9, 300, 0), ...group(0.8, 20, 15), ...group(0.7, 1000, 0)];
    expect(calibrateThreshold({ samples: dip, targetErrorRate: 0.05 })).toMatchObject({
      threshold: 0.7,
      accepted: 1320,
    });
    expect(calibrateThreshold({ samples: dip, targetErrorRate: 0.05, search: 'fixed-sequence' })).toMatchObject({
      threshold: 0.9,
      accepted: 300,
    });
  });

  it('fixed-sequence starts where zero errors could pass, not at the top', () => {
    // 59 answers are the fewest whose zero-error 95% bound is under 5%; the top 10 alone would fail.
    const ladder = Array.from({ length: 200 }, (_, i) => ({ confidence: 1 - i / 200, correct: true }));
    const result = calibrateThreshold({ samples: ladder, targetErrorRate: 0.05, search: 'fixed-sequence' });
    expect(result).toMatchObject({ found: true, accepted: 200 });
  });

  it('agrees with a brute-force search on random data', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 20; round += 1) {
      const data = Array.from({ length: 80 }, () => {
        const confidence = Math.round(random() * 20) / 20;
        return { confidence, correct: random() < 0.5 + confidence / 2 };
      });
      const target = 0.1 + random() * 0.2;
      const thresholds = [...new Set(data.map((d) => d.confidence))].sort((a, b) => a - b);
      const passing = thresholds.filter((t) => {
        const accepted = data.filter((d) => d.confidence >= t);
        const errors = accepted.filter((d) => !d.correct).length;
        return clopperPearsonUpper({ events: errors, trials: accepted.length }) <= target;
      });
      const result = calibrateThreshold({ samples: data, targetErrorRate: target });
      if (passing.length === 0) expect(result.found).toBe(false);
      else expect(result).toMatchObject({ found: true, threshold: passing[0] });
    }
  });

  it('finds the threshold a known model implies, and it holds on fresh data', () => {
    // P(correct | c) = c with c uniform: accepted error at threshold t is (1 - t) / 2, so 10% needs t >= 0.8.
    const random = seededRandom(42);
    const draw = (n: number) =>
      Array.from({ length: n }, () => {
        const confidence = random();
        return { confidence, correct: random() < confidence };
      });
    const result = calibrateThreshold({ samples: draw(20_000), targetErrorRate: 0.1 });
    if (!result.found) throw new Error('expected a threshold');
    expect(result.threshold).toBeGreaterThan(0.8);
    expect(result.threshold).toBeLessThan(0.85);
    expect(result.acceptanceRate).toBeCloseTo(1 - result.threshold, 1);
    const fresh = draw(20_000).filter((d) => d.confidence >= result.threshold);
    const freshError = fresh.filter((d) => !d.correct).length / fresh.length;
    expect(freshError).toBeLessThan(0.1);
  });

  it('accepts -Infinity confidences (probability 0) and handles ties', () => {
    const data = [...group(Number.NEGATIVE_INFINITY, 5, 5), ...group(0, 100, 0)];
    expect(calibrateThreshold({ samples: data, targetErrorRate: 0.05 })).toMatchObject({ threshold: 0, accepted: 100 });
    // A loose target accepts even the probability-0 answers: 5 / 105 wrong.
    expect(calibrateThreshold({ samples: data, targetErrorRate: 0.5 })).toMatchObject({
      threshold: Number.NEGATIVE_INFINITY,
      accepted: 105,
    });
  });

  it('names the bad option', () => {
    const bad = (options: Parameters<typeof calibrateThreshold>[0], field: string) => {
      try {
        calibrateThreshold(options);
      } catch (error) {
        expect(ConfigError.isInstance(error) && error.field).toBe(field);
        return;
      }
      throw new Error('expected a ConfigError');
    };
    bad({ samples }, 'targetAccuracy');
    bad({ samples, targetAccuracy: 0.9, targetErrorRate: 0.1 }, 'targetAccuracy');
    bad({ samples, targetAccuracy: 1 }, 'targetAccuracy');
    bad({ samples, targetErrorRate: 0 }, 'targetErrorRate');
    bad({ samples, targetErrorRate: 0.1, confidenceLevel: 1 }, 'confidenceLevel');
    bad({ samples, targetErrorRate: 0.1, minAccepted: 0 }, 'minAccepted');
    bad({ samples: [], targetErrorRate: 0.1 }, 'samples');
    bad({ samples: [{ confidence: Number.NaN, correct: true }], targetErrorRate: 0.1 }, 'samples[0].confidence');
  });
});
