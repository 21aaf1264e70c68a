import { ConfigError } from '@llm-cascade/core';
import type { Embed, FeatureVector } from './features.ts';
import {
  areaUnderErrorCost,
  areaUnderMixedErrorCost,
  cheapestReaching,
  DEFAULT_THRESHOLD_GRID,
  type FrontierPoint,
  mixedCostReaching,
  paretoFront,
  type RoutedRows,
  routeAt,
  type SinglePoint,
  singlePoints,
} from './frontier.ts';
import { seededRandom, shuffled, stratifiedFolds } from './random.ts';
import { type RouterFile, type TierCalibrationReport, validateRouterFile } from './router-file.ts';
import { compileTierModel, standardize } from './tier-model.ts';
import {
  calibrationReport,
  extractAll,
  fitRouter,
  resolveTrainingSettings,
  type TrainingSettings,
  type TrainRouterOptions,
} from './train-router.ts';
import type { TrainingExample } from './training-example.ts';

export interface EvaluateRouterOptions extends TrainRouterOptions {
  /** Shared thresholds swept for the frontier. Default 0 to 1 by 0.01, and 1.01 (all to the last tier). */
  readonly thresholds?: readonly number[];
  /** Uncertainty margin used while routing. Default 0. */
  readonly margin?: number;
  /** "Within x points of the best single tier": x as a fraction. Default 0.01. */
  readonly within?: number;
  /** Also measure with the training folds cut to these sizes (a learning curve). */
  readonly trainingSizes?: readonly number[];
}

/** The router-only policy measured on held-out folds. */
export interface RouterFrontier {
  /** Requests with correctness and cost known for every tier (the others are left out of the frontier). */
  readonly requests: number;
  readonly singles: readonly SinglePoint[];
  readonly bestSingle: SinglePoint;
  readonly points: readonly FrontierPoint[];
  readonly pareto: readonly FrontierPoint[];
  /**
   * The cheapest swept threshold within `within` of the best single tier's accuracy. Picked on the
   * held-out results themselves, so it is optimistic; `trainedThresholds` is the honest figure.
   */
  readonly withinOfBest: FrontierPoint | undefined;
  /** What random mixing of the single tiers pays per request for the same accuracy. */
  readonly withinOfBestRandomMixCostUsd: number | undefined;
  /** Each fold's own default thresholds (chosen on its training rows) applied to its held-out rows. */
  readonly trainedThresholds: {
    readonly accuracy: number;
    readonly costUsd: number;
    readonly shares: readonly number[];
  };
  /**
   * Mean error over the cost range from the cheapest to the dearest single tier (lower is better): the
   * router's best point affordable at each budget; the single tiers' (a step at each); and random mixing
   * of the single tiers (their lower convex hull), the baseline a learned router must beat.
   */
  readonly areaUnderErrorCost: { readonly router: number; readonly singles: number; readonly randomMix: number };
}

/** One training size of a learning curve. */
export interface LearningCurvePoint {
  readonly trainingSize: number;
  /** Mean over trained tiers of the held-out log loss and AUC. */
  readonly logLoss: number;
  readonly auc: number;
  readonly areaUnderErrorCost: number | undefined;
  readonly withinOfBestCostUsd: number | undefined;
}

/** Cross-validated quality of a router trained on these examples. */
export interface RouterEvaluation {
  readonly tiers: readonly string[];
  readonly examples: number;
  readonly folds: number;
  /** Held-out calibration per trained tier (each fold's model on its held-out rows). */
  readonly calibration: readonly TierCalibrationReport[];
  /** Present when every tier's correctness and cost are known for some requests (eval data with prices). */
  readonly frontier: RouterFrontier | undefined;
  /** The learner and setting each fold chose, per tier (how stable the selection is). */
  readonly selections: readonly { readonly tier: string; readonly chosen: readonly string[] }[];
  readonly learningCurve: readonly LearningCurvePoint[];
  /**
   * Per trained tier, per example (input order): the held-out calibrated probability, for analyses of
   * your own (combining the router with gates, say).
   */
  readonly heldOutProbabilities: readonly (readonly number[])[];
}

interface HeldOut {
  /** Per trained tier, per example index: held-out calibrated probability (NaN when not held out). */
  readonly probabilities: Float64Array[];
  /** Per trained tier, per example index: the threshold of the router that predicted it. */
  readonly thresholds: Float64Array[];
  readonly files: RouterFile[];
}

