import { ConfigError } from '@llm-cascade/core';
import { brierScore, expectedCalibrationError, logLoss, reliabilityCurve, rocAuc } from './calibration-fit.ts';
import { buildDesignMatrix } from './design-matrix.ts';
import { type FeatureConfig, resolveFeatureConfig } from './feature-config.ts';
import { createFeatureExtractor, type Embed, type FeatureVector } from './features.ts';
import { type FoldData, fitTier, type LearnerGrid } from './fit-tier.ts';
import { round6 } from './logistic-regression.ts';
import { stratifiedFolds } from './random.ts';
import { choose } from './route-policy.ts';
import {
  ROUTER_FILE_FORMAT,
  ROUTER_FILE_VERSION,
  type RouterFile,
  type TierCalibrationReport,
  type TierModelJson,
  type TierSelection,
} from './router-file.ts';
import { DENSE_FEATURE_NAMES } from './structure-features.ts';
import type { TrainingExample } from './training-example.ts';

export interface TrainRouterOptions {
  readonly examples: readonly TrainingExample[];
  /** The ladder, cheapest first, as the examples' labels are ordered; the last is the reference. */
  readonly tiers: readonly string[];
  /** Where the examples came from and how they were labelled, for the file's summary. */
  readonly source?: 'eval' | 'decisions';
  readonly label?: string;
  readonly features?: Partial<FeatureConfig>;
  /** An embedder whose vectors join the features (`features.embeddingDimensions` must be set). */
  readonly embed?: Embed;
  /** Cross-validation folds for model selection and calibration. Default 5. */
  readonly folds?: number;
  /** Seed of the fold assignment. Default 1. */
  readonly seed?: number;
  /**
   * Default `logistic`: on the pooled Zellinger splits both learners were within 0.01 of each other in
   * held-out log loss, logistic better calibrated (see BENCHMARKS.md). `auto` cross-validates both per
   * tier and keeps the better (about twice the time).
   */
  readonly learner?: LearnerGrid['learner'];
  /** Default [0.1, 0.03, 0.01, 0.003, 0.001]. */
  readonly lambdas?: readonly number[];
  /** Default [25, 50, 100, 200]. */
  readonly rounds?: readonly number[];
  /** Default `platt`. */
  readonly calibration?: LearnerGrid['calibration'];
  /**
   * The default thresholds are the lowest shared threshold whose out-of-fold routing sends at most this
   * share of requests to a tier labelled not good enough. Default 0.01 (one point).
   */
  readonly tolerance?: number;
}

/** Fewest labelled examples, and of each class, for a tier to get a learned model (else its base rate). */
const MIN_LABELLED = 10;
const MIN_CLASS = 3;
const THRESHOLD_GRID = Array.from({ length: 100 }, (_, i) => i / 100).concat([0.995, 0.999, 1]);

/** Resolved training settings. */
export interface TrainingSettings {
  readonly tiers: readonly string[];
  readonly features: FeatureConfig;
  readonly folds: number;
  readonly seed: number;
  readonly grid: LearnerGrid;
  readonly tolerance: number;
  readonly source: 'eval' | 'decisions';
  readonly label: string;
}

const OPTION_KEYS = new Set([
  'examples',
  'tiers',
  'source',
  'label',
  'features',
  'embed',
  'folds',
  'seed',
  'learner',
  'lambdas',
  'rounds',
  'calibration',
  'tolerance',
]);

/** Checks training options once; a bad one throws `ConfigError` naming it. */
export function resolveTrainingSettings(options: TrainRouterOptions): TrainingSettings {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConfigError(key, `unknown option (known: ${[...OPTION_KEYS].join(', ')})`);
  }
  const tiers = options.tiers;
  if (!Array.isArray(tiers) || tiers.length < 2 || new Set(tiers).size !== tiers.length) {
    throw new ConfigError('tiers', 'must list at least two distinct tiers, cheapest first');
  }
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2 || folds > 20) throw new ConfigError('folds', 'must be from 2 to 20');
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new ConfigError('seed', 'must be a whole number');
  const learner = options.learner ?? 'logistic';
  if (!['auto', 'logistic', 'stumps'].includes(learner)) {
    throw new ConfigError('learner', "must be 'auto', 'logistic' or 'stumps'");
  }
  const lambdas = options.lambdas ?? [0.1, 0.03, 0.01, 0.003, 0.001];
  if (lambdas.length === 0 || lambdas.some((l) => !(l > 0 && Number.isFinite(l)))) {
    throw new ConfigError('lambdas', 'must be positive numbers');
  }
  const rounds = options.rounds ?? [25, 50, 100, 200];
  if (rounds.length === 0 || rounds.some((r) => !Number.isInteger(r) || r < 1 || r > 5000)) {
    throw new ConfigError('rounds', 'must be whole numbers from 1 to 5000');
  }
  const calibration = options.calibration ?? 'platt';
  if (calibration !== 'platt' && calibration !== 'isotonic') {
    throw new ConfigError('calibration', "must be 'platt' or 'isotonic'");
  }
  const tolerance = options.tolerance ?? 0.01;
  if (!(tolerance >= 0 && tolerance < 1)) throw new ConfigError('tolerance', 'must be from 0 up to 1');
  return {
    tiers,
    features: resolveFeatureConfig(options.features),
    folds,
    seed,
    grid: { learner, lambdas: [...new Set(lambdas)], rounds: [...new Set(rounds)], calibration },
    tolerance,
    source: options.source ?? 'eval',
    label: options.label ?? 'as-good-as-reference',
  };
}

