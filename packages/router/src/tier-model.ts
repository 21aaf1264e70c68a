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

/**
 * Keeps the `top` entries of largest magnitude seen so far, largest first, in a small sorted array:
 * O(n * top) for n offers, no sort of everything (a decision offers hundreds of n-grams).
 */
class TopContributions<T> {
  readonly items: { key: T; contribution: number }[] = [];
  private readonly top: number;
  constructor(top: number) {
    this.top = top;
  }
  offer(key: T, contribution: number): void {
    const size = Math.abs(contribution);
    if (size === 0) return;
    const items = this.items;
    if (
      items.length === this.top &&
      size <= Math.abs((items[items.length - 1] as { contribution: number }).contribution)
    )
      return;
    let at = items.length;
    while (at > 0 && Math.abs((items[at - 1] as { contribution: number }).contribution) < size) at -= 1;
    items.splice(at, 0, { key, contribution });
    if (items.length > this.top) items.pop();
  }
}

/** Names the kept entries: strings for dense and embedding features, hashed positions through the vector. */
function named(kept: TopContributions<string | number>, vector: FeatureVector): FeatureContribution[] {
  return kept.items.map(({ key, contribution }) => ({
    feature: typeof key === 'number' ? vector.hashedName(key) : key,
    contribution,
  }));
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
      const kept = new TopContributions<string | number>(top);
      for (let j = 0; j < dense.length; j += 1) {
        kept.offer(DENSE_FEATURE_NAMES[j] as string, (dense[j] as number) * (x[j] as number));
      }
      for (let k = 0; k < vector.indices.length; k += 1) {
        kept.offer(k, (hashed[vector.indices[k] as number] as number) * (vector.values[k] as number));
      }
      const e = vector.embedding;
      if (e !== undefined) {
        let sum = 0;
        for (let j = 0; j < embedding.length; j += 1) sum += (embedding[j] as number) * (e[j] as number);
        kept.offer('embedding', sum);
      }
      return named(kept, vector);
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
      const kept = new TopContributions<string | number>(top);
      for (const [feature, contribution] of byFeature) kept.offer(feature, contribution);
      for (let k = 0; k < vector.indices.length; k += 1) kept.offer(k, presence[vector.indices[k] as number] as number);
      return named(kept, vector);
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
