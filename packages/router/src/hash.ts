// Feature hashing works on char codes in place: hashing a substring through a library would allocate one
// string per n-gram, which alone would eat the router's 50 µs budget on a long prompt.

/** FNV-1a offset basis: the running hash of an empty string. */
export const FNV_OFFSET = 0x811c9dc5;

/** One FNV-1a step: folds a UTF-16 code unit into the running hash. */
export function fnvStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

/** MurmurHash3's finaliser: spreads every input bit over the output, so `& mask` picks a fair bucket. */
export function mix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a whole string under a namespace seed (metadata values, lane names). */
export function hashString(text: string, seed: number): number {
  let h = FNV_OFFSET ^ seed;
  for (let i = 0; i < text.length; i += 1) h = fnvStep(h, text.charCodeAt(i));
  return mix32(h);
}

/** Combines two hashes order-sensitively (a word bigram from its two words). */
export function combine(first: number, second: number, seed: number): number {
  return mix32(Math.imul(first ^ seed, 0x9e3779b1) ^ second);
}
