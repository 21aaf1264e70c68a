import type { TokenLogprob } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import {
  firstTokenProbability,
  geometricMeanProbability,
  meanLogprob,
  measureLogprobs,
  minLogprob,
  shareBelow,
} from './measures.ts';

const tokens = (...logprobs: number[]): TokenLogprob[] => logprobs.map((logprob, i) => ({ token: `t${i}`, logprob }));

// Probabilities: exp(-0.1) = 0.9048, exp(-0.5) = 0.6065, exp(-2) = 0.1353, exp(0) = 1.
const example = tokens(-0.1, -0.5, -2, 0);

describe('measures, computed by hand', () => {
  it('mean-logprob: (-0.1 - 0.5 - 2 + 0) / 4 = -0.65', () => {
    expect(meanLogprob(example)).toBeCloseTo(-0.65, 15);
    expect(measureLogprobs(example, { measure: 'mean-logprob' })).toBeCloseTo(-0.65, 15);
  });

  it('min-logprob: -2', () => {
    expect(minLogprob(example)).toBe(-2);
  });

  it('geometric-mean-probability: exp(-0.65) = 0.522046', () => {
    expect(geometricMeanProbability(example)).toBeCloseTo(0.522_045_776_761_016, 14);
    // Equal to the 4th root of the product of the probabilities.
    expect(geometricMeanProbability(example)).toBeCloseTo(
      (Math.exp(-0.1) * Math.exp(-0.5) * Math.exp(-2) * 1) ** 0.25,
      14,
    );
  });

  it('share-below counts probabilities strictly below the cut', () => {
    expect(shareBelow(example, { probability: 0.5 })).toBe(0.25); // 0.1353
    expect(shareBelow(example, { probability: 0.7 })).toBe(0.5); // 0.1353, 0.6065
    expect(shareBelow(example, { probability: 0.95 })).toBe(0.75);
    expect(shareBelow(example, { probability: 1 })).toBe(0.75); // the certain token is not below 1
    expect(measureLogprobs(example, { measure: 'share-below', belowProbability: 0.7 })).toBe(0.5);
    expect(() => shareBelow(example, { probability: 0 })).toThrow(RangeError);
  });

  it('first-token-probability: exp(-0.1) = 0.904837', () => {
    expect(firstTokenProbability(example)).toBeCloseTo(0.904_837_418_035_959_6, 14);
  });

  it('handles a probability-0 token (-Infinity) without NaN', () => {
    const withZero = tokens(-0.1, Number.NEGATIVE_INFINITY);
    expect(meanLogprob(withZero)).toBe(Number.NEGATIVE_INFINITY);
    expect(geometricMeanProbability(withZero)).toBe(0);
    expect(shareBelow(withZero, { probability: 0.5 })).toBe(0.5);
  });

  it('is NaN on an empty list (the gate reports empty-span before measuring)', () => {
    for (const measure of [
      'mean-logprob',
      'min-logprob',
      'geometric-mean-probability',
      'first-token-probability',
    ] as const) {
      expect(measureLogprobs([], { measure })).toBeNaN();
    }
    expect(shareBelow([], { probability: 0.5 })).toBeNaN();
  });
});
