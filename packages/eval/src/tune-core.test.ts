import { describe, expect, it } from 'vitest';
import { applyProfile, type CascadeProfile, checkProfile, PROFILE_FORMAT, PROFILE_VERSION } from './cascade-profile.ts';
import type { CandidateEstimate } from './cross-validate.ts';
import { commonCostRange, errorCostArea } from './error-cost-area.ts';
import { createFitSet, fitLadder, fitThresholds } from './fit-thresholds.ts';
import { enumerateLadders, lambdaGrid } from './ladder-space.ts';
import { normalQuantile } from './normal-quantile.ts';
import { allQueries, bestModel, type OutcomeMatrix } from './outcome-matrix.ts';
import { kFolds, seededRandom } from './seeded-random.ts';
import { estimatedFrontier, selectCandidate } from './select-candidate.ts';
import { simulateLadder } from './simulate-ladder.ts';

/** A matrix from per-model rows: [correct, confidence, gated cost, final cost] per query. */
function matrixOf(rows: readonly (readonly [number, number, number, number])[][]): OutcomeMatrix {
  return {
    models: rows.map((_, m) => `m${m}`),
    ids: (rows[0] ?? []).map((_, q) => `q${q}`),
    correct: rows.map((row) => Uint8Array.from(row.map((r) => r[0]))),
    confidence: rows.map((row) => Float64Array.from(row.map((r) => r[1]))),
    gatedCostUsd: rows.map((row) => Float64Array.from(row.map((r) => r[2]))),
    finalCostUsd: rows.map((row) => Float64Array.from(row.map((r) => r[3]))),
  };
}

function randomMatrix(seed: number, n: number, models: number): OutcomeMatrix {
  const random = seededRandom(seed);
  return matrixOf(
    Array.from({ length: models }, (_, m) =>
      Array.from({ length: n }, () => {
        const confidence = Math.round(random() * 20) / 20;
        const skill = 0.3 + (0.6 * m) / Math.max(1, models - 1);
        const correct = random() < skill * (0.5 + confidence / 2) ? 1 : 0;
        const cost = 10 ** m;
        return [correct, confidence, cost * 1.5, cost] as const;
      }),
    ),
  );
}

describe('simulateLadder', () => {
  it('climbs until a tier is confident, paying every tier reached', () => {
    // Two queries; the small model is sure of the first (right) and unsure of the second (wrong).
    const matrix = matrixOf([
      [
        [1, 0.9, 2, 1],
        [0, 0.2, 2, 1],
      ],
      [
        [1, 0.5, 20, 10],
        [1, 0.5, 20, 10],
      ],
    ]);
    const outcome = simulateLadder(matrix, { ladder: [0, 1], thresholds: [0.5] }, allQueries(matrix));
    // q0 answered by m0 (gated cost 2); q1 escalates: 2 + the last tier's final cost 10.
    expect(outcome).toEqual({ queries: 2, correct: 2, costUsd: 2 + 12 });
    const start = simulateLadder(matrix, { ladder: [0, 1], thresholds: [0.5] }, allQueries(matrix), {
      start: () => 1,
    });
    expect(start.costUsd).toBe(20);
    expect(bestModel(matrix, allQueries(matrix))).toBe(1);
  });
});

