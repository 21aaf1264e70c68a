/** A seeded 32-bit generator (mulberry32): the same seed gives the same folds on every machine. */
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

/** Fisher-Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Assigns each item a fold from 0 to `folds - 1`, stratified by `group` (a label) so every fold holds a
 * fair share of each group. Deterministic for a seed.
 */
export function stratifiedFolds(groups: readonly number[], folds: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const assignment = new Int32Array(groups.length);
  const byGroup = new Map<number, number[]>();
  groups.forEach((group, i) => {
    const list = byGroup.get(group);
    if (list === undefined) byGroup.set(group, [i]);
    else list.push(i);
  });
  let offset = 0;
  for (const group of [...byGroup.keys()].sort((a, b) => a - b)) {
    const members = shuffled(byGroup.get(group) as number[], random);
    members.forEach((index, k) => {
      assignment[index] = (k + offset) % folds;
    });
    offset += members.length;
  }
  return assignment;
}
