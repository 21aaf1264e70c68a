/**
 * Sums over a sliding time window, kept as `BUCKETS` fixed buckets so memory stays bounded however many
 * entries arrive: a window of 24 h holds 60 buckets of 24 min. An entry leaves the sum up to one bucket
 * late, never early, so a spend cap is enforced conservatively.
 */
export const BUCKETS = 60;

/** The bucket an instant falls in, for a window of `windowMs`. */
export function bucketOf(at: number, windowMs: number): number {
  return Math.floor(at / Math.max(1, windowMs / BUCKETS));
}

/** One key's buckets: each holds `width` running totals (a spend; agreements and audits). */
export class RollingWindow {
  readonly #buckets = new Map<number, number[]>();
  readonly #width: number;

  constructor(width: number) {
    this.#width = width;
  }

  /** Adds `values` to bucket `bucket`, if that bucket is still inside the window ending at `current`. */
  add(bucket: number, values: readonly number[], current: number): void {
    if (bucket <= current - BUCKETS) return;
    let totals = this.#buckets.get(bucket);
    if (totals === undefined) {
      totals = new Array<number>(this.#width).fill(0);
      this.#buckets.set(bucket, totals);
    }
    for (let i = 0; i < this.#width; i += 1) totals[i] = (totals[i] as number) + (values[i] ?? 0);
  }

  /** The totals of the window ending at bucket `current`; forgets the buckets that fell out of it. */
  sum(current: number): number[] {
    const sums = new Array<number>(this.#width).fill(0);
    for (const [bucket, totals] of this.#buckets) {
      if (bucket <= current - BUCKETS) {
        this.#buckets.delete(bucket);
        continue;
      }
      for (let i = 0; i < this.#width; i += 1) sums[i] = (sums[i] as number) + (totals[i] as number);
    }
    return sums;
  }

  get empty(): boolean {
    return this.#buckets.size === 0;
  }
}