function predictHeldOut(
  examples: readonly TrainingExample[],
  vectors: readonly FeatureVector[],
  settings: TrainingSettings,
  trainingSize: number | undefined,
): HeldOut {
  const tiers = settings.tiers;
  const difficulty = examples.map((example) => example.labels.filter(Boolean).length);
  const outer = stratifiedFolds(difficulty, settings.folds, settings.seed + 7919);
  const probabilities = tiers.slice(0, -1).map(() => new Float64Array(examples.length).fill(Number.NaN));
  const thresholds = tiers.slice(0, -1).map(() => new Float64Array(examples.length).fill(Number.NaN));
  const files: RouterFile[] = [];
  for (let f = 0; f < settings.folds; f += 1) {
    let train = examples.map((_, i) => i).filter((i) => outer[i] !== f);
    if (trainingSize !== undefined && trainingSize < train.length) {
      train = shuffled(train, seededRandom(settings.seed * 31 + f))
        .slice(0, trainingSize)
        .sort((a, b) => a - b);
    }
    const { file } = fitRouter(examples, vectors, train, settings);
    files.push(file);
    const models = file.models.map((model) => compileTierModel(model, file));
    const dense = new Float64Array(file.standardization.mean.length);
    examples.forEach((_, i) => {
      if (outer[i] !== f) return;
      const vector = vectors[i] as FeatureVector;
      standardize(vector.dense, file.standardization, dense);
      models.forEach((model, t) => {
        (probabilities[t] as Float64Array)[i] = model.probability(model.score(vector, dense));
      });
      tiers.slice(0, -1).forEach((tier, t) => {
        (thresholds[t] as Float64Array)[i] = file.thresholds[tier] ?? 0.5;
      });
    });
  }
  return { probabilities, thresholds, files };
}

function frontierOf(
  examples: readonly TrainingExample[],
  heldOut: HeldOut,
  tiers: readonly string[],
  grid: readonly number[],
  margin: number,
  within: number,
): RouterFrontier | undefined {
  const complete = examples
    .map((_, i) => i)
    .filter((i) => {
      const example = examples[i] as TrainingExample;
      return (
        example.correct?.every((c) => c !== undefined) === true &&
        example.costUsd?.every((c) => c !== undefined) === true &&
        example.correct.length === tiers.length &&
        !Number.isNaN(heldOut.probabilities[0]?.[i] ?? Number.NaN)
      );
    });
  if (complete.length === 0) return undefined;
  const rows: RoutedRows = {
    probabilities: heldOut.probabilities.map((p) => Float64Array.from(complete, (i) => p[i] as number)),
    correct: complete.map((i) => (examples[i] as TrainingExample).correct as boolean[]),
    costUsd: complete.map((i) => (examples[i] as TrainingExample).costUsd as number[]),
  };
  const singles = singlePoints(rows, tiers);
  const bestSingle = singles.reduce((best, s) => (s.accuracy > best.accuracy ? s : best));
  const points = grid.map((threshold) => routeAt(rows, threshold, margin));
  // Each held-out row at its own fold's threshold.
  const trained = routeAt(
    {
      ...rows,
      // Folding the per-row threshold into the probabilities: p - t + 0.5 clears 0.5 exactly when p clears t.
      probabilities: rows.probabilities.map((p, t) =>
        Float64Array.from(
          p,
          (value, k) => value - ((heldOut.thresholds[t] as Float64Array)[complete[k] as number] as number) + 0.5,
        ),
      ),
    },
    0.5,
    margin,
  );
  const low = Math.min(...singles.map((s) => s.costUsd));
  const high = Math.max(...singles.map((s) => s.costUsd));
  return {
    requests: complete.length,
    singles,
    bestSingle,
    points,
    pareto: paretoFront(points),
    withinOfBest: cheapestReaching(points, bestSingle.accuracy - within),
    withinOfBestRandomMixCostUsd: mixedCostReaching(singles, bestSingle.accuracy - within),
    trainedThresholds: { accuracy: trained.accuracy, costUsd: trained.costUsd, shares: trained.shares },
    areaUnderErrorCost: {
      router: areaUnderErrorCost(points, low, high),
      singles: areaUnderErrorCost(singles, low, high),
      randomMix: areaUnderMixedErrorCost(singles, low, high),
    },
  };
}

function calibrationOf(
  examples: readonly TrainingExample[],
  heldOut: HeldOut,
  tiers: readonly string[],
): TierCalibrationReport[] {
  return heldOut.probabilities.map((p, t) => {
    const rows = examples
      .map((_, i) => i)
      .filter((i) => !Number.isNaN(p[i] as number) && examples[i]?.labels[t] !== undefined);
    return calibrationReport(
      tiers[t] as string,
      rows.map((i) => p[i] as number),
      rows.map((i) => (examples[i] as TrainingExample).labels[t] as boolean),
    );
  });
}

export interface EvaluateRouterFileOptions {
  /** The trained router (from `trainRouter` or a parsed file). */
  readonly file: RouterFile;
  /** Held-out examples, labelled by the same rule as the training data. */
  readonly examples: readonly TrainingExample[];
  readonly embed?: Embed;
  readonly thresholds?: readonly number[];
  readonly margin?: number;
  readonly within?: number;
}

