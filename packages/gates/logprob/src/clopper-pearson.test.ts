import { describe, expect, it } from 'vitest';
import { clopperPearsonInterval, clopperPearsonUpper, upperBoundAtMost } from './clopper-pearson.ts';

// Two-sided values are R's binom.test / SciPy's binomtest(...).proportion_ci(method='exact'); the
// one-sided ones are SciPy's binomtest(k, n, alternative='less').proportion_ci(...).high.
describe('clopperPearsonUpper', () => {
  it('has the closed form 1 - alpha^(1/n) with zero events', () => {
    for (const trials of [1, 5, 10, 30, 300, 10_000]) {
      for (const confidenceLevel of [0.9, 0.95, 0.99]) {
        const expected = 1 - (1 - confidenceLevel) ** (1 / trials);
        expect(clopperPearsonUpper({ events: 0, trials, confidenceLevel })).toBeCloseTo(expected, 12);
      }
    }
    // The "rule of three": about 3/n at 95%.
    expect(clopperPearsonUpper({ events: 0, trials: 1000 })).toBeCloseTo(0.002_991, 5);
  });

  it('matches SciPy one-sided bounds', () => {
    const cases: [number, number, number, number][] = [
      [0, 10, 0.95, 0.258_865_550_893_347_1],
      [1, 10, 0.95, 0.394_163_302_436_974],
      [5, 10, 0.95, 0.777_558_898_991_871],
      [3, 50, 0.95, 0.147_837_176_364_184_1],
      [10, 200, 0.95, 0.083_335_151_066_371_93],
      [12, 1000, 0.95, 0.019_370_199_285_087_63],
      [1, 10, 0.99, 0.504_352_662_930_815],
      [10, 200, 0.99, 0.098_181_916_603_299_45],
      [12, 1000, 0.99, 0.022_697_467_872_625_58],
    ];
    for (const [events, trials, confidenceLevel, expected] of cases) {
      expect(clopperPearsonUpper({ events, trials, confidenceLevel })).toBeCloseTo(expected, 10);
    }
  });

  it('is 1 when every trial is an event', () => {
    expect(clopperPearsonUpper({ events: 7, trials: 7 })).toBe(1);
  });

  it('rejects impossible counts', () => {
    expect(() => clopperPearsonUpper({ events: 3, trials: 2 })).toThrow(RangeError);
    expect(() => clopperPearsonUpper({ events: 0, trials: 0 })).toThrow(RangeError);
    expect(() => clopperPearsonUpper({ events: 1.5, trials: 4 })).toThrow(RangeError);
    expect(() => clopperPearsonUpper({ events: 1, trials: 4, confidenceLevel: 1 })).toThrow(RangeError);
  });
});

describe('clopperPearsonInterval', () => {
  it('matches published two-sided 95% intervals', () => {
    const cases: [number, number, number, number][] = [
      [0, 10, 0, 0.308_497_107_818_762_94],
      [1, 10, 0.002_528_578_544_462_572_8, 0.445_016_117_028_195_43],
      [5, 10, 0.187_086_028_447_404_5, 0.812_913_971_552_595_5],
      [3, 50, 0.012_548_587_835_334_06, 0.165_481_946_603_772_9],
      [10, 200, 0.024_234_165_472_108_292, 0.090_027_537_701_558_69],
      [0, 300, 0, 0.012_220_974_694_296_421],
      [12, 1000, 0.006_215_525_559_595_244, 0.020_867_679_591_036_675],
    ];
    for (const [events, trials, lower, upper] of cases) {
      const interval = clopperPearsonInterval({ events, trials });
      expect(interval.lower).toBeCloseTo(lower, 10);
      expect(interval.upper).toBeCloseTo(upper, 10);
    }
  });
});

describe('upperBoundAtMost', () => {
  it('agrees with the computed bound on either side of it', () => {
    for (const [events, trials] of [
      [0, 10],
      [3, 50],
      [12, 1000],
    ] as const) {
      const bound = clopperPearsonUpper({ events, trials });
      expect(upperBoundAtMost({ events, trials, rate: bound * 1.0001 })).toBe(true);
      expect(upperBoundAtMost({ events, trials, rate: bound * 0.9999 })).toBe(false);
    }
  });
});
