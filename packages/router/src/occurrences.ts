/** Grows an Int32Array, keeping its contents. */
function grow(buffer: Int32Array, needed: number): Int32Array {
  if (buffer.length >= needed) return buffer;
  const next = new Int32Array(Math.max(needed, buffer.length * 2));
  next.set(buffer);
  return next;
}

/** The hashed features of one request after merging: each bucket once, with where it first occurred. */
export interface MergedOccurrences {
  readonly indices: Int32Array;
  readonly values: Float64Array;
  /** Per kept bucket: its first occurrence's block, start and end (copied: the buffers are reused). */
  readonly originBlock: Int32Array;
  readonly originStart: Int32Array;
  readonly originEnd: Int32Array;
}

/**
 * Collects hashed n-gram occurrences of one request, then merges them per bucket, each block (word
 * unigrams, bigrams, character trigrams, ...) scaled to unit length. Buffers are reused between requests,
 * so one collector serves one extraction at a time.
 */
export class OccurrenceCollector {
  private readonly mask: number;
  private readonly blockCounts: Float64Array;
  private bucket: Int32Array = new Int32Array(1024);
  /** Signed block: +-(block + 1), the sign from the hash's top bit (the hashing trick's unbiased sign). */
  private block: Int32Array = new Int32Array(1024);
  private start: Int32Array = new Int32Array(1024);
  private end: Int32Array = new Int32Array(1024);
  private count = 0;
  // Merged in a small open-addressing table sized to the request, not a bucket-wide array: random writes
  // into 65,536 slots would miss the cache on every n-gram.
  private tableKey = new Int32Array(64);
  private tableValue = new Float64Array(64);
  private tableFirst = new Int32Array(64);
  private slots = new Int32Array(64);

  constructor(hashBits: number, blocks: number) {
    this.mask = (1 << hashBits) - 1;
    this.blockCounts = new Float64Array(blocks);
  }

  reset(): void {
    this.count = 0;
    this.blockCounts.fill(0);
  }

  add(hash: number, block: number, start: number, end: number): void {
    const k = this.count;
    if (k === this.bucket.length) {
      this.bucket = grow(this.bucket, k + 1);
      this.block = grow(this.block, k + 1);
      this.start = grow(this.start, k + 1);
      this.end = grow(this.end, k + 1);
    }
    this.bucket[k] = hash & this.mask;
    this.block[k] = hash >>> 31 === 1 ? -(block + 1) : block + 1;
    this.start[k] = start;
    this.end[k] = end;
    this.count = k + 1;
    this.blockCounts[block] = (this.blockCounts[block] as number) + 1;
  }

  /**
   * Merges the occurrences. Blocks below `unscaledFrom` are scaled by 1/sqrt(their occurrence count), so
   * a text of distinct n-grams has unit length per block; later blocks (metadata) keep value 1.
   */
  merge(unscaledFrom: number): MergedOccurrences {
    const blocks = this.blockCounts.length;
    const scale = new Float64Array(blocks);
    for (let b = 0; b < blocks; b += 1) {
      const n = this.blockCounts[b] as number;
      scale[b] = b >= unscaledFrom ? 1 : n === 0 ? 0 : 1 / Math.sqrt(n);
    }
    let size = 64;
    while (size < this.count * 2) size *= 2;
    if (this.tableKey.length < size) {
      this.tableKey = new Int32Array(size);
      this.tableValue = new Float64Array(size);
      this.tableFirst = new Int32Array(size);
      this.slots = new Int32Array(size);
    }
    const { tableKey, tableValue, tableFirst, slots } = this;
    tableKey.fill(-1, 0, size);
    const tableMask = size - 1;
    let distinct = 0;
    for (let k = 0; k < this.count; k += 1) {
      const bucket = this.bucket[k] as number;
      const signed = this.block[k] as number;
      let slot = bucket & tableMask;
      while (tableKey[slot] !== bucket && tableKey[slot] !== -1) slot = (slot + 1) & tableMask;
      if (tableKey[slot] === -1) {
        tableKey[slot] = bucket;
        tableValue[slot] = 0;
        tableFirst[slot] = k;
        slots[distinct] = slot;
        distinct += 1;
      }
      const weight = scale[(signed < 0 ? -signed : signed) - 1] as number;
      tableValue[slot] = (tableValue[slot] as number) + (signed < 0 ? -weight : weight);
    }
    let kept = 0;
    const indices = new Int32Array(distinct);
    const values = new Float64Array(distinct);
    const originBlock = new Int32Array(distinct);
    const originStart = new Int32Array(distinct);
    const originEnd = new Int32Array(distinct);
    for (let k = 0; k < distinct; k += 1) {
      const slot = slots[k] as number;
      const value = tableValue[slot] as number;
      if (value === 0) continue; // opposite signs cancelled
      const first = tableFirst[slot] as number;
      const signed = this.block[first] as number;
      indices[kept] = tableKey[slot] as number;
      values[kept] = value;
      originBlock[kept] = (signed < 0 ? -signed : signed) - 1;
      originStart[kept] = this.start[first] as number;
      originEnd[kept] = this.end[first] as number;
      kept += 1;
    }
    return {
      indices: indices.subarray(0, kept),
      values: values.subarray(0, kept),
      originBlock: originBlock.subarray(0, kept),
      originStart: originStart.subarray(0, kept),
      originEnd: originEnd.subarray(0, kept),
    };
  }
}