describe('fitThresholds', () => {
  it('finds the exact optimum of a two-tier ladder among the distinct confidences', () => {
    for (let seed = 1; seed <= 10; seed += 1) {
      const matrix = randomMatrix(seed, 60, 2);
      const queries = allQueries(matrix);
      const fit = createFitSet(matrix, queries);
      const lambda = 0.02 * seed;
      const loss = (t: number) => {
        const o = simulateLadder(matrix, { ladder: [0, 1], thresholds: [t] }, queries);
        return queries.length - o.correct + lambda * o.costUsd;
      };
      const [threshold] = fitThresholds(fit, [0, 1], lambda);
      const candidates = [Number.POSITIVE_INFINITY, ...new Set(matrix.confidence[0])];
      const best = Math.min(...candidates.map(loss));
      expect(loss(threshold as number)).toBeCloseTo(best, 9);
      // Thresholds sit between neighbouring data values: never on a grid of their own.
      if (threshold !== Number.POSITIVE_INFINITY) {
        const values = [...new Set(matrix.confidence[0])].sort((a, b) => b - a);
        const above = values.filter((v) => v >= (threshold as number));
        expect(above.length).toBeGreaterThan(0);
      }
    }
  });

  it('drops a gated tier that is best accepting nothing (it is never called)', () => {
    // m1 costs as much as m2 and is always wrong when confident: the fit must not keep it.
    const matrix = matrixOf([
      Array.from({ length: 10 }, (_, q) => [q < 5 ? 1 : 0, q < 5 ? 0.9 : 0.1, 1, 1] as const),
      Array.from({ length: 10 }, () => [0, 0.99, 100, 100] as const),
      Array.from({ length: 10 }, () => [1, 0.5, 100, 100] as const),
    ]);
    const fit = createFitSet(matrix, allQueries(matrix));
    const raw = fitThresholds(fit, [0, 1, 2], 0.001);
    expect(raw[1]).toBe(Number.POSITIVE_INFINITY);
    const fitted = fitLadder(fit, [0, 1, 2], 0.001);
    expect(fitted.ladder).toEqual([0, 2]);
    expect(fitted.thresholds).toEqual([0.5]);
  });
});

describe('search space and folds', () => {
  it('enumerates ladders climbing in cost, or in any order', () => {
    const costs = [3, 1, 2];
    const ladders = enumerateLadders({ models: 3, costs, maxTiers: 3 });
    expect(ladders).toHaveLength(7);
    for (const ladder of ladders) {
      for (let i = 1; i < ladder.length; i += 1) {
        expect(costs[ladder[i] as number]).toBeGreaterThan(costs[ladder[i - 1] as number] as number);
      }
    }
    expect(enumerateLadders({ models: 3, costs, maxTiers: 3, order: 'any' })).toHaveLength(3 + 6 + 6);
    expect(enumerateLadders({ models: 9, costs: Array.from({ length: 9 }, (_, i) => i) })).toHaveLength(255);
    expect(() => enumerateLadders({ models: 3, costs, maxTiers: 5 })).toThrow(/maxTiers/);
    expect(lambdaGrid(5)[0]).toBe(0);
  });

  it('k-fold splits partition the queries, reproducibly', () => {
    const items = Int32Array.from({ length: 23 }, (_, i) => i);
    const folds = kFolds(items, 5, seededRandom(3));
    expect(folds.map((f) => f.length).sort()).toEqual([4, 4, 5, 5, 5]);
    expect([...folds.flatMap((f) => [...f])].sort((a, b) => a - b)).toEqual([...items]);
    expect(kFolds(items, 5, seededRandom(3))).toEqual(folds);
  });
});

const estimate = (ladder: number[], delta: number, se: number, cost: number, costSe = 0): CandidateEstimate => ({
  candidate: { ladder, lambda: 0 },
  accuracyDelta: delta,
  accuracyDeltaSe: se,
  relativeCost: cost,
  relativeCostSe: costSe,
  keptWhole: 1,
});

