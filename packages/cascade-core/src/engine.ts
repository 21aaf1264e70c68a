import type { AuditSummary } from './auditor.ts';
import { bufferedAttempt } from './buffered-attempt.ts';
import type { CircuitSnapshot } from './circuit-breaker.ts';
import type { CascadeRequest, TierInfo } from './contracts.ts';
import type { LatencySnapshot } from './latency-tracker.ts';
import type { CascadeOptions, RunManyOptions, RunOptions } from './options.ts';
import { resolveOptions } from './resolve-options.ts';
import type { BatchItem, CascadeResult } from './result.ts';
import { runCascade } from './run-lifecycle.ts';
import { runMany } from './run-many.ts';

/** A tier's health: its circuit (when a breaker is configured) and its recent latency. */
export interface TierHealth {
  readonly tier: string;
  readonly circuit: CircuitSnapshot | undefined;
  readonly latency: LatencySnapshot;
}

/** A built cascade: run requests up its ladder of tiers. */
export interface Cascade<TValue = unknown> {
  readonly name: string;
  readonly tiers: readonly TierInfo[];
  /**
   * Runs one request up the ladder. Resolves with the first answer that passes every gate; rejects with
   * `CascadeExhaustedError`, `BudgetExceededError`, `AbortError` or `NoTierAvailableError`, each holding
   * every attempt made.
   */
  run(request: CascadeRequest, options?: RunOptions): Promise<CascadeResult<TValue>>;
  /** Runs a batch; results come back in input order and a failed item is a value, never a rejected batch. */
  runMany(requests: readonly CascadeRequest[], options?: RunManyOptions): Promise<BatchItem<TValue>[]>;
  /** Each tier's circuit state and recent latency (EWMA and p95). */
  health(): Promise<TierHealth[]>;
  /**
   * Shadow-audit agreement over the audit window, per tier, gate path and feature, from the audit store,
   * with the floors audits raised. Empty when `audit` is off.
   */
  audits(): Promise<AuditSummary>;
  /**
   * Waits for shadow audits in flight (up to `audit.closeTimeoutMs`, then aborts them) and releases the
   * gates' resources (worker threads, processes).
   */
  close(): Promise<void>;
}

/**
 * Builds a cascade. Every option is checked here, once, and a bad one throws `ConfigError` naming the
 * field (`tiers[1].price.inputPerMTok`), so a misconfigured pipeline fails before its first request.
 */
export function createCascade<TValue = unknown>(options: CascadeOptions): Cascade<TValue> {
  const cascade = resolveOptions(options);
  const { tiers } = cascade;

  // The values are whatever the gates produced: typing them as TValue is the caller's declaration.
  const run = (request: CascadeRequest, runOptions: RunOptions = {}) =>
    runCascade(cascade, request, runOptions, bufferedAttempt) as Promise<CascadeResult<TValue>>;

  return {
    name: cascade.name,
    tiers: tiers.map((tier) => tier.info),
    run,
    runMany: (requests, runManyOptions = {}) => runMany(run, requests, runManyOptions),
    async health() {
      const onStoreFailure = (operation: string, error: unknown) =>
        cascade.storeWarnings.warn('circuit', operation, error);
      return Promise.all(
        tiers.map(async (tier) => ({
          tier: tier.name,
          circuit: tier.breaker === undefined ? undefined : await tier.breaker.snapshot(onStoreFailure),
          latency: tier.latency.snapshot(),
        })),
      );
    },
    async audits() {
      return cascade.auditor === undefined
        ? { windowMs: 0, agreements: [], raisedFloors: [] }
        : cascade.auditor.summary();
    },
    async close() {
      await cascade.auditor?.close();
      const gates = new Set(tiers.flatMap((tier) => tier.gates));
      await Promise.all([...gates].map(async (gate) => gate.close?.()));
    },
  };
}
