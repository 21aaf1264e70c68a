import { fitStumps } from './boosted-stumps.ts';
import { fitIsotonic, fitPlatt, logLoss } from './calibration-fit.ts';
import type { DesignMatrix } from './design-matrix.ts';
import type { FeatureVector } from './features.ts';
import { fitLogisticPath, logisticModelJson } from './logistic-regression.ts';
import type { CalibrationJson, RouterFile, TierModelJson, TierSelection } from './router-file.ts';
import { calibrationFunction, compileTierModel, standardize } from './tier-model.ts';

type FeatureConfigHolder = Pick<RouterFile, 'features'>;

/** Which learners and settings the cross-validation tries. */
export interface LearnerGrid {
  readonly learner: 'auto' | 'logistic' | 'stumps';
  /** L2 strengths for logistic regression. */
  readonly lambdas: readonly number[];
  /** Boosting rounds tried for stumps (one fit, read at each count). */
  readonly rounds: readonly number[];
  readonly calibration: 'platt' | 'isotonic';
}

/** One inner fold: a matrix of its training rows, and the vectors of its held-out rows. */
export interface FoldData {
  readonly matrix: DesignMatrix;
  /** Positions in the training subset of the matrix's rows and of the held-out rows. */
  readonly trainRows: readonly number[];
  readonly heldOutRows: readonly number[];
}

/** The fitted tier: its file model, the selection record, and out-of-fold calibrated probabilities. */
export interface TierFit {
  readonly model: TierModelJson;
  readonly selection: TierSelection;
  /** Out-of-fold calibrated probability per row of the subset (NaN where the tier is unlabelled). */
  readonly outOfFold: Float64Array;
}

const PLACEHOLDER: CalibrationJson = { kind: 'platt', a: 1, b: 0 };

function labelsFor(rows: readonly number[], labels: readonly (boolean | undefined)[]): Int8Array {
  return Int8Array.from(rows, (row) => (labels[row] === undefined ? -1 : labels[row] ? 1 : 0));
}

interface Candidate {
  readonly learner: 'logistic' | 'stumps';
  readonly setting: string;
  /** Builds the candidate's model (uncalibrated) from a matrix and its labels. */
  readonly modelsOf: (matrix: DesignMatrix, labels: Int8Array) => TierModelJson[];
}

function candidatesOf(tier: string, grid: LearnerGrid): { settings: string[]; learners: Candidate[] } {
  const learners: Candidate[] = [];
  if (grid.learner !== 'stumps') {
    learners.push({
      learner: 'logistic',
      setting: grid.lambdas.map((l) => `lambda=${l}`).join(','),
      modelsOf: (matrix, labels) =>
        fitLogisticPath(matrix, labels, grid.lambdas).map((fit) =>
          logisticModelJson(tier, matrix, fit.weights, PLACEHOLDER),
        ),
    });
  }
  if (grid.learner !== 'logistic') {
    const rounds = [...grid.rounds].sort((a, b) => a - b);
    learners.push({
      learner: 'stumps',
      setting: rounds.map((r) => `rounds=${r}`).join(','),
      modelsOf: (matrix, labels) => {
        const fit = fitStumps(matrix, labels, { rounds: rounds[rounds.length - 1] as number });
        return rounds.map((r) => ({
          learner: 'stumps' as const,
          tier,
          base: fit.base,
          stumps: fit.stumps.slice(0, r),
          calibration: PLACEHOLDER,
        }));
      },
    });
  }
  const settings = learners.flatMap((candidate) =>
    candidate.learner === 'logistic'
      ? [...grid.lambdas].sort((a, b) => b - a).map((l) => `logistic lambda=${l}`)
      : [...grid.rounds].sort((a, b) => a - b).map((r) => `stumps rounds=${r}`),
  );
  return { settings, learners };
}

function rawScores(
  model: TierModelJson,
  matrix: DesignMatrix,
  holder: FeatureConfigHolder,
  vectors: readonly FeatureVector[],
): (row: number) => number {
  const compiled = compileTierModel(model, holder);
  const dense = new Float64Array(matrix.denseWidth);
  return (row) => {
    const vector = vectors[row] as FeatureVector;
    return compiled.score(vector, standardize(vector.dense, matrix.standardization, dense));
  };
}

