import { describe, expect, it } from 'vitest';
import {
  areaUnderErrorCost,
  areaUnderMixedErrorCost,
  cheapestReaching,
  mixedCostReaching,
  paretoFront,
  routeAt,
} from './frontier.ts';

const cheap = { accuracy: 0.6, costUsd: 1 };
const strong = { accuracy: 0.9, costUsd: 3 };

describe('frontier measures', () => {
  it('keeps the Pareto points, cheapest first', () => {
    expect(paretoFront([strong, { accuracy: 0.5, costUsd: 2 }, cheap])).toEqual([cheap, strong]);
  });

  it('integrates the step curve of affordable points', () => {
    // Error 0.4 from cost 1 to 3: the strong point only becomes affordable at 3.
    expect(areaUnderErrorCost([cheap, strong], 1, 3)).toBeCloseTo(0.4, 9);
    expect(areaUnderErrorCost([cheap, { accuracy: 0.9, costUsd: 2 }, strong], 1, 3)).toBeCloseTo(0.25, 9);
  });

  it('integrates random mixing as the line between the points', () => {
    expect(areaUnderMixedErrorCost([cheap, strong], 1, 3)).toBeCloseTo(0.25, 9);
    // A point above the line does not lower the hull.
    expect(areaUnderMixedErrorCost([cheap, { accuracy: 0.7, costUsd: 2 }, strong], 1, 3)).toBeCloseTo(0.25, 9);
    expect(mixedCostReaching([cheap, strong], 0.8)).toBeCloseTo(1 + (2 * 2) / 3, 9);
    expect(mixedCostReaching([cheap, strong], 0.95)).toBeUndefined();
  });

  it('finds the cheapest point reaching a target', () => {
    expect(cheapestReaching([cheap, strong], 0.85)).toBe(strong);
    expect(cheapestReaching([cheap, strong], 0.95)).toBeUndefined();
  });

  it('routes at a shared threshold with the margin rounding up', () => {
    const rows = {
      probabilities: [Float64Array.from([0.9, 0.55, 0.2])],
      correct: [
        [true, true],
        [false, true],
        [false, true],
      ],
      costUsd: [
        [1, 10],
        [1, 10],
        [1, 10],
      ],
    };
    expect(routeAt(rows, 0.5, 0)).toMatchObject({ accuracy: 2 / 3, costUsd: 12 / 3, shares: [2 / 3, 1 / 3] });
    expect(routeAt(rows, 0.5, 0.1)).toMatchObject({ accuracy: 1, costUsd: 21 / 3, shares: [1 / 3, 2 / 3] });
  });
});