function constantModel(tier: string, positives: number, count: number, features: FeatureConfig): TierModelJson {
  // Too few labels to learn from: predict the smoothed base rate for every request.
  const rate = (positives + 1) / (count + 2);
  return {
    learner: 'logistic',
    tier,
    bias: 0,
    dense: DENSE_FEATURE_NAMES.map(() => 0),
    hashed: { indices: [], weights: [] },
    embedding: new Array<number>(features.embeddingDimensions).fill(0),
    calibration: { kind: 'platt', a: 1, b: round6(Math.log(rate / (1 - rate))) },
  };
}

/** Calibration quality of probabilities against labels (held out), as the file reports it. */
export function calibrationReport(tier: string, probabilities: number[], labels: boolean[]): TierCalibrationReport {
  const curve = reliabilityCurve(probabilities, labels);
  const r4 = (x: number) => (Number.isFinite(x) ? Number(x.toFixed(4)) : Number.NaN);
  return {
    tier,
    examples: labels.length,
    positives: labels.filter(Boolean).length,
    logLoss: r4(logLoss(probabilities, labels)),
    brier: r4(brierScore(probabilities, labels)),
    ece: r4(expectedCalibrationError(curve)),
    auc: r4(rocAuc(probabilities, labels)),
    reliability: curve.map((bin) => ({
      ...bin,
      meanPredicted: r4(bin.meanPredicted),
      observed: r4(bin.observed),
    })),
  };
}

/**
 * Defaults never start a request at a tier judged more likely to fail than not, even where the training
 * data was separable enough to allow a lower threshold.
 */
const MIN_DEFAULT_THRESHOLD = 0.5;

/**
 * The lowest shared threshold (at least 0.5) whose routing of `rows` (out-of-fold probabilities) sends at most
 * `tolerance` of them to a tier labelled not good enough. Rows whose routed tier is unlabelled are left
 * out of the share.
 */
export function chooseSharedThreshold(
  probabilities: readonly Float64Array[],
  labels: readonly (readonly (boolean | undefined)[])[],
  tolerance: number,
): number {
  const tiers = probabilities.length + 1;
  const candidates = Array.from({ length: tiers }, (_, i) => i);
  const rowProbabilities = new Float64Array(tiers);
  const thresholds = new Float64Array(tiers);
  for (const threshold of THRESHOLD_GRID) {
    thresholds.fill(threshold);
    let bad = 0;
    let counted = 0;
    labels.forEach((rowLabels, row) => {
      for (let t = 0; t < tiers - 1; t += 1) rowProbabilities[t] = (probabilities[t] as Float64Array)[row] as number;
      rowProbabilities[tiers - 1] = Number.NaN;
      // An unlabelled row has NaN probabilities: it is routed to the last tier and counts as known-good.
      const { index } = choose(candidates, rowProbabilities, thresholds, 0);
      const label = rowLabels[index];
      if (index === tiers - 1 || label === undefined) return;
      counted += 1;
      if (!label) bad += 1;
    });
    if (bad <= tolerance * Math.max(1, labels.length) || counted === 0)
      return Math.max(MIN_DEFAULT_THRESHOLD, threshold);
  }
  return 1;
}

/** The result of fitting on a subset of examples: the file and each tier's out-of-fold probabilities. */
export interface RouterFit {
  readonly file: RouterFile;
  /** Per trained tier, by position in `rows`: calibrated out-of-fold probability (NaN where unlabelled). */
  readonly outOfFold: readonly Float64Array[];
}

/** The inner folds over `rows`, stratified by how many tiers were good enough, each with its matrix. */
function buildFolds(
  examples: readonly TrainingExample[],
  vectors: readonly FeatureVector[],
  rows: readonly number[],
  settings: TrainingSettings,
): FoldData[] {
  const difficulty = rows.map((row) => (examples[row] as TrainingExample).labels.filter(Boolean).length);
  const foldOf = stratifiedFolds(difficulty, settings.folds, settings.seed);
  const folds: FoldData[] = [];
  for (let f = 0; f < settings.folds; f += 1) {
    const trainRows: number[] = [];
    const heldOutRows: number[] = [];
    rows.forEach((_, p) => {
      (foldOf[p] === f ? heldOutRows : trainRows).push(p);
    });
    if (heldOutRows.length === 0 || trainRows.length === 0) continue;
    const matrix = buildDesignMatrix(
      vectors,
      trainRows.map((p) => rows[p] as number),
    );
    folds.push({ matrix, trainRows, heldOutRows });
  }
  return folds;
}

