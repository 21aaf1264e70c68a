import type { AuditStore } from './audit-store.ts';
import type { BudgetLedger } from './budget-ledger.ts';
import type { CircuitStore } from './circuit-breaker.ts';
import { redactSecrets } from './redact-secrets.ts';
import type { ResponseCacheStore } from './response-cache.ts';

/**
 * Where a cascade keeps state that a fleet of processes may share: circuit state, spend over time, cached
 * answers and audit counts. Each defaults to an in-memory store in this process; plug in shared ones
 * (`@llm-cascade/store-redis`) to share them. A failing store never fails a run: see `StoreName`.
 */
export interface CascadeStores {
  /** Circuit breaker state; `circuitBreaker.store`, when set, takes precedence. */
  readonly circuit?: CircuitStore;
  /** Spend per key over a window, for `spendCaps`. */
  readonly budget?: BudgetLedger;
  /** Accepted answers, for `cache` (whose own `store`, when set, takes precedence). */
  readonly cache?: ResponseCacheStore;
  /** Shadow-audit agreement counts, for `audit`. */
  readonly audit?: AuditStore;
}

/**
 * Which store failed. When a call to a store throws or rejects, the cascade goes on with this process's
 * own state for that call (its last known circuit state, an in-memory ledger, a cache miss, in-memory
 * audit counts), emits a `store-fallback` event, sets `cascade.store.fallback` on the run's span, and
 * warns once per store (a `LLM_CASCADE_STORE_FALLBACK` process warning). It tries the store again on the
 * next call.
 */
export type StoreName = 'circuit' | 'budget' | 'cache' | 'audit';

/** Where a store failure is reported: the run (or audit) it happened in. */
export interface StoreFailureSink {
  storeFailed(store: StoreName, operation: string, error: unknown): void;
}

/** Warns once per store per cascade, so a store that stays down does not flood the log. */
export class StoreWarnings {
  readonly #warned = new Set<StoreName>();

  warn(store: StoreName, operation: string, error: unknown): void {
    if (this.#warned.has(store)) return;
    this.#warned.add(store);
    process.emitWarning(
      `llm-cascade: the ${store} store failed (${operation}: ${storeErrorMessage(error)}); serving from this process's own state`,
      { code: 'LLM_CASCADE_STORE_FALLBACK' },
    );
  }
}

// The password in a connection URL: redis://user:secret@host.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]+@/gi;

/** A short description of what a store threw, with credentials (a Redis URL's password) scrubbed. */
export function storeErrorMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const message = redactSecrets(raw).replace(URL_PASSWORD, '$1[redacted]@');
  return message.length > 200 ? `${message.slice(0, 200)}...` : message;
}
