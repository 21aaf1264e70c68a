import { ConfigError } from '@llm-cascade/core';
import { type FeatureConfig, resolveFeatureConfig } from './feature-config.ts';
import { DENSE_FEATURE_NAMES } from './structure-features.ts';

/** The router file's `format` marker. */
export const ROUTER_FILE_FORMAT = 'llm-cascade-router' as const;
/** The router file schema version this package writes and reads. Bumped only on a breaking change. */
export const ROUTER_FILE_VERSION = 1 as const;

/** Maps a model's raw score to a probability; fitted on held-out folds. */
export type CalibrationJson =
  | { readonly kind: 'platt'; readonly a: number; readonly b: number }
  | {
      readonly kind: 'isotonic';
      /** Increasing raw scores (block centres) ... */
      readonly scores: readonly number[];
      /** ... and their non-decreasing probabilities; interpolated linearly, clamped at the ends. */
      readonly probabilities: readonly number[];
    };

/** L2-regularised logistic regression on standardised dense, hashed and embedding features. */
export interface LogisticModelJson {
  readonly learner: 'logistic';
  readonly tier: string;
  readonly bias: number;
  /** One weight per dense feature (`DENSE_FEATURE_NAMES` order). */
  readonly dense: readonly number[];
  /** Non-zero weights of hashed buckets. */
  readonly hashed: { readonly indices: readonly number[]; readonly weights: readonly number[] };
  /** One weight per embedding dimension (empty without an embedding). */
  readonly embedding: readonly number[];
  readonly calibration: CalibrationJson;
}

/** One boosted decision stump: `right` when the feature exceeds `threshold` (hashed: is present), else `left`. */
export interface StumpJson {
  readonly block: 'dense' | 'hashed' | 'embedding';
  readonly index: number;
  readonly threshold: number;
  readonly left: number;
  readonly right: number;
}

/** Gradient-boosted decision stumps. */
export interface StumpsModelJson {
  readonly learner: 'stumps';
  readonly tier: string;
  readonly base: number;
  readonly stumps: readonly StumpJson[];
  readonly calibration: CalibrationJson;
}

export type TierModelJson = LogisticModelJson | StumpsModelJson;

/** One bin of a reliability curve: predicted against observed frequency. */
export interface ReliabilityBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly observed: number;
}

/** Held-out quality of one tier's calibrated probabilities. */
export interface TierCalibrationReport {
  readonly tier: string;
  readonly examples: number;
  readonly positives: number;
  readonly logLoss: number;
  readonly brier: number;
  /** Expected calibration error over 10 equal-width bins. */
  readonly ece: number;
  /** Area under the ROC curve (0.5 = no better than chance). */
  readonly auc: number;
  readonly reliability: readonly ReliabilityBin[];
}

/** How one tier's model was chosen: the candidates' cross-validated log loss and the winner. */
export interface TierSelection {
  readonly tier: string;
  readonly learner: 'logistic' | 'stumps';
  /** `lambda=0.01` or `rounds=100`. */
  readonly setting: string;
  readonly candidates: readonly { readonly learner: string; readonly setting: string; readonly logLoss: number }[];
}

/** What the router was trained on and how well it did on held-out folds. */
export interface TrainingSummary {
  readonly source: 'eval' | 'decisions';
  readonly examples: number;
  /** The labelling rule (`as-good-as-reference`, `correct`, `gates-passed`). */
  readonly label: string;
  readonly labelled: { readonly [tier: string]: number };
  readonly positives: { readonly [tier: string]: number };
  readonly folds: number;
  readonly seed: number;
  readonly selection: readonly TierSelection[];
  /** Out-of-fold calibration of each trained tier (the probabilities the default thresholds were chosen on). */
  readonly calibration: readonly TierCalibrationReport[];
  /** How the default thresholds were chosen. */
  readonly thresholdRule: string;
}

/**
 * A trained router: versioned, plain JSON, loadable without the training code. The last tier is the
 * reference: it has no model, and a request no cheaper tier is trusted with starts there.
 */
