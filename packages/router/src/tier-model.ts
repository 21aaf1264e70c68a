import type { FeatureVector } from './features.ts';
import type { CalibrationJson, RouterFile, TierModelJson } from './router-file.ts';
import { DENSE_FEATURE_NAMES } from './structure-features.ts';

/** One feature's share of a tier's raw score (log-odds before calibration). */
export interface FeatureContribution {
  readonly feature: string;
  readonly contribution: number;
}

/** A tier's model, ready to score feature vectors. */
export interface CompiledTierModel {
  readonly tier: string;
  /** Raw score (log-odds before calibration) of a vector whose dense part is already standardised. */
  score(vector: FeatureVector, dense: Float64Array): number;
  /** Calibrated probability for a raw score. */
  probability(score: number): number;
  /** The `top` largest contributions to the raw score, by magnitude. */
  contributions(vector: FeatureVector, dense: Float64Array, top: number): FeatureContribution[];
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** The calibration map of a file (or of training), as a function. */
export function calibrationFunction(calibration: CalibrationJson): (score: number) => number {
  if (calibration.kind === 'platt') {
    const { a, b } = calibration;
    return (score) => sigmoid(a * score + b);
  }
  const xs = calibration.scores;
  const ys = calibration.probabilities;
  const last = xs.length - 1;
  return (score) => {
    if (score <= (xs[0] as number)) return ys[0] as number;
    if (score >= (xs[last] as number)) return ys[last] as number;
    let low = 0;
    let high = last;
    while (high - low > 1) {
      const mid = (low + high) >> 1;
      if ((xs[mid] as number) <= score) low = mid;
      else high = mid;
    }
    const x0 = xs[low] as number;
    const y0 = ys[low] as number;
    return y0 + (((ys[high] as number) - y0) * (score - x0)) / ((xs[high] as number) - x0);
  };
}

/** Keeps the `top` entries of largest magnitude, largest first; ties keep the earlier feature. */
function topByMagnitude(entries: FeatureContribution[], top: number): FeatureContribution[] {
  return entries
    .filter((entry) => entry.contribution !== 0)
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, top);
}

function compileLogistic(model: TierModelJson & { learner: 'logistic' }, buckets: number): CompiledTierModel {
  const hashed = new Float32Array(buckets);
  model.hashed.indices.forEach((index, k) => {
    hashed[index] = model.hashed.weights[k] as number;
  });
  const dense = Float64Array.from(model.dense);
  const embedding = Float64Array.from(model.embedding);
  const probability = calibrationFunction(model.calibration);
  return {
    tier: model.tier,
    score(vector, x) {
      let z = model.bias;
      for (let j = 0; j < dense.length; j += 1) z += (dense[j] as number) * (x[j] as number);
      const { indices, values } = vector;
      for (let k = 0; k < indices.length; k += 1) z += (hashed[indices[k] as number] as number) * (values[k] as number);
      const e = vector.embedding;
      if (e !== undefined)
        for (let j = 0; j < embedding.length; j += 1) z += (embedding[j] as number) * (e[j] as number);
      return z;
    },
    probability,
    contributions(vector, x, top) {
      const entries: FeatureContribution[] = [];
      for (let j = 0; j < dense.length; j += 1) {
        entries.push({
          feature: DENSE_FEATURE_NAMES[j] as string,
          contribution: (dense[j] as number) * (x[j] as number),
        });
      }
      const candidates: { k: number; contribution: number }[] = [];
      for (let k = 0; k < vector.indices.length; k += 1) {
        const contribution = (hashed[vector.indices[k] as number] as number) * (vector.values[k] as number);
        if (contribution !== 0) candidates.push({ k, contribution });
      }
      // Name only the hashed features that can make the top list: naming builds strings.
      candidates.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
      for (const { k, contribution } of candidates.slice(0, top)) {
        entries.push({ feature: vector.hashedName(k), contribution });
      }
      const e = vector.embedding;
      if (e !== undefined) {
        let sum = 0;
        for (let j = 0; j < embedding.length; j += 1) sum += (embedding[j] as number) * (e[j] as number);
        entries.push({ feature: 'embedding', contribution: sum });
      }
      return topByMagnitude(entries, top);
    },
  };
}

function compileStumps(model: TierModelJson & { learner: 'stumps' }, buckets: number): CompiledTierModel {
  // A stump on a hashed bucket splits on presence, so all of a bucket's stumps fold into one delta over
  // the absent value: scoring is a lookup per present bucket.
  let base = model.base;
  const presence = new Float32Array(buckets);
  const others = model.stumps.filter((stump) => {
    if (stump.block !== 'hashed') return true;
    base += stump.left;
    presence[stump.index] = (presence[stump.index] as number) + stump.right - stump.left;
    return false;
  });
  const probability = calibrationFunction(model.calibration);
  const featureValue = (block: string, index: number, vector: FeatureVector, x: Float64Array): number =>
    block === 'dense' ? (x[index] as number) : ((vector.embedding?.[index] as number | undefined) ?? 0);
  return {
    tier: model.tier,
    score(vector, x) {
      let z = base;
      for (const stump of others) {
        z += featureValue(stump.block, stump.index, vector, x) > stump.threshold ? stump.right : stump.left;
      }
      for (let k = 0; k < vector.indices.length; k += 1) z += presence[vector.indices[k] as number] as number;
      return z;
    },
    probability,
    contributions(vector, x, top) {
      const byFeature = new Map<string, number>();
      for (const stump of others) {
        const name =
          stump.block === 'dense' ? (DENSE_FEATURE_NAMES[stump.index] as string) : `embedding[${stump.index}]`;
        const taken = featureValue(stump.block, stump.index, vector, x) > stump.threshold ? stump.right : stump.left;
        byFeature.set(name, (byFeature.get(name) ?? 0) + taken - (stump.left + stump.right) / 2);
      }
      const entries = [...byFeature].map(([feature, contribution]) => ({ feature, contribution }));
      for (let k = 0; k < vector.indices.length; k += 1) {
        const delta = presence[vector.indices[k] as number] as number;
        if (delta !== 0) entries.push({ feature: vector.hashedName(k), contribution: delta });
      }
      return topByMagnitude(entries, top);
    },
  };
}

/** Compiles a file's model for scoring. */
export function compileTierModel(model: TierModelJson, file: Pick<RouterFile, 'features'>): CompiledTierModel {
  const buckets = 2 ** file.features.hashBits;
  return model.learner === 'logistic' ? compileLogistic(model, buckets) : compileStumps(model, buckets);
}

/**
 * How far from the training mean, in standard deviations, a dense feature may count. A feature that barely
 * varied in training (every prompt the same length) would otherwise turn a slightly different request
 * into an extreme score.
 */
export const STANDARD_CLIP = 5;

/** One standardised dense value, clipped to +-STANDARD_CLIP. */
export function standardValue(value: number, mean: number, scale: number): number {
  const z = (value - mean) / scale;
  return Math.min(STANDARD_CLIP, Math.max(-STANDARD_CLIP, z));
}

/** Standardises a vector's dense features into `out` with the file's mean and scale. */
export function standardize(
  dense: Float64Array,
  standardization: RouterFile['standardization'],
  out: Float64Array,
): Float64Array {
  for (let j = 0; j < dense.length; j += 1) {
    out[j] = standardValue(dense[j] as number, standardization.mean[j] as number, standardization.scale[j] as number);
  }
  return out;
}
