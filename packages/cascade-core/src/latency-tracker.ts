/** A tier's recent latency, as users and the hedge see it. */
export interface LatencySnapshot {
  /** Exponentially weighted moving average, in ms; `undefined` before the first call. */
  readonly ewmaMs: number | undefined;
  /** 95th percentile over the recent window, in ms; `undefined` before the first call. */
  readonly p95Ms: number | undefined;
  readonly samples: number;
}

/**
 * Tracks successful calls' latency: an EWMA (smoothing `alpha`) and the p95 of the last `windowSize`
 * calls in a ring buffer. The p95 is recomputed lazily, at most once per new sample, so reading it on every
 * request costs a comparison.
 */
export class LatencyTracker {
  readonly #alpha: number;
  readonly #ring: Float64Array;
  #count = 0;
  #ewma: number | undefined;
  #p95: number | undefined;
  #dirty = false;

  constructor(options: { readonly alpha?: number; readonly windowSize?: number } = {}) {
    this.#alpha = options.alpha ?? 0.2;
    this.#ring = new Float64Array(options.windowSize ?? 128);
  }

  observe(latencyMs: number): void {
    if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
    this.#ring[this.#count % this.#ring.length] = latencyMs;
    this.#count += 1;
    this.#ewma = this.#ewma === undefined ? latencyMs : this.#ewma + this.#alpha * (latencyMs - this.#ewma);
    this.#dirty = true;
  }

  get p95Ms(): number | undefined {
    if (this.#dirty) {
      const filled = this.#ring.slice(0, Math.min(this.#count, this.#ring.length)).sort();
      this.#p95 = filled[Math.min(filled.length - 1, Math.ceil(filled.length * 0.95) - 1)];
      this.#dirty = false;
    }
    return this.#p95;
  }

  snapshot(): LatencySnapshot {
    return { ewmaMs: this.#ewma, p95Ms: this.p95Ms, samples: this.#count };
  }
}
