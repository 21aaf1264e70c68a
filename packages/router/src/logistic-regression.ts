import type { DesignMatrix } from './design-matrix.ts';
import { lbfgs } from './lbfgs.ts';
import type { CalibrationJson, LogisticModelJson } from './router-file.ts';
import { DENSE_FEATURE_NAMES } from './structure-features.ts';

/** Weights of a fitted logistic regression in the matrix's compact layout: bias, dense, hashed, embedding. */
export interface LogisticWeights {
  readonly lambda: number;
  readonly weights: Float64Array;
  readonly iterations: number;
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Raw score of matrix row `r` under compact weights. */
export function scoreRow(matrix: DesignMatrix, weights: Float64Array, r: number): number {
  const D = matrix.denseWidth;
  const hashedOffset = 1 + D;
  const embeddingOffset = hashedOffset + matrix.buckets.length;
  let z = weights[0] as number;
  const denseRow = r * D;
  for (let j = 0; j < D; j += 1) z += (weights[1 + j] as number) * (matrix.dense[denseRow + j] as number);
  for (let k = matrix.rowStart[r] as number; k < (matrix.rowStart[r + 1] as number); k += 1) {
    z += (weights[hashedOffset + (matrix.columns[k] as number)] as number) * (matrix.values[k] as number);
  }
  const E = matrix.embeddingWidth;
  for (let j = 0; j < E; j += 1)
    z += (weights[embeddingOffset + j] as number) * (matrix.embedding[r * E + j] as number);
  return z;
}

/**
 * Fits L2-regularised logistic regression, mean log loss + lambda/2 * |w|^2 (the bias unpenalised), by
 * L-BFGS, for each lambda from the largest down, each fit starting from the previous one's weights.
 * `labels[r]`: 1 positive, 0 negative, -1 left out.
 */
export function fitLogisticPath(
  matrix: DesignMatrix,
  labels: Int8Array,
  lambdas: readonly number[],
  maxIterations = 100,
): LogisticWeights[] {
  const D = matrix.denseWidth;
  const H = matrix.buckets.length;
  const E = matrix.embeddingWidth;
  const width = 1 + D + H + E;
  const hashedOffset = 1 + D;
  const embeddingOffset = hashedOffset + H;
  let count = 0;
  let positives = 0;
  for (let r = 0; r < matrix.rows; r += 1) {
    if (labels[r] === -1) continue;
    count += 1;
    positives += labels[r] as number;
  }
  const weights = new Float64Array(width);
  // Start from the prior log-odds, so a strongly regularised fit predicts the base rate.
  weights[0] = Math.log((positives + 0.5) / (count - positives + 0.5));
  const results: LogisticWeights[] = [];
  for (const lambda of [...lambdas].sort((a, b) => b - a)) {
    const evaluate = (w: Float64Array, gradient: Float64Array): number => {
      gradient.fill(0);
      let loss = 0;
      for (let r = 0; r < matrix.rows; r += 1) {
        const y = labels[r] as number;
        if (y === -1) continue;
        const z = scoreRow(matrix, w, r);
        loss += softplus(z) - y * z;
        const residual = (sigmoid(z) - y) / count;
        gradient[0] = (gradient[0] as number) + residual;
        const denseRow = r * D;
        for (let j = 0; j < D; j += 1) {
          gradient[1 + j] = (gradient[1 + j] as number) + residual * (matrix.dense[denseRow + j] as number);
        }
        for (let k = matrix.rowStart[r] as number; k < (matrix.rowStart[r + 1] as number); k += 1) {
          const at = hashedOffset + (matrix.columns[k] as number);
          gradient[at] = (gradient[at] as number) + residual * (matrix.values[k] as number);
        }
        for (let j = 0; j < E; j += 1) {
          const at = embeddingOffset + j;
          gradient[at] = (gradient[at] as number) + residual * (matrix.embedding[r * E + j] as number);
        }
      }
      let penalty = 0;
      for (let j = 1; j < width; j += 1) {
        const wj = w[j] as number;
        penalty += wj * wj;
        gradient[j] = (gradient[j] as number) + lambda * wj;
      }
      return loss / count + (lambda / 2) * penalty;
    };
    const { iterations } = lbfgs(evaluate, weights, { maxIterations, relativeTolerance: 1e-6 });
    results.push({ lambda, weights: Float64Array.from(weights), iterations });
  }
  return results;
}

/** Six significant digits: the file stays small, and the model in memory equals the one read back. */
export function round6(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(6));
}

/** The file form of fitted weights: hashed weights keyed by bucket, negligible ones dropped. */
export function logisticModelJson(
  tier: string,
  matrix: DesignMatrix,
  weights: Float64Array,
  calibration: CalibrationJson,
): LogisticModelJson {
  const D = DENSE_FEATURE_NAMES.length;
  const H = matrix.buckets.length;
  const pairs: [number, number][] = [];
  for (let c = 0; c < H; c += 1) {
    const weight = round6(weights[1 + D + c] as number);
    // L2 leaves thousands of near-zero weights on rare n-grams; below 1e-4 one moves a score by less than
    // 1e-5 (n-gram values are at most 1), so they are dropped to keep the file small.
    if (Math.abs(weight) >= 1e-4) pairs.push([matrix.buckets[c] as number, weight]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  return {
    learner: 'logistic',
    tier,
    bias: round6(weights[0] as number),
    dense: Array.from(weights.subarray(1, 1 + D), round6),
    hashed: { indices: pairs.map((p) => p[0]), weights: pairs.map((p) => p[1]) },
    embedding: Array.from(weights.subarray(1 + D + H), round6),
    calibration,
  };
}
