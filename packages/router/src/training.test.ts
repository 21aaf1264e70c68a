import { describe, expect, it } from 'vitest';
import { expectedCalibrationError, fitIsotonic, fitPlatt, reliabilityCurve, rocAuc } from './calibration-fit.ts';
import { createRouter } from './create-router.ts';
import { evaluateRouter } from './evaluate-router.ts';
import { seededRandom } from './random.ts';
import { parseRouterFile, stringifyRouterFile } from './router-file.ts';
import { syntheticExamples, syntheticRequest } from './testing/synthetic.ts';
import { calibrationFunction } from './tier-model.ts';
import { chooseSharedThreshold, trainRouter } from './train-router.ts';

const TIERS = ['small', 'medium', 'large'];

describe('trainRouter', () => {
  const examples = syntheticExamples(150, 3);

  it.each(['logistic', 'stumps'] as const)('%s learns which tier a request needs', (learner) => {
    const file = trainRouter({ examples, tiers: TIERS, learner, folds: 3 });
    expect(file.models.map((m) => m.learner)).toEqual([learner, learner]);
    const router = createRouter({ model: file, thresholds: 0.5 });
    const random = seededRandom(99);
    const decided = (['chat', 'math', 'code'] as const).map(
      (kind) => router.decide(syntheticRequest(kind, random, `fresh-${kind}`)).tier,
    );
    expect(decided).toEqual(['small', 'medium', 'large']);
    for (const report of file.training.calibration) expect(report.auc).toBeGreaterThan(0.85);
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const a = stringifyRouterFile(trainRouter({ examples, tiers: TIERS, folds: 3, seed: 5 }));
    const b = stringifyRouterFile(trainRouter({ examples, tiers: TIERS, folds: 3, seed: 5 }));
    expect(a).toBe(b);
    const c = stringifyRouterFile(trainRouter({ examples, tiers: TIERS, folds: 3, seed: 6 }));
    expect(c).not.toBe(a);
  });

  it('records the selection, label counts and a threshold rule in the file', () => {
    const file = trainRouter({ examples, tiers: TIERS, folds: 3, learner: 'auto' });
    expect(file.training.examples).toBe(150);
    expect(file.training.labelled).toEqual({ small: 150, medium: 150, large: 150 });
    expect(file.training.selection).toHaveLength(2);
    expect(file.training.selection[0]?.candidates.length).toBe(9); // 5 lambdas + 4 round counts
    expect(file.training.thresholdRule).toMatch(/at most 1%/);
    expect(Object.keys(file.thresholds)).toEqual(['small', 'medium']);
  });

  it('falls back to the base rate for a tier with too few labels of a class', () => {
    const allGood = examples.map((e) => ({ ...e, labels: [true, e.labels[1], true] }));
    const file = trainRouter({ examples: allGood, tiers: TIERS, folds: 3 });
    expect(file.training.selection[0]?.setting).toMatch(/constant/);
    const router = createRouter({ model: file, thresholds: 0.9 });
    const probability = router.decide({ prompt: 'anything' }).probabilities[0]?.probability ?? 0;
    expect(probability).toBeCloseTo(151 / 152, 6);
  });

  it('leaves unknown labels out of a tier fit (decision logs)', () => {
    const partial = examples.map((e, i) => ({
      ...e,
      labels: [e.labels[0], i % 2 === 0 ? e.labels[1] : undefined, true],
    }));
    const file = trainRouter({ examples: partial, tiers: TIERS, folds: 3 });
    expect(file.training.labelled.medium).toBe(75);
  });

  it('rejects bad options naming the field', () => {
    expect(() => trainRouter({ examples, tiers: ['one'] })).toThrow(/tiers/);
    expect(() => trainRouter({ examples, tiers: TIERS, folds: 1 })).toThrow(/folds/);
    expect(() => trainRouter({ examples, tiers: TIERS, lerner: 'x' } as never)).toThrow(/lerner: unknown option/);
    expect(() => trainRouter({ examples: examples.slice(0, 2), tiers: TIERS })).toThrow(/examples/);
  });
});

describe('default thresholds', () => {
  it('take the lowest shared threshold within the tolerance, but never under 0.5', () => {
    // Tier 0 is good exactly where its probability is high: any threshold above 0.1 routes without loss.
    const probabilities = [Float64Array.from([0.95, 0.9, 0.1, 0.05])];
    const labels = [
      [true, true],
      [true, true],
      [false, true],
      [false, true],
    ];
    expect(chooseSharedThreshold(probabilities, labels, 0.01)).toBe(0.5);
    // Now one of the confident ones is wrong: only a threshold above 0.9 keeps the loss at zero.
    const harder = [
      [true, true],
      [false, true],
      [false, true],
      [false, true],
    ];
    expect(chooseSharedThreshold(probabilities, harder, 0.01)).toBe(0.91);
    // A quarter of the rows may be lost: 0.5 again.
    expect(chooseSharedThreshold(probabilities, harder, 0.25)).toBe(0.5);
  });
});