describe('selectCandidate', () => {
  const estimates = [
    estimate([2], 0, 0, 1),
    estimate([0, 2], -0.005, 0.01, 0.4),
    estimate([1, 2], -0.02, 0.01, 0.3),
    estimate([0, 1, 2], -0.009, 0.0005, 0.5),
  ];
  it('within: the cheapest whose bound holds', () => {
    const pick = (z: number) => {
      const s = selectCandidate(estimates, { kind: 'within', points: 0.01 }, z);
      return s.found ? s.estimate.candidate.ladder : undefined;
    };
    expect(pick(0)).toEqual([0, 2]);
    // Half a point of noise more and [0, 2] may lose more than a point: the steadier ladder wins.
    expect(pick(1)).toEqual([0, 1, 2]);
    expect(pick(3)).toEqual([2]);
  });
  it('max-relative-cost and lambda', () => {
    const capped = selectCandidate(estimates, { kind: 'max-relative-cost', value: 0.45 }, 0);
    expect(capped.found && capped.estimate.candidate.ladder).toEqual([0, 2]);
    expect(selectCandidate(estimates, { kind: 'max-relative-cost', value: 0.1 }, 0).found).toBe(false);
    const lagrange = selectCandidate(estimates, { kind: 'lambda', lambda: 1 }, 0);
    expect(lagrange.found && lagrange.estimate.candidate.ladder).toEqual([1, 2]);
    expect(estimatedFrontier(estimates, [0, 0.01, 1]).map((e) => e.candidate.ladder)).toEqual([[1, 2], [0, 2], [2]]);
  });
});

describe('errorCostArea (Zellinger & Thomson)', () => {
  it('is the mean error over the cost range of the linearly joined curve', () => {
    const curve = [
      { cost: 0, accuracy: 0.5 },
      { cost: 1, accuracy: 0.7 },
      { cost: 2, accuracy: 0.8 },
    ];
    // Integral of accuracy over [0, 2]: 0.6 + 0.75 = 1.35; mean error 1 - 1.35 / 2.
    expect(errorCostArea(curve, 0, 2)).toBeCloseTo(1 - 1.35 / 2, 12);
    // Extended linearly past the last point: accuracy 0.9 at cost 3.
    expect(errorCostArea(curve, 2, 3)).toBeCloseTo(1 - 0.85, 12);
    expect(
      commonCostRange([
        curve,
        [
          { cost: 0.5, accuracy: 1 },
          { cost: 5, accuracy: 1 },
        ],
      ]),
    ).toEqual({ from: 0.5, to: 2 });
  });
});

describe('normalQuantile', () => {
  it('matches known values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 6);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 6);
    expect(normalQuantile(0.7)).toBeCloseTo(0.5244005127, 6);
  });
});

describe('profiles', () => {
  const profile = {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    name: 'p',
    tiers: [{ model: 'small', threshold: 0.9 }, { model: 'large' }],
    confidenceGate: 'logprob',
    params: { 'accept.scale': 2 },
  } as unknown as CascadeProfile;

  it('applyProfile builds one tier per profile tier with its threshold', async () => {
    const seen: unknown[] = [];
    const options = await applyProfile({
      profile,
      provider: { specificationVersion: 1 } as never,
      params: { accept: { scale: 1 } },
      tier: ({ model, threshold, params }) => {
        seen.push({ model, threshold, params });
        return { name: model, model, provider: {} as never };
      },
    });
    expect(options.tiers.map((t) => t.name)).toEqual(['small', 'large']);
    expect(options).toMatchObject({ name: 'p', onExhausted: 'best' });
    expect(seen).toEqual([
      { model: 'small', threshold: 0.9, params: { accept: { scale: 2 } } },
      { model: 'large', threshold: undefined, params: { accept: { scale: 2 } } },
    ]);
  });

  it('checkProfile names what is wrong', () => {
    const field = (value: unknown) => {
      try {
        checkProfile(value);
      } catch (error) {
        return (error as { field?: string }).field;
      }
      return undefined;
    };
    expect(field({ ...profile, version: 2 })).toBe('profile.version');
    expect(field({ ...profile, format: 'x' })).toBe('profile.format');
    expect(field({ ...profile, tiers: [{ model: 'a' }, { model: 'b' }] })).toBe('profile.tiers[0].threshold');
    expect(field({ ...profile, tiers: [{ model: 'a', threshold: 1 }] })).toBe('profile.tiers[0].threshold');
    expect(field(profile)).toBeUndefined();
  });
});