/** Fits a router on `rows` of the examples, whose feature vectors are already extracted. */
export function fitRouter(
  examples: readonly TrainingExample[],
  vectors: readonly FeatureVector[],
  rows: readonly number[],
  settings: TrainingSettings,
): RouterFit {
  const tiers = settings.tiers;
  const folds = buildFolds(examples, vectors, rows, settings);
  const full = buildDesignMatrix(vectors, rows);
  const holder = { features: settings.features };
  const models: TierModelJson[] = [];
  const selection: TierSelection[] = [];
  const calibration: TierCalibrationReport[] = [];
  const outOfFold: Float64Array[] = [];
  const labelledCounts: Record<string, number> = {};
  const positiveCounts: Record<string, number> = {};
  for (let t = 0; t < tiers.length; t += 1) {
    const tier = tiers[t] as string;
    const tierLabels = examples.map((example) => example.labels[t]);
    const known = rows.filter((row) => tierLabels[row] !== undefined);
    const positives = known.filter((row) => tierLabels[row]).length;
    labelledCounts[tier] = known.length;
    positiveCounts[tier] = positives;
    if (t === tiers.length - 1) break;
    if (known.length < MIN_LABELLED || positives < MIN_CLASS || known.length - positives < MIN_CLASS) {
      models.push(constantModel(tier, positives, known.length, settings.features));
      selection.push({ tier, learner: 'logistic', setting: 'constant (too few labels of each class)', candidates: [] });
      const rate = (positives + 1) / (known.length + 2);
      outOfFold.push(Float64Array.from(rows, (row) => (tierLabels[row] === undefined ? Number.NaN : rate)));
      continue;
    }
    const fit = fitTier({ tier, tierLabels, vectors, rows, folds, full, holder, grid: settings.grid });
    models.push(fit.model);
    selection.push(fit.selection);
    outOfFold.push(fit.outOfFold);
    const kept = rows.map((_, p) => p).filter((p) => !Number.isNaN(fit.outOfFold[p] as number));
    calibration.push(
      calibrationReport(
        tier,
        kept.map((p) => fit.outOfFold[p] as number),
        kept.map((p) => tierLabels[rows[p] as number] as boolean),
      ),
    );
  }
  const threshold = chooseSharedThreshold(
    outOfFold,
    rows.map((row) => (examples[row] as TrainingExample).labels),
    settings.tolerance,
  );
  const file: RouterFile = {
    format: ROUTER_FILE_FORMAT,
    version: ROUTER_FILE_VERSION,
    tiers,
    features: settings.features,
    standardization: { mean: [...full.standardization.mean], scale: [...full.standardization.scale] },
    models,
    thresholds: Object.fromEntries(tiers.slice(0, -1).map((tier) => [tier, threshold])),
    training: {
      source: settings.source,
      examples: rows.length,
      label: settings.label,
      labelled: labelledCounts,
      positives: positiveCounts,
      folds: settings.folds,
      seed: settings.seed,
      selection,
      calibration,
      thresholdRule: `lowest shared threshold (at least 0.5) whose out-of-fold routing sent at most ${settings.tolerance * 100}% of requests to a tier labelled not good enough`,
    },
  };
  return { file, outOfFold };
}

/** Extracts every example's features once (the costly part of a repeated fit is not this). */
export function extractAll(
  examples: readonly TrainingExample[],
  features: FeatureConfig,
  embed: Embed | undefined,
): FeatureVector[] {
  const extractor = createFeatureExtractor({ features, ...(embed === undefined ? {} : { embed }) });
  return examples.map((example) => extractor.extract(example.request));
}

/**
 * Trains a router from labelled examples: features, one calibrated model per tier but the last (learner
 * and regularisation chosen by cross-validation), default thresholds, and a summary with held-out
 * calibration. Deterministic for a seed. The result is the router file (write it with
 * `stringifyRouterFile`, load it with `createRouter`).
 */
export function trainRouter(options: TrainRouterOptions): RouterFile {
  const settings = resolveTrainingSettings(options);
  const examples = options.examples;
  if (!Array.isArray(examples) || examples.length < settings.folds) {
    throw new ConfigError('examples', `must hold at least ${settings.folds} examples (one per fold)`);
  }
  examples.forEach((example, i) => {
    if (example.labels.length !== settings.tiers.length) {
      throw new ConfigError(`examples[${i}].labels`, `must have one entry per tier (${settings.tiers.length})`);
    }
  });
  const vectors = extractAll(examples, settings.features, options.embed);
  return fitRouter(
    examples,
    vectors,
    examples.map((_, i) => i),
    settings,
  ).file;
}