export interface RouterFile {
  readonly format: typeof ROUTER_FILE_FORMAT;
  readonly version: typeof ROUTER_FILE_VERSION;
  /** The ladder, cheapest first, as named in the training data (model names or tier names). */
  readonly tiers: readonly string[];
  readonly features: FeatureConfig;
  /** Dense features are standardised as `(x - mean) / scale` before the models read them. */
  readonly standardization: { readonly mean: readonly number[]; readonly scale: readonly number[] };
  /** One model per tier except the last, in ladder order. */
  readonly models: readonly TierModelJson[];
  /** Default probability a tier must reach to be started at, by tier name. */
  readonly thresholds: { readonly [tier: string]: number };
  readonly training: TrainingSummary;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numbers(value: unknown, field: string, length?: number): readonly number[] {
  if (!Array.isArray(value) || value.some((n) => typeof n !== 'number' || !Number.isFinite(n))) {
    throw new ConfigError(field, 'must be an array of finite numbers');
  }
  if (length !== undefined && value.length !== length) {
    throw new ConfigError(field, `must have ${length} numbers, got ${value.length}`);
  }
  return value as number[];
}

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConfigError(field, 'must be a finite number');
  return value;
}

function checkCalibration(value: unknown, field: string): void {
  if (!isObject(value)) throw new ConfigError(field, 'must be an object');
  if (value.kind === 'platt') {
    finite(value.a, `${field}.a`);
    finite(value.b, `${field}.b`);
    return;
  }
  if (value.kind === 'isotonic') {
    const scores = numbers(value.scores, `${field}.scores`);
    const probabilities = numbers(value.probabilities, `${field}.probabilities`, scores.length);
    if (scores.length === 0) throw new ConfigError(`${field}.scores`, 'must not be empty');
    for (let i = 1; i < scores.length; i += 1) {
      if ((scores[i] as number) <= (scores[i - 1] as number)) throw new ConfigError(`${field}.scores`, 'must increase');
      if ((probabilities[i] as number) < (probabilities[i - 1] as number)) {
        throw new ConfigError(`${field}.probabilities`, 'must not decrease');
      }
    }
    if (probabilities.some((p) => p < 0 || p > 1)) throw new ConfigError(`${field}.probabilities`, 'must be in [0, 1]');
    return;
  }
  throw new ConfigError(`${field}.kind`, `must be 'platt' or 'isotonic', got ${JSON.stringify(value.kind)}`);
}

function checkModel(value: unknown, field: string, tier: string, features: FeatureConfig): void {
  if (!isObject(value)) throw new ConfigError(field, 'must be an object');
  if (value.tier !== tier) throw new ConfigError(`${field}.tier`, `must be ${JSON.stringify(tier)} (ladder order)`);
  const buckets = 2 ** features.hashBits;
  if (value.learner === 'logistic') {
    finite(value.bias, `${field}.bias`);
    numbers(value.dense, `${field}.dense`, DENSE_FEATURE_NAMES.length);
    numbers(value.embedding, `${field}.embedding`, features.embeddingDimensions);
    const hashed = value.hashed;
    if (!isObject(hashed)) throw new ConfigError(`${field}.hashed`, 'must be { indices, weights }');
    const indices = numbers(hashed.indices, `${field}.hashed.indices`);
    numbers(hashed.weights, `${field}.hashed.weights`, indices.length);
    if (indices.some((i) => !Number.isInteger(i) || i < 0 || i >= buckets)) {
      throw new ConfigError(`${field}.hashed.indices`, `must be whole numbers below ${buckets}`);
    }
  } else if (value.learner === 'stumps') {
    finite(value.base, `${field}.base`);
    if (!Array.isArray(value.stumps)) throw new ConfigError(`${field}.stumps`, 'must be an array');
    const limits = { dense: DENSE_FEATURE_NAMES.length, hashed: buckets, embedding: features.embeddingDimensions };
    value.stumps.forEach((stump: unknown, i: number) => {
      const at = `${field}.stumps[${i}]`;
      if (!isObject(stump)) throw new ConfigError(at, 'must be an object');
      const block = stump.block as keyof typeof limits;
      if (!(block in limits)) throw new ConfigError(`${at}.block`, "must be 'dense', 'hashed' or 'embedding'");
      const index = stump.index;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= limits[block]) {
        throw new ConfigError(`${at}.index`, `must be a whole number below ${limits[block]}`);
      }
      for (const name of ['threshold', 'left', 'right'] as const) finite(stump[name], `${at}.${name}`);
    });
  } else {
    throw new ConfigError(`${field}.learner`, `must be 'logistic' or 'stumps', got ${JSON.stringify(value.learner)}`);
  }
  checkCalibration(value.calibration, `${field}.calibration`);
}

