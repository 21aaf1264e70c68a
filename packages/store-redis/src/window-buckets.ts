/**
 * Windows are kept as 60 buckets, as core's in-memory stores keep them: an hour's window slides by the
 * minute. An entry leaves the sum up to one bucket late, never early, so caps are enforced conservatively.
 */
export const BUCKETS = 60;

export function bucketWidth(windowMs: number): number {
  return Math.max(1, windowMs / BUCKETS);
}

/** The bucket an instant falls in, for a window of `windowMs` (the same numbering as core's). */
export function bucketOf(at: number, windowMs: number): number {
  return Math.floor(at / bucketWidth(windowMs));
}

/** How long a window's hash lives after its last write: the window plus one bucket, rounded up. */
export function windowTtlMs(windowMs: number): number {
  return Math.ceil(windowMs + bucketWidth(windowMs));
}