/**
 * Measures a trained router on held-out examples (a test split it never saw): calibration per tier, and
 * on eval data with costs the frontier over shared thresholds, with the file's own thresholds as the
 * "trained" point. Nothing is fitted.
 */
export function evaluateRouterFile(options: EvaluateRouterFileOptions): RouterEvaluation {
  const file = validateRouterFile(options.file, 'file');
  const examples = options.examples;
  const tiers = file.tiers;
  examples.forEach((example, i) => {
    if (example.labels.length !== tiers.length) {
      throw new ConfigError(`examples[${i}].labels`, `must have one entry per tier of the file (${tiers.length})`);
    }
  });
  const vectors = extractAll(examples, file.features, options.embed);
  const models = file.models.map((model) => compileTierModel(model, file));
  const dense = new Float64Array(file.standardization.mean.length);
  const probabilities = models.map(() => new Float64Array(examples.length));
  vectors.forEach((vector, i) => {
    standardize(vector.dense, file.standardization, dense);
    models.forEach((model, t) => {
      (probabilities[t] as Float64Array)[i] = model.probability(model.score(vector, dense));
    });
  });
  const thresholds = tiers
    .slice(0, -1)
    .map((tier) => new Float64Array(examples.length).fill(file.thresholds[tier] ?? 0.5));
  const heldOut: HeldOut = { probabilities, thresholds, files: [file] };
  const margin = options.margin ?? 0;
  return {
    tiers,
    examples: examples.length,
    folds: 0,
    calibration: calibrationOf(examples, heldOut, tiers),
    frontier: frontierOf(
      examples,
      heldOut,
      tiers,
      options.thresholds ?? DEFAULT_THRESHOLD_GRID,
      margin,
      options.within ?? 0.01,
    ),
    selections: file.training.selection.map((s) => ({ tier: s.tier, chosen: [`${s.learner} ${s.setting}`] })),
    learningCurve: [],
    heldOutProbabilities: probabilities.map((p) => Array.from(p)),
  };
}

/**
 * Cross-validates the whole training procedure (nested: each outer fold trains a router with its own
 * inner cross-validation, then routes the held-out fold). Reports held-out calibration, and on eval data
 * with costs, the router-only frontier against each single tier. Nothing is fitted on held-out rows.
 */
export function evaluateRouter(options: EvaluateRouterOptions): RouterEvaluation {
  const { thresholds, margin, within, trainingSizes, ...trainOptions } = options;
  const settings = resolveTrainingSettings(trainOptions);
  const examples = options.examples;
  if (examples.length < settings.folds * 2) {
    throw new ConfigError('examples', `must hold at least ${settings.folds * 2} examples for ${settings.folds} folds`);
  }
  const grid = thresholds ?? DEFAULT_THRESHOLD_GRID;
  const routeMargin = margin ?? 0;
  if (!(routeMargin >= 0 && routeMargin < 1)) throw new ConfigError('margin', 'must be from 0 up to 1');
  const withinPoints = within ?? 0.01;
  const vectors = extractAll(examples, settings.features, options.embed);
  const tiers = settings.tiers;
  const heldOut = predictHeldOut(examples, vectors, settings, undefined);
  const calibration = calibrationOf(examples, heldOut, tiers);
  const frontier = frontierOf(examples, heldOut, tiers, grid, routeMargin, withinPoints);
  const learningCurve = (trainingSizes ?? []).map((size): LearningCurvePoint => {
    if (!Number.isInteger(size) || size < settings.folds * 2) {
      throw new ConfigError('trainingSizes', `must be whole numbers at least ${settings.folds * 2}`);
    }
    const partial = predictHeldOut(examples, vectors, settings, size);
    const reports = calibrationOf(examples, partial, tiers).filter((r) => Number.isFinite(r.auc));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const curve = frontierOf(examples, partial, tiers, grid, routeMargin, withinPoints);
    return {
      trainingSize: Math.min(size, Math.floor((examples.length * (settings.folds - 1)) / settings.folds)),
      logLoss: mean(reports.map((r) => r.logLoss)),
      auc: mean(reports.map((r) => r.auc)),
      areaUnderErrorCost: curve?.areaUnderErrorCost.router,
      withinOfBestCostUsd: curve?.withinOfBest?.costUsd,
    };
  });
  return {
    tiers,
    examples: examples.length,
    folds: settings.folds,
    calibration,
    frontier,
    selections: tiers.slice(0, -1).map((tier, t) => ({
      tier,
      chosen: heldOut.files.map((file) => {
        const selection = file.training.selection[t];
        return selection === undefined ? '?' : `${selection.learner} ${selection.setting}`;
      }),
    })),
    learningCurve,
    heldOutProbabilities: heldOut.probabilities.map((p) => Array.from(p)),
  };
}