describe('calibration', () => {
  // Scores whose true probability is sigmoid(2 * score - 1).
  const random = seededRandom(11);
  const scores = Array.from({ length: 4000 }, () => random() * 6 - 3);
  const labels = scores.map((s) => random() < 1 / (1 + Math.exp(-(2 * s - 1))));

  it('Platt scaling recovers the slope and intercept', () => {
    const platt = fitPlatt(scores, labels);
    if (platt.kind !== 'platt') throw new Error('expected platt');
    expect(platt.a).toBeCloseTo(2, 0);
    expect(platt.b).toBeCloseTo(-1, 0);
    const map = calibrationFunction(platt);
    const curve = reliabilityCurve(scores.map(map), labels);
    expect(expectedCalibrationError(curve)).toBeLessThan(0.03);
  });

  it('isotonic calibration is monotone and calibrated on its data', () => {
    const isotonic = fitIsotonic(scores, labels);
    if (isotonic.kind !== 'isotonic') throw new Error('expected isotonic');
    for (let i = 1; i < isotonic.probabilities.length; i += 1) {
      expect(isotonic.probabilities[i]).toBeGreaterThanOrEqual(isotonic.probabilities[i - 1] as number);
    }
    const map = calibrationFunction(isotonic);
    expect(expectedCalibrationError(reliabilityCurve(scores.map(map), labels))).toBeLessThan(0.03);
  });

  it('an uncalibrated score has a large ECE', () => {
    const overconfident = scores.map((s) => 1 / (1 + Math.exp(-8 * s)));
    expect(expectedCalibrationError(reliabilityCurve(overconfident, labels))).toBeGreaterThan(0.08);
  });

  it('AUC is 1 for a perfect ranking, 0.5 for ties', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBe(1);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [false, true, false, true])).toBe(0.5);
  });
});

describe('router file', () => {
  const file = trainRouter({ examples: syntheticExamples(90, 4), tiers: TIERS, folds: 3 });

  it('round-trips through JSON with identical decisions', () => {
    const text = stringifyRouterFile(file);
    const loaded = parseRouterFile(text);
    expect(stringifyRouterFile(loaded)).toBe(text);
    const a = createRouter({ model: file });
    const b = createRouter({ file: loaded });
    const random = seededRandom(3);
    for (let i = 0; i < 30; i += 1) {
      const request = syntheticRequest((['chat', 'math', 'code'] as const)[i % 3] as 'chat', random, `r${i}`);
      expect(b.decide(request)).toEqual(a.decide(request));
    }
  });

  it('refuses a file of another version or a damaged model, naming the field', () => {
    expect(() => parseRouterFile(JSON.stringify({ ...file, version: 2 }))).toThrow(/routerFile\.version/);
    const damaged = { ...file, models: [{ ...file.models[0], calibration: { kind: 'magic' } }, file.models[1]] };
    expect(() => parseRouterFile(JSON.stringify(damaged))).toThrow(/routerFile\.models\[0\]\.calibration\.kind/);
    expect(() => parseRouterFile('{')).toThrow(/not valid JSON/);
  });
});

describe('evaluateRouter', () => {
  it('measures a frontier on held-out folds that beats the single tiers on synthetic data', () => {
    const evaluation = evaluateRouter({
      examples: syntheticExamples(120, 8),
      tiers: TIERS,
      folds: 3,
      learner: 'logistic',
      within: 0.05, // the labels carry 5% unpredictable noise
    });
    const frontier = evaluation.frontier;
    if (frontier === undefined) throw new Error('expected a frontier');
    expect(frontier.requests).toBe(120);
    expect(frontier.singles.map((s) => s.tier)).toEqual(TIERS);
    expect(frontier.bestSingle.tier).toBe('large');
    expect(frontier.areaUnderErrorCost.router).toBeLessThan(frontier.areaUnderErrorCost.singles);
    const within = frontier.withinOfBest;
    expect(within?.costUsd).toBeLessThan(frontier.bestSingle.costUsd / 2);
    expect(evaluation.calibration).toHaveLength(2);
    expect(evaluation.selections[0]?.chosen).toHaveLength(3);
  });

  it('draws a learning curve over training sizes', () => {
    const evaluation = evaluateRouter({
      examples: syntheticExamples(90, 9),
      tiers: TIERS,
      folds: 3,
      learner: 'logistic',
      trainingSizes: [12, 60],
    });
    expect(evaluation.learningCurve.map((p) => p.trainingSize)).toEqual([12, 60]);
    const [few, many] = evaluation.learningCurve;
    expect(many?.logLoss).toBeLessThan(few?.logLoss ?? 0);
  });
});
