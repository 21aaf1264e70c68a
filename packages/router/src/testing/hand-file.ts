import { DEFAULT_FEATURE_CONFIG } from '../feature-config.ts';
import { createFeatureExtractor } from '../features.ts';
import { ROUTER_FILE_FORMAT, ROUTER_FILE_VERSION, type RouterFile, type TierModelJson } from '../router-file.ts';
import { DENSE_FEATURE_NAMES } from '../structure-features.ts';

/** The hashed bucket of a metadata `feature` value, as the default extractor places it. */
export function featureBucket(value: string): number {
  const vector = createFeatureExtractor().extract({ prompt: '', metadata: { feature: value } });
  return vector.indices[0] as number;
}

/**
 * A router file written by hand: each tier but the last has probability sigmoid(bias), plus `hard` when
 * the request's metadata feature is `hard` (Platt a = 1, b = 0). For exact tests of the decision rule.
 */
export function handFile(
  tiers: readonly string[],
  models: readonly { readonly bias: number; readonly hard?: number }[],
  thresholds: Readonly<Record<string, number>> = {},
): RouterFile {
  const bucket = featureBucket('hard');
  const zeros = DENSE_FEATURE_NAMES.map(() => 0);
  return {
    format: ROUTER_FILE_FORMAT,
    version: ROUTER_FILE_VERSION,
    tiers,
    features: DEFAULT_FEATURE_CONFIG,
    standardization: { mean: zeros, scale: DENSE_FEATURE_NAMES.map(() => 1) },
    models: models.map(
      (model, i): TierModelJson => ({
        learner: 'logistic',
        tier: tiers[i] as string,
        bias: model.bias,
        dense: zeros,
        hashed: model.hard === undefined ? { indices: [], weights: [] } : { indices: [bucket], weights: [model.hard] },
        embedding: [],
        calibration: { kind: 'platt', a: 1, b: 0 },
      }),
    ),
    thresholds,
    training: {
      source: 'eval',
      examples: 0,
      label: 'hand-written',
      labelled: {},
      positives: {},
      folds: 0,
      seed: 0,
      selection: [],
      calibration: [],
      thresholdRule: 'hand-written',
    },
  };
}

/** The logit of a probability: a bias giving exactly that probability. */
export function logit(probability: number): number {
  return Math.log(probability / (1 - probability));
}
