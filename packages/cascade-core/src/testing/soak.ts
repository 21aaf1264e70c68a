import type { CascadeRequest } from '../contracts.ts';
import type { Cascade } from '../engine.ts';
import { CascadeError } from '../errors.ts';
import type { Attempt } from '../result.ts';

export interface SoakOptions {
  /** The cascade under load, typically over a `faultInjectionProvider`. */
  readonly cascade: Cascade;
  readonly requests: number;
  /** Runs in flight at once. */
  readonly concurrency: number;
  readonly makeRequest?: (index: number) => CascadeRequest;
  /**
   * An abort phase: `count` runs started on `cascade` (whose calls should be slow), all aborted once in
   * flight; each must settle with an AbortError soon after its own abort.
   */
  readonly abort?: { readonly cascade: Cascade; readonly count: number; readonly inFlightMs?: number };
  /** Called now and then with how many runs have settled. */
  readonly onProgress?: (done: number) => void;
}

export interface SoakReport {
  readonly requests: number;
  readonly accepted: number;
  /** Returned but not accepted (`onExhausted: 'best'` or a budget stop returning best so far). */
  readonly notAccepted: number;
  /** Rejections with a CascadeError, by code. */
  readonly failedByCode: Readonly<Record<string, number>>;
  /** Rejections that were not CascadeErrors: should be 0. */
  readonly untypedFailures: number;
  /** Failures whose error held no attempts although the run made calls: should be 0. */
  readonly failuresWithoutAttempts: number;
  readonly attempts: number;
  readonly unhandledRejections: number;
  /** Active handle types (timers, sockets...) before and after, by type. */
  readonly handlesBefore: Readonly<Record<string, number>>;
  readonly handlesAfter: Readonly<Record<string, number>>;
  /** Heap after a forced GC, when the process runs with --expose-gc. */
  readonly heapBeforeBytes: number | undefined;
  readonly heapAfterBytes: number | undefined;
  readonly durationMs: number;
  readonly abort?: {
    readonly count: number;
    readonly abortErrors: number;
    readonly maxSettleMs: number;
    readonly p99SettleMs: number;
    /** How long the caller's own loop calling `abort()` on every run took: a floor under every settle time. */
    readonly abortLoopMs: number;
  };
}

function countHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

function collectedHeap(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const settleTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

function attemptsOf(error: unknown): readonly Attempt[] | undefined {
  return (error as { attempts?: readonly Attempt[] }).attempts;
}

/**
 * Drives many requests through a cascade and reports whether anything was lost: every run must end accepted
 * or with a typed error holding its attempts, with no unhandled rejection and no handle left behind. Used
 * by the soak benchmark and, in a short form, by the tests.
 */
export async function soak(options: SoakOptions): Promise<SoakReport> {
  const makeRequest = options.makeRequest ?? ((i: number) => ({ id: `soak-${i}`, prompt: `request ${i}` }));
  let unhandledRejections = 0;
  const onUnhandled = () => {
    unhandledRejections += 1;
  };
  process.on('unhandledRejection', onUnhandled);
  await settleTurn();
  const handlesBefore = countHandles();
  const heapBeforeBytes = collectedHeap();
  const started = performance.now();
  let accepted = 0;
  let notAccepted = 0;
  let untypedFailures = 0;
  let failuresWithoutAttempts = 0;
  let attempts = 0;
  const failedByCode: Record<string, number> = {};
  let next = 0;
  let done = 0;

  const worker = async () => {
    while (next < options.requests) {
      const index = next;
      next += 1;
      try {
        const result = await options.cascade.run(makeRequest(index));
        attempts += result.attempts.length;
        if (result.accepted) accepted += 1;
        else notAccepted += 1;
      } catch (error) {
        if (!CascadeError.isInstance(error)) {
          untypedFailures += 1;
        } else {
          failedByCode[error.code] = (failedByCode[error.code] ?? 0) + 1;
          const held = attemptsOf(error);
          if (held === undefined || (held.length === 0 && error.code !== 'NO_TIER_AVAILABLE'))
            failuresWithoutAttempts += 1;
          attempts += held?.length ?? 0;
        }
      }
      done += 1;
      if (done % 1000 === 0) options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.requests) }, worker));
  const durationMs = performance.now() - started;

  let abortReport: SoakReport['abort'];
  if (options.abort !== undefined) {
    const { cascade, count, inFlightMs = 50 } = options.abort;
    const controllers = Array.from({ length: count }, () => new AbortController());
    const settleTimes: number[] = [];
    let abortErrors = 0;
    const abortedAt: number[] = [];
    const runs = controllers.map((controller, i) =>
      cascade.run(makeRequest(options.requests + i), { signal: controller.signal }).then(
        () => {},
        (error: unknown) => {
          settleTimes[i] = performance.now() - (abortedAt[i] ?? performance.now());
          if (CascadeError.isInstance(error) && error.code === 'ABORTED') abortErrors += 1;
        },
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, inFlightMs));
    const loopStarted = performance.now();
    controllers.forEach((controller, i) => {
      abortedAt[i] = performance.now();
      controller.abort();
    });
    const abortLoopMs = performance.now() - loopStarted;
    await Promise.all(runs);
    const sorted = settleTimes.filter((t) => t !== undefined).sort((a, b) => a - b);
    abortReport = {
      count,
      abortErrors,
      maxSettleMs: sorted.at(-1) ?? 0,
      p99SettleMs: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
      abortLoopMs,
    };
  }

  await settleTurn();
  const handlesAfter = countHandles();
  const heapAfterBytes = collectedHeap();
  process.off('unhandledRejection', onUnhandled);
  return {
    requests: options.requests,
    accepted,
    notAccepted,
    failedByCode,
    untypedFailures,
    failuresWithoutAttempts,
    attempts,
    unhandledRejections,
    handlesBefore,
    handlesAfter,
    heapBeforeBytes,
    heapAfterBytes,
    durationMs,
    ...(abortReport === undefined ? {} : { abort: abortReport }),
  };
}
