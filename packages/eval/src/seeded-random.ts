/**
 * A small deterministic generator (mulberry32): the same seed gives the same folds and splits on every
 * machine, so a tune run is reproducible from its profile. Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniformly shuffled copy (Fisher-Yates). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Splits `items` into `k` folds of near-equal size after one seeded shuffle; each fold keeps its items in
 * their original order. Every item lands in exactly one fold.
 */
export function kFolds(items: ArrayLike<number>, k: number, random: () => number): Int32Array[] {
  const order = shuffled(Array.from(items), random);
  const folds: number[][] = Array.from({ length: k }, () => []);
  order.forEach((item, i) => {
    (folds[i % k] as number[]).push(item);
  });
  return folds.map((fold) => Int32Array.from(fold.sort((a, b) => a - b)));
}

/** Every item of `items` not in `excluded`, in order. */
export function without(items: ArrayLike<number>, excluded: ArrayLike<number>): Int32Array {
  const drop = new Set(Array.from(excluded));
  return Int32Array.from(Array.from(items).filter((item) => !drop.has(item)));
}