/**
 * Checks a parsed router file and returns it typed. Throws `ConfigError` naming the first bad field
 * (`routerFile.models[0].dense`, ...). A file of another format or a newer version is refused, not guessed at.
 */
export function validateRouterFile(value: unknown, field = 'routerFile'): RouterFile {
  if (!isObject(value)) throw new ConfigError(field, 'must be a JSON object');
  if (value.format !== ROUTER_FILE_FORMAT) {
    throw new ConfigError(`${field}.format`, `must be ${JSON.stringify(ROUTER_FILE_FORMAT)}`);
  }
  if (value.version !== ROUTER_FILE_VERSION) {
    throw new ConfigError(`${field}.version`, `must be ${ROUTER_FILE_VERSION}, got ${JSON.stringify(value.version)}`);
  }
  const tiers = value.tiers;
  if (
    !Array.isArray(tiers) ||
    tiers.length < 2 ||
    tiers.some((t) => typeof t !== 'string' || t.length === 0) ||
    new Set(tiers).size !== tiers.length
  ) {
    throw new ConfigError(`${field}.tiers`, 'must list at least two distinct tier names');
  }
  const features = resolveFeatureConfig(value.features as Partial<FeatureConfig>, `${field}.features`);
  const standardization = value.standardization;
  if (!isObject(standardization)) throw new ConfigError(`${field}.standardization`, 'must be { mean, scale }');
  numbers(standardization.mean, `${field}.standardization.mean`, DENSE_FEATURE_NAMES.length);
  const scale = numbers(standardization.scale, `${field}.standardization.scale`, DENSE_FEATURE_NAMES.length);
  if (scale.some((s) => s <= 0)) throw new ConfigError(`${field}.standardization.scale`, 'must be positive');
  const models = value.models;
  if (!Array.isArray(models) || models.length !== tiers.length - 1) {
    throw new ConfigError(`${field}.models`, `must hold one model per tier but the last (${tiers.length - 1})`);
  }
  models.forEach((model, i) => {
    checkModel(model, `${field}.models[${i}]`, tiers[i] as string, features);
  });
  const thresholds = value.thresholds;
  if (!isObject(thresholds)) throw new ConfigError(`${field}.thresholds`, 'must be an object by tier name');
  for (const [tier, threshold] of Object.entries(thresholds)) {
    if (!tiers.includes(tier)) throw new ConfigError(`${field}.thresholds.${tier}`, 'names no tier of the file');
    if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
      throw new ConfigError(`${field}.thresholds.${tier}`, 'must be a number from 0 to 1');
    }
  }
  if (!isObject(value.training)) throw new ConfigError(`${field}.training`, 'must be an object');
  return { ...(value as unknown as RouterFile), features };
}

/** Parses router file text (JSON) and validates it. */
export function parseRouterFile(text: string): RouterFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('routerFile', `is not valid JSON (${error instanceof Error ? error.message : error})`, {
      cause: error,
    });
  }
  return validateRouterFile(value);
}

/**
 * Serialises a router file as JSON with a final newline: objects indented for reading and diffing, arrays
 * of numbers (weights) kept on one line each so the file stays small.
 */
export function stringifyRouterFile(file: RouterFile): string {
  const text = JSON.stringify(file, null, 1).replace(/\[(?:\s*-?[\d.eE+-]+,)*\s*-?[\d.eE+-]+\s*\]/g, (array) =>
    array.replace(/\s+/g, ''),
  );
  return `${text}\n`;
}
