import type { FeatureVector } from './features.ts';
import { round6 } from './logistic-regression.ts';
import { DENSE_FEATURE_NAMES } from './structure-features.ts';
import { standardValue } from './tier-model.ts';

/**
 * Training rows in compact form: standardised dense features row-major, hashed features as compressed
 * sparse rows over the buckets that occur in these rows only (so a fit never touches the 65,536-wide
 * bucket space), and the embedding row-major.
 */
export interface DesignMatrix {
  readonly rows: number;
  readonly denseWidth: number;
  readonly dense: Float64Array;
  readonly rowStart: Int32Array;
  readonly columns: Int32Array;
  readonly values: Float64Array;
  /** Bucket of each compact hashed column. */
  readonly buckets: Int32Array;
  readonly embeddingWidth: number;
  readonly embedding: Float64Array;
  readonly standardization: { readonly mean: readonly number[]; readonly scale: readonly number[] };
}

/** Mean and standard deviation of each dense feature over the rows (a constant feature gets scale 1). */
export function fitStandardization(
  vectors: readonly FeatureVector[],
  rows: readonly number[],
): DesignMatrix['standardization'] {
  const width = DENSE_FEATURE_NAMES.length;
  const mean = new Array<number>(width).fill(0);
  const squares = new Array<number>(width).fill(0);
  for (const row of rows) {
    const dense = (vectors[row] as FeatureVector).dense;
    for (let j = 0; j < width; j += 1) mean[j] = (mean[j] as number) + (dense[j] as number);
  }
  for (let j = 0; j < width; j += 1) mean[j] = (mean[j] as number) / Math.max(1, rows.length);
  for (const row of rows) {
    const dense = (vectors[row] as FeatureVector).dense;
    for (let j = 0; j < width; j += 1) {
      const d = (dense[j] as number) - (mean[j] as number);
      squares[j] = (squares[j] as number) + d * d;
    }
  }
  const scale = squares.map((sum) => {
    const sd = round6(Math.sqrt(sum / Math.max(1, rows.length)));
    return sd > 1e-9 ? sd : 1;
  });
  // Rounded as the file stores them, so the models are trained on exactly what the runtime computes.
  return { mean: mean.map(round6), scale };
}

/**
 * Hashed buckets must occur in at least this many of the training rows to become columns. A bucket seen
 * once can only memorise its row; dropping those shrinks the fit by more than half on real prompts.
 */
export const MIN_DOCUMENT_FREQUENCY = 2;

/** Builds the matrix of the given rows of `vectors`, standardising with the rows' own statistics. */
export function buildDesignMatrix(vectors: readonly FeatureVector[], rows: readonly number[]): DesignMatrix {
  const standardization = fitStandardization(vectors, rows);
  const width = DENSE_FEATURE_NAMES.length;
  const frequency = new Map<number, number>();
  for (const row of rows) {
    for (const bucket of (vectors[row] as FeatureVector).indices)
      frequency.set(bucket, (frequency.get(bucket) ?? 0) + 1);
  }
  const columnOf = new Map<number, number>();
  const buckets: number[] = [];
  for (const row of rows) {
    for (const bucket of (vectors[row] as FeatureVector).indices) {
      if ((frequency.get(bucket) as number) >= MIN_DOCUMENT_FREQUENCY && !columnOf.has(bucket)) {
        columnOf.set(bucket, buckets.length);
        buckets.push(bucket);
      }
    }
  }
  const dense = new Float64Array(rows.length * width);
  const rowStart = new Int32Array(rows.length + 1);
  let nonZeros = 0;
  rows.forEach((row, r) => {
    for (const bucket of (vectors[row] as FeatureVector).indices) if (columnOf.has(bucket)) nonZeros += 1;
    rowStart[r + 1] = nonZeros;
  });
  const columns = new Int32Array(nonZeros);
  const values = new Float64Array(nonZeros);
  const embeddingWidth = (vectors[rows[0] as number]?.embedding?.length ?? 0) as number;
  const embedding = new Float64Array(rows.length * embeddingWidth);
  rows.forEach((row, r) => {
    const vector = vectors[row] as FeatureVector;
    for (let j = 0; j < width; j += 1) {
      dense[r * width + j] = standardValue(
        vector.dense[j] as number,
        standardization.mean[j] as number,
        standardization.scale[j] as number,
      );
    }
    let at = rowStart[r] as number;
    for (let k = 0; k < vector.indices.length; k += 1) {
      const column = columnOf.get(vector.indices[k] as number);
      if (column === undefined) continue;
      columns[at] = column;
      values[at] = vector.values[k] as number;
      at += 1;
    }
    if (embeddingWidth > 0) embedding.set(vector.embedding as Float64Array, r * embeddingWidth);
  });
  return {
    rows: rows.length,
    denseWidth: width,
    dense,
    rowStart,
    columns,
    values,
    buckets: Int32Array.from(buckets),
    embeddingWidth,
    embedding,
    standardization,
  };
}
