import { describe, expect, it } from 'vitest';
import { betaQuantile, logGamma, regularizedIncompleteBeta } from './beta.ts';

// Reference values from SciPy 1.17 (scipy.special.betainc / betaincinv) and closed forms.
describe('logGamma', () => {
  it('matches factorials and Gamma(1/2)', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(101)).toBeCloseTo(363.739_375_555_563_5, 9);
  });
});

describe('regularizedIncompleteBeta', () => {
  it('matches closed forms', () => {
    // I_x(1, b) = 1 - (1 - x)^b and I_x(a, 1) = x^a.
    expect(regularizedIncompleteBeta({ x: 0.3, alpha: 1, beta: 7 })).toBeCloseTo(1 - 0.7 ** 7, 14);
    expect(regularizedIncompleteBeta({ x: 0.3, alpha: 4, beta: 1 })).toBeCloseTo(0.3 ** 4, 14);
    // Symmetry: I_0.5(a, a) = 1/2.
    expect(regularizedIncompleteBeta({ x: 0.5, alpha: 13.5, beta: 13.5 })).toBeCloseTo(0.5, 14);
    // Binomial tail: I_0.4(2, 3) = P(Bin(4, 0.4) >= 2) = 0.5248 by hand.
    expect(regularizedIncompleteBeta({ x: 0.4, alpha: 2, beta: 3 })).toBeCloseTo(0.5248, 14);
    expect(regularizedIncompleteBeta({ x: 0, alpha: 2, beta: 3 })).toBe(0);
    expect(regularizedIncompleteBeta({ x: 1, alpha: 2, beta: 3 })).toBe(1);
  });

  it('matches SciPy on small, fractional and large shapes', () => {
    const cases: [number, number, number, number][] = [
      [0.3, 0.5, 0.5, 0.369_010_119_565_545_36],
      [0.25, 10, 20, 0.166_304_949_597_879_45],
      [0.21, 200, 800, 0.787_154_254_614_650_5],
      [0.335, 1e4, 2e4, 0.730_134_634_243_568_6],
    ];
    for (const [x, alpha, beta, expected] of cases) {
      expect(regularizedIncompleteBeta({ x, alpha, beta })).toBeCloseTo(expected, 10);
    }
  });

  it('rejects invalid arguments', () => {
    expect(() => regularizedIncompleteBeta({ x: 1.5, alpha: 1, beta: 1 })).toThrow(RangeError);
    expect(() => regularizedIncompleteBeta({ x: 0.5, alpha: 0, beta: 1 })).toThrow(RangeError);
    expect(() => regularizedIncompleteBeta({ x: Number.NaN, alpha: 1, beta: 1 })).toThrow(RangeError);
  });
});

describe('betaQuantile', () => {
  it('inverts the CDF (SciPy betaincinv values)', () => {
    const cases: [number, number, number, number][] = [
      [0.5248, 2, 3, 0.4],
      [0.1, 0.5, 0.5, 0.024_471_741_852_423_214],
      [0.95, 1, 300, 0.009_936_081_944_457_708],
      [0.95, 5, 96, 0.089_196_250_158_879_87],
      [0.025, 3, 7, 0.074_854_631_419_691_83],
      [0.99, 50, 5000, 0.013_423_669_511_923_362],
      [0.7, 0.1, 0.1, 0.994_785_129_746_265_8],
    ];
    for (const [probability, alpha, beta, expected] of cases) {
      const x = betaQuantile({ probability, alpha, beta });
      expect(x).toBeCloseTo(expected, 10);
      expect(Math.abs(x - expected) / expected).toBeLessThan(1e-9);
    }
  });

  it('round-trips across many shapes', () => {
    for (const alpha of [0.3, 1, 2.5, 17, 400]) {
      for (const beta of [0.7, 1, 9, 250]) {
        for (const probability of [1e-6, 0.025, 0.5, 0.95, 0.999999]) {
          const x = betaQuantile({ probability, alpha, beta });
          expect(regularizedIncompleteBeta({ x, alpha, beta })).toBeCloseTo(probability, 9);
        }
      }
    }
  });

  it('handles the ends', () => {
    expect(betaQuantile({ probability: 0, alpha: 2, beta: 2 })).toBe(0);
    expect(betaQuantile({ probability: 1, alpha: 2, beta: 2 })).toBe(1);
    expect(() => betaQuantile({ probability: -0.1, alpha: 2, beta: 2 })).toThrow(RangeError);
  });
});
