import type { DesignMatrix } from './design-matrix.ts';
import { round6 } from './logistic-regression.ts';
import type { StumpJson } from './router-file.ts';

export interface StumpsOptions {
  /** Boosting rounds (one stump each). */
  readonly rounds: number;
  /** Shrinkage of each stump's leaf values. Default 0.1. */
  readonly learningRate?: number;
  /** L2 penalty on leaf values (XGBoost's lambda). Default 1. */
  readonly leafPenalty?: number;
  /** Fewest labelled rows on each side of a split; a hashed feature must occur in this many. Default 5. */
  readonly minLeaf?: number;
  /** Thresholds tried per dense or embedding feature (quantiles). Default 32. */
  readonly bins?: number;
}

/** A fitted stump ensemble; its first k stumps are the fit after k rounds. */
export interface StumpsFit {
  readonly base: number;
  readonly stumps: readonly StumpJson[];
}

interface NumericColumn {
  readonly block: 'dense' | 'embedding';
  readonly index: number;
  readonly thresholds: Float64Array;
  /** Per labelled row: how many thresholds its value exceeds. */
  readonly bin: Uint8Array;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function numericColumn(
  block: 'dense' | 'embedding',
  index: number,
  featureValue: (r: number) => number,
  rows: Int32Array,
  bins: number,
): NumericColumn | undefined {
  const values = Float64Array.from(rows, featureValue).sort();
  const thresholds: number[] = [];
  for (let q = 1; q <= bins; q += 1) {
    const cut = values[Math.min(values.length - 1, Math.floor((q * values.length) / (bins + 1)))] as number;
    if (cut < (values[values.length - 1] as number) && (thresholds.length === 0 || cut > (thresholds.at(-1) as number)))
      thresholds.push(cut);
  }
  if (thresholds.length === 0) return undefined;
  const bin = new Uint8Array(rows.length);
  rows.forEach((r, i) => {
    const value = featureValue(r);
    let b = 0;
    while (b < thresholds.length && value > (thresholds[b] as number)) b += 1;
    bin[i] = b;
  });
  return { block, index, thresholds: Float64Array.from(thresholds), bin };
}

/** The training rows and the features stumps may split on. */
interface StumpData {
  readonly rows: Int32Array;
  readonly y: Float64Array;
  readonly numeric: readonly NumericColumn[];
  /** Per hashed column kept: the positions (in `rows`) where it occurs, and its bucket. */
  readonly presence: readonly Int32Array[];
  readonly presenceBuckets: readonly number[];
}

function prepare(matrix: DesignMatrix, labels: Int8Array, minLeaf: number, bins: number): StumpData {
  const rowList: number[] = [];
  for (let r = 0; r < matrix.rows; r += 1) if (labels[r] !== -1) rowList.push(r);
  const rows = Int32Array.from(rowList);
  const n = rows.length;
  const numeric: NumericColumn[] = [];
  const D = matrix.denseWidth;
  for (let j = 0; j < D; j += 1) {
    const column = numericColumn('dense', j, (r) => matrix.dense[r * D + j] as number, rows, bins);
    if (column !== undefined) numeric.push(column);
  }
  const E = matrix.embeddingWidth;
  for (let j = 0; j < E; j += 1) {
    const column = numericColumn('embedding', j, (r) => matrix.embedding[r * E + j] as number, rows, bins);
    if (column !== undefined) numeric.push(column);
  }
  // Presence lists of the hashed columns frequent enough to split on.
  const H = matrix.buckets.length;
  const support = new Int32Array(H);
  for (const r of rows) {
    for (let k = matrix.rowStart[r] as number; k < (matrix.rowStart[r + 1] as number); k += 1) {
      support[matrix.columns[k] as number] = (support[matrix.columns[k] as number] as number) + 1;
    }
  }
  const kept: number[] = [];
  for (let c = 0; c < H; c += 1) {
    if ((support[c] as number) >= minLeaf && (support[c] as number) <= n - minLeaf) kept.push(c);
  }
  const slot = new Int32Array(H).fill(-1);
  kept.forEach((c, s) => {
    slot[c] = s;
  });
  const presence: number[][] = kept.map(() => []);
  rows.forEach((r, i) => {
    for (let k = matrix.rowStart[r] as number; k < (matrix.rowStart[r + 1] as number); k += 1) {
      const s = slot[matrix.columns[k] as number] as number;
      if (s >= 0) (presence[s] as number[]).push(i);
    }
  });
  return {
    rows,
    y: Float64Array.from(rows, (r) => labels[r] as number),
    numeric,
    presence: presence.map((list) => Int32Array.from(list)),
    presenceBuckets: kept.map((c) => matrix.buckets[c] as number),
  };
}

interface Split {
  readonly gain: number;
  /** A numeric column, or the position of a hashed column in `presence`. */
  readonly column: NumericColumn | number | undefined;
  /** For a numeric column: rows in bins at least this go right. */
  readonly fromBin: number;
  readonly GR: number;
  readonly HR: number;
}

const histogramG = new Float64Array(256);
const histogramH = new Float64Array(256);
const histogramN = new Int32Array(256);

/** The split of largest gain (XGBoost's formula) over every column, or a gain of 0 when none helps. */
function bestSplit(
  data: StumpData,
  gradients: Float64Array,
  hessians: Float64Array,
  penalty: number,
  minLeaf: number,
): Split {
  const n = data.rows.length;
  let G = 0;
  let Hs = 0;
  for (let i = 0; i < n; i += 1) {
    G += gradients[i] as number;
    Hs += hessians[i] as number;
  }
  const parent = (G * G) / (Hs + penalty);
  const gainOf = (GR: number, HR: number) =>
    ((G - GR) * (G - GR)) / (Hs - HR + penalty) + (GR * GR) / (HR + penalty) - parent;
  let best: Split = { gain: 1e-9, column: undefined, fromBin: 0, GR: 0, HR: 0 };
  for (const column of data.numeric) {
    const B = column.thresholds.length;
    histogramG.fill(0, 0, B + 1);
    histogramH.fill(0, 0, B + 1);
    histogramN.fill(0, 0, B + 1);
    for (let i = 0; i < n; i += 1) {
      const b = column.bin[i] as number;
      histogramG[b] = (histogramG[b] as number) + (gradients[i] as number);
      histogramH[b] = (histogramH[b] as number) + (hessians[i] as number);
      histogramN[b] = (histogramN[b] as number) + 1;
    }
    let GR = 0;
    let HR = 0;
    let NR = 0;
    for (let k = B; k >= 1; k -= 1) {
      GR += histogramG[k] as number;
      HR += histogramH[k] as number;
      NR += histogramN[k] as number;
      if (NR < minLeaf || n - NR < minLeaf) continue;
      const gain = gainOf(GR, HR);
      if (gain > best.gain) best = { gain, column, fromBin: k, GR, HR };
    }
  }
  data.presence.forEach((list, s) => {
    let GR = 0;
    let HR = 0;
    for (let k = 0; k < list.length; k += 1) {
      GR += gradients[list[k] as number] as number;
      HR += hessians[list[k] as number] as number;
    }
    const gain = gainOf(GR, HR);
    if (gain > best.gain) best = { gain, column: s, fromBin: 0, GR, HR };
  });
  return best;
}

/**
 * Gradient boosting of decision stumps on the log loss (Newton leaves, XGBoost's gain). Dense and
 * embedding features split at quantile thresholds; a hashed feature splits on presence. Labels: 1, 0,
 * or -1 (left out).
 */
export function fitStumps(matrix: DesignMatrix, labels: Int8Array, options: StumpsOptions): StumpsFit {
  const learningRate = options.learningRate ?? 0.1;
  const penalty = options.leafPenalty ?? 1;
  const minLeaf = options.minLeaf ?? 5;
  const data = prepare(matrix, labels, minLeaf, Math.min(options.bins ?? 32, 255));
  const n = data.rows.length;
  const positives = data.y.reduce((sum, v) => sum + v, 0);
  const base = Math.log((positives + 0.5) / (n - positives + 0.5));
  const scores = new Float64Array(n).fill(base);
  const gradients = new Float64Array(n);
  const hessians = new Float64Array(n);
  const stumps: StumpJson[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    let G = 0;
    let Hs = 0;
    for (let i = 0; i < n; i += 1) {
      const p = sigmoid(scores[i] as number);
      gradients[i] = p - (data.y[i] as number);
      hessians[i] = Math.max(p * (1 - p), 1e-6);
      G += gradients[i] as number;
      Hs += hessians[i] as number;
    }
    const split = bestSplit(data, gradients, hessians, penalty, minLeaf);
    if (split.column === undefined) break;
    const left = round6((-learningRate * (G - split.GR)) / (Hs - split.HR + penalty));
    const right = round6((-learningRate * split.GR) / (split.HR + penalty));
    if (typeof split.column === 'number') {
      for (let i = 0; i < n; i += 1) scores[i] = (scores[i] as number) + left;
      const list = data.presence[split.column] as Int32Array;
      for (let k = 0; k < list.length; k += 1) {
        const i = list[k] as number;
        scores[i] = (scores[i] as number) + right - left;
      }
      stumps.push({ block: 'hashed', index: data.presenceBuckets[split.column] as number, threshold: 0, left, right });
    } else {
      const column = split.column;
      for (let i = 0; i < n; i += 1) {
        scores[i] = (scores[i] as number) + ((column.bin[i] as number) >= split.fromBin ? right : left);
      }
      const threshold = column.thresholds[split.fromBin - 1] as number;
      stumps.push({ block: column.block, index: column.index, threshold, left, right });
    }
  }
  return { base: round6(base), stumps };
}
