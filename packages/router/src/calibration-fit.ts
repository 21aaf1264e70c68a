import type { CalibrationJson, ReliabilityBin } from './router-file.ts';

const EPSILON = 1e-12;

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * Platt scaling: fits p = sigmoid(a * score + b) by Newton's method on the log loss, with Platt's
 * smoothed targets ((positives + 1) / (positives + 2) and 1 / (negatives + 2)), which keep a small
 * held-out set from pushing probabilities to exactly 0 or 1.
 */
export function fitPlatt(scores: readonly number[], labels: readonly boolean[]): CalibrationJson {
  const positives = labels.filter(Boolean).length;
  const negatives = labels.length - positives;
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (negatives + 2);
  let a = 1;
  let b = Math.log((positives + 1) / (negatives + 1));
  for (let iteration = 0; iteration < 100; iteration += 1) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < scores.length; i += 1) {
      const s = scores[i] as number;
      const p = sigmoid(a * s + b);
      const t = labels[i] ? high : low;
      const w = p * (1 - p);
      ga += (p - t) * s;
      gb += p - t;
      haa += w * s * s;
      hab += w * s;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > EPSILON)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // Damped Newton: a step that raises the loss is halved until it does not.
    const loss = (aa: number, bb: number) => {
      let total = 0;
      for (let i = 0; i < scores.length; i += 1) {
        const p = sigmoid(aa * (scores[i] as number) + bb);
        const t = labels[i] ? high : low;
        total -= t * Math.log(p + EPSILON) + (1 - t) * Math.log(1 - p + EPSILON);
      }
      return total;
    };
    const before = loss(a, b);
    let step = 1;
    while (step > 1e-6 && loss(a - step * da, b - step * db) > before) step /= 2;
    a -= step * da;
    b -= step * db;
    if (Math.abs(step * da) < 1e-9 && Math.abs(step * db) < 1e-9) break;
  }
  return { kind: 'platt', a, b };
}

/**
 * Isotonic calibration: pool-adjacent-violators on the scores sorted ascending, then the blocks' mean
 * scores and rates as interpolation points. Needs a few hundred held-out examples to beat Platt.
 */
export function fitIsotonic(scores: readonly number[], labels: readonly boolean[]): CalibrationJson {
  const order = scores.map((_, i) => i).sort((i, j) => (scores[i] as number) - (scores[j] as number) || i - j);
  const sums: number[] = [];
  const weights: number[] = [];
  const scoreSums: number[] = [];
  for (const i of order) {
    sums.push(labels[i] ? 1 : 0);
    weights.push(1);
    scoreSums.push(scores[i] as number);
    while (sums.length > 1) {
      const last = sums.length - 1;
      const mean = (sums[last] as number) / (weights[last] as number);
      const previous = (sums[last - 1] as number) / (weights[last - 1] as number);
      if (previous < mean) break;
      sums[last - 1] = (sums[last - 1] as number) + (sums.pop() as number);
      weights[last - 1] = (weights[last - 1] as number) + (weights.pop() as number);
      scoreSums[last - 1] = (scoreSums[last - 1] as number) + (scoreSums.pop() as number);
    }
  }
  const points: { score: number; probability: number }[] = [];
  for (let k = 0; k < sums.length; k += 1) {
    const score = (scoreSums[k] as number) / (weights[k] as number);
    const probability = (sums[k] as number) / (weights[k] as number);
    const last = points[points.length - 1];
    if (last !== undefined && score <= last.score) last.probability = Math.max(last.probability, probability);
    else points.push({ score, probability });
  }
  if (points.length === 0) points.push({ score: 0, probability: 0.5 });
  return {
    kind: 'isotonic',
    scores: points.map((p) => p.score),
    probabilities: points.map((p) => p.probability),
  };
}

/** Mean log loss of probabilities against labels, with probabilities clipped away from 0 and 1. */
export function logLoss(probabilities: readonly number[], labels: readonly boolean[]): number {
  let total = 0;
  for (let i = 0; i < probabilities.length; i += 1) {
    const p = Math.min(1 - 1e-6, Math.max(1e-6, probabilities[i] as number));
    total -= labels[i] ? Math.log(p) : Math.log(1 - p);
  }
  return probabilities.length === 0 ? Number.NaN : total / probabilities.length;
}

/** Mean squared error of the probabilities. */
export function brierScore(probabilities: readonly number[], labels: readonly boolean[]): number {
  let total = 0;
  for (let i = 0; i < probabilities.length; i += 1) {
    const error = (probabilities[i] as number) - (labels[i] ? 1 : 0);
    total += error * error;
  }
  return probabilities.length === 0 ? Number.NaN : total / probabilities.length;
}

/** Area under the ROC curve by the rank-sum formula, ties counted half. NaN with one class only. */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number {
  const order = scores.map((_, i) => i).sort((i, j) => (scores[i] as number) - (scores[j] as number));
  let rankSum = 0;
  let positives = 0;
  for (let k = 0; k < order.length; ) {
    let end = k;
    while (end + 1 < order.length && scores[order[end + 1] as number] === scores[order[k] as number]) end += 1;
    const rank = (k + end) / 2 + 1;
    for (let m = k; m <= end; m += 1) {
      if (labels[order[m] as number]) {
        rankSum += rank;
        positives += 1;
      }
    }
    k = end + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Reliability curve over `bins` equal-width probability bins (empty bins left out). */
export function reliabilityCurve(
  probabilities: readonly number[],
  labels: readonly boolean[],
  bins = 10,
): ReliabilityBin[] {
  const count = new Array<number>(bins).fill(0);
  const predicted = new Array<number>(bins).fill(0);
  const observed = new Array<number>(bins).fill(0);
  probabilities.forEach((p, i) => {
    const bin = Math.min(bins - 1, Math.floor(p * bins));
    count[bin] = (count[bin] as number) + 1;
    predicted[bin] = (predicted[bin] as number) + p;
    observed[bin] = (observed[bin] as number) + (labels[i] ? 1 : 0);
  });
  const curve: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b += 1) {
    const n = count[b] as number;
    if (n === 0) continue;
    curve.push({
      lower: b / bins,
      upper: (b + 1) / bins,
      count: n,
      meanPredicted: (predicted[b] as number) / n,
      observed: (observed[b] as number) / n,
    });
  }
  return curve;
}

/** Expected calibration error: the count-weighted mean gap between predicted and observed per bin. */
export function expectedCalibrationError(curve: readonly ReliabilityBin[]): number {
  const total = curve.reduce((sum, bin) => sum + bin.count, 0);
  if (total === 0) return Number.NaN;
  return curve.reduce((sum, bin) => sum + (bin.count / total) * Math.abs(bin.meanPredicted - bin.observed), 0);
}
