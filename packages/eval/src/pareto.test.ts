import { describe, expect, it } from 'vitest';
import { paretoFront, selectSetting } from './pareto.ts';

const points = [
  { costUsd: 1, accuracy: 0.5 }, // 0: cheapest, on the front
  { costUsd: 2, accuracy: 0.7 }, // 1: on the front
  { costUsd: 2, accuracy: 0.7 }, // 2: duplicate of 1, not listed twice
  { costUsd: 3, accuracy: 0.6 }, // 3: dominated by 1
  { costUsd: 5, accuracy: 0.9 }, // 4: on the front
  { costUsd: 4, accuracy: 0.9 }, // 5: cheaper for the same accuracy: on the front, dominates 4
  { costUsd: 0.5, accuracy: Number.NaN }, // 6: unscored, never on it
];

describe('paretoFront', () => {
  it('keeps the points no other beats on both cost and accuracy', () => {
    expect([...paretoFront(points)].sort()).toEqual([0, 1, 5]);
  });

  it('handles an empty list and a single point', () => {
    expect(paretoFront([]).size).toBe(0);
    expect([...paretoFront([{ costUsd: 3, accuracy: 0.1 }])]).toEqual([0]);
  });
});

describe('selectSetting', () => {
  it('picks the cheapest setting meeting the target accuracy', () => {
    expect(selectSetting(points, { targetAccuracy: 0.65 }, 10)).toMatchObject({ found: true, index: 1 });
    expect(selectSetting(points, { targetAccuracy: 0.9 }, 10)).toMatchObject({ found: true, index: 5 });
    expect(selectSetting(points, { targetAccuracy: 0.95 }, 10)).toEqual({
      found: false,
      reason: 'no setting reaches accuracy 0.95 (best: 0.9)',
    });
  });

  it('picks the most accurate setting within a cost cap, per request or in total', () => {
    // 10 requests: $0.35 per request is $3.5 in total.
    expect(selectSetting(points, { maxCostUsd: 0.35 }, 10)).toMatchObject({ found: true, index: 1 });
    expect(selectSetting(points, { maxCostUsd: 4, per: 'total' }, 10)).toMatchObject({ found: true, index: 5 });
    expect(selectSetting(points, { maxCostUsd: 0.01 }, 10)).toMatchObject({ found: false });
  });
});