function calibrate(kind: LearnerGrid['calibration'], scores: number[], labels: boolean[]): CalibrationJson {
  return kind === 'isotonic' ? fitIsotonic(scores, labels) : fitPlatt(scores, labels);
}

/**
 * Fits one tier: cross-validates every candidate learner and setting on the inner folds, keeps the one with
 * the lowest out-of-fold log loss (after Platt scaling, so learners are compared as calibrated), refits it
 * on all rows, and calibrates it on its out-of-fold scores.
 */
export function fitTier(options: {
  readonly tier: string;
  readonly tierLabels: readonly (boolean | undefined)[];
  readonly vectors: readonly FeatureVector[];
  readonly rows: readonly number[];
  readonly folds: readonly FoldData[];
  readonly full: DesignMatrix;
  readonly holder: FeatureConfigHolder;
  readonly grid: LearnerGrid;
}): TierFit {
  const { tier, tierLabels, vectors, rows, folds, full, holder, grid } = options;
  const { settings, learners } = candidatesOf(tier, grid);
  // Out-of-fold raw scores per candidate setting, by position in `rows`.
  const scores = settings.map(() => new Float64Array(rows.length).fill(Number.NaN));
  for (const fold of folds) {
    const labels = labelsFor(
      fold.trainRows.map((p) => rows[p] as number),
      tierLabels,
    );
    let setting = 0;
    for (const candidate of learners) {
      for (const model of candidate.modelsOf(fold.matrix, labels)) {
        const score = rawScores(model, fold.matrix, holder, vectors);
        const out = scores[setting] as Float64Array;
        for (const p of fold.heldOutRows)
          if (tierLabels[rows[p] as number] !== undefined) out[p] = score(rows[p] as number);
        setting += 1;
      }
    }
  }
  const labelled = rows.map((_, p) => p).filter((p) => tierLabels[rows[p] as number] !== undefined);
  const truth = labelled.map((p) => tierLabels[rows[p] as number] as boolean);
  const losses = scores.map((out) => {
    const raw = labelled.map((p) => out[p] as number);
    const map = calibrationFunction(fitPlatt(raw, truth));
    return logLoss(raw.map(map), truth);
  });
  let best = 0;
  losses.forEach((loss, s) => {
    if (loss < (losses[best] as number) - 1e-12) best = s;
  });
  const chosen = settings[best] as string;
  const [learnerName, settingText] = chosen.split(' ') as ['logistic' | 'stumps', string];
  const fullLabels = labelsFor(rows, tierLabels);
  let model: TierModelJson;
  if (learnerName === 'logistic') {
    const lambda = Number(settingText.slice('lambda='.length));
    const path = grid.lambdas.filter((l) => l >= lambda);
    const fit = fitLogisticPath(full, fullLabels, path).at(-1) as { weights: Float64Array };
    model = logisticModelJson(tier, full, fit.weights, PLACEHOLDER);
  } else {
    const rounds = Number(settingText.slice('rounds='.length));
    const fit = fitStumps(full, fullLabels, { rounds });
    model = { learner: 'stumps', tier, base: fit.base, stumps: fit.stumps, calibration: PLACEHOLDER };
  }
  const chosenScores = scores[best] as Float64Array;
  const calibration = calibrate(
    grid.calibration,
    labelled.map((p) => chosenScores[p] as number),
    truth,
  );
  const map = calibrationFunction(calibration);
  const outOfFold = new Float64Array(rows.length).fill(Number.NaN);
  for (const p of labelled) outOfFold[p] = map(chosenScores[p] as number);
  return {
    model: { ...model, calibration },
    selection: {
      tier,
      learner: learnerName,
      setting: settingText,
      candidates: settings.map((setting, s) => {
        const [learner, value] = setting.split(' ') as [string, string];
        return { learner, setting: value, logLoss: Number((losses[s] as number).toFixed(5)) };
      }),
    },
    outOfFold,
  };
}
