// Timing helpers for the gate benchmarks: warm up, then time rounds of many calls and keep the median of the
// per-call means (robust to a noisy round on a shared machine), plus per-call samples for percentiles.
import { median, quantile } from './stats.ts';

/** Keeps results reachable so the optimiser cannot drop the calls being timed. */
let sink: unknown;
export function consume(value: unknown): void {
  sink = value;
}
export function lastConsumed(): unknown {
  return sink;
}

export interface SyncTiming {
  /** Median over rounds of the mean time per call, in milliseconds. */
  readonly medianMs: number;
  /** 95th percentile of the rounds' means, in milliseconds. */
  readonly p95RoundMs: number;
  readonly rounds: number;
  readonly iterations: number;
}

/** Times a synchronous call: `warmup` calls first, then `rounds` rounds of `iterations` calls. */
export function timeSync(
  fn: (i: number) => unknown,
  rounds: number,
  iterations: number,
  warmup = iterations,
): SyncTiming {
  for (let i = 0; i < warmup; i += 1) consume(fn(i));
  const means: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    for (let i = 0; i < iterations; i += 1) consume(fn(i));
    means.push((performance.now() - started) / iterations);
  }
  return { medianMs: median(means), p95RoundMs: quantile(means, 0.95), rounds, iterations };
}

export interface AsyncTiming {
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly calls: number;
}

/** Times an async call one at a time, each measured on its own. */
export async function timeEach(
  fn: (i: number) => Promise<unknown>,
  calls: number,
  warmup: number,
): Promise<AsyncTiming> {
  for (let i = 0; i < warmup; i += 1) consume(await fn(1_000_000 + i));
  const times: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const started = performance.now();
    consume(await fn(i));
    times.push(performance.now() - started);
  }
  return { medianMs: median(times), p95Ms: quantile(times, 0.95), maxMs: Math.max(...times), calls };
}

/** `figure / target` with three decimals, as the other benchmarks report it. */
export function ratio(figure: number, target: number): string {
  return (figure / target).toFixed(3);
}
