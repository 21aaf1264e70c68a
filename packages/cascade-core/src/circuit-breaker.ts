import type { CascadeError } from './errors.ts';
import { ProviderError } from './errors.ts';

export type CircuitState = 'closed' | 'open' | 'half-open';

/** What a store keeps per tier: small and serialisable, so a shared store (Redis, a database) can hold it. */
export interface CircuitSnapshot {
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  /** Outcomes of the most recent calls, oldest first: `true` for a failure. */
  readonly recent: readonly boolean[];
  /** When the circuit last opened (ms since the epoch). */
  readonly openedAt: number;
}

/**
 * Where breaker state lives. The default keeps it in memory, per process; plug in a shared store to make
 * every process of a fleet see the same tier health. Methods may return promises.
 */
export interface CircuitStore {
  load(key: string): CircuitSnapshot | undefined | Promise<CircuitSnapshot | undefined>;
  save(key: string, snapshot: CircuitSnapshot): void | Promise<void>;
}

/** The default store: a Map in this process. */
export class InMemoryCircuitStore implements CircuitStore {
  readonly #snapshots = new Map<string, CircuitSnapshot>();

  load(key: string): CircuitSnapshot | undefined {
    return this.#snapshots.get(key);
  }

  save(key: string, snapshot: CircuitSnapshot): void {
    this.#snapshots.set(key, snapshot);
  }
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  readonly failureThreshold?: number;
  /** Share of failures over the window that opens the circuit. Default 0.5. */
  readonly errorRateThreshold?: number;
  /** Calls in the sliding window. Default 20. */
  readonly windowSize?: number;
  /** Calls the window must hold before its error rate counts. Default 10. */
  readonly minimumCalls?: number;
  /** How long an open circuit refuses calls before letting probes through. Default 30,000 ms. */
  readonly cooldownMs?: number;
  /** Probe calls allowed at once while half-open. Default 1. */
  readonly halfOpenProbes?: number;
  /**
   * Which errors count against a tier's health. Default: every provider error but those about the request
   * itself (bad-request, not-found, conflict), since those say nothing about the tier.
   */
  readonly isFailure?: (error: CascadeError) => boolean;
  readonly store?: CircuitStore;
  /** Clock, for tests. */
  readonly now?: () => number;
}

const REQUEST_SPECIFIC = new Set(['bad-request', 'not-found', 'conflict']);

export function defaultIsFailure(error: CascadeError): boolean {
  return !(ProviderError.isInstance(error) && REQUEST_SPECIFIC.has(error.kind));
}

const CLOSED: CircuitSnapshot = Object.freeze({ state: 'closed', consecutiveFailures: 0, recent: [], openedAt: 0 });

/**
 * Told when the store fails; the breaker then goes on with the state this process last saw or saved.
 * Without one, a store failure is passed silently over the same way.
 */
export type CircuitStoreFailure = (operation: 'load' | 'save', error: unknown) => void;

/** Whether a call may go to the tier now. */
export type CircuitDecision = 'allow' | 'probe' | 'reject';

export interface CircuitTransition {
  readonly from: CircuitState;
  readonly to: CircuitState;
}

/**
 * One tier's circuit breaker (closed, open, half-open). It opens after `failureThreshold` consecutive
 * failures or an error rate over the sliding window; while open, the engine passes the tier over; after
 * the cooldown it lets `halfOpenProbes` calls through, and closes on a probe's success or reopens on its
 * failure.
 */
export class CircuitBreaker {
  readonly key: string;
  readonly #failureThreshold: number;
  readonly #errorRateThreshold: number;
  readonly #windowSize: number;
  readonly #minimumCalls: number;
  readonly #cooldownMs: number;
  readonly #halfOpenProbes: number;
  readonly #isFailure: (error: CascadeError) => boolean;
  readonly #store: CircuitStore;
  readonly #now: () => number;
  #probesInFlight = 0;
  /** The state this process last loaded or saved: what it serves from while the store is failing. */
  #local: CircuitSnapshot | undefined;

  constructor(key: string, options: CircuitBreakerOptions = {}) {
    this.key = key;
    this.#failureThreshold = options.failureThreshold ?? 5;
    this.#errorRateThreshold = options.errorRateThreshold ?? 0.5;
    this.#windowSize = options.windowSize ?? 20;
    this.#minimumCalls = options.minimumCalls ?? 10;
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#halfOpenProbes = options.halfOpenProbes ?? 1;
    this.#isFailure = options.isFailure ?? defaultIsFailure;
    this.#store = options.store ?? new InMemoryCircuitStore();
    this.#now = options.now ?? Date.now;
  }

  /** The circuit's state; never rejects: a failing store yields the state this process last knew. */
  async snapshot(onStoreFailure?: CircuitStoreFailure): Promise<CircuitSnapshot> {
    try {
      const loaded = await this.#store.load(this.key);
      this.#local = loaded;
      return loaded ?? CLOSED;
    } catch (error) {
      onStoreFailure?.('load', error);
      return this.#local ?? CLOSED;
    }
  }

  async #save(snapshot: CircuitSnapshot, onStoreFailure: CircuitStoreFailure | undefined): Promise<void> {
    this.#local = snapshot;
    try {
      await this.#store.save(this.key, snapshot);
    } catch (error) {
      onStoreFailure?.('save', error);
    }
  }

  /** Decides whether a call may go ahead; moves an open circuit past its cooldown to half-open. */
  async acquire(
    onStoreFailure?: CircuitStoreFailure,
  ): Promise<{ decision: CircuitDecision; transition?: CircuitTransition }> {
    const current = await this.snapshot(onStoreFailure);
    if (current.state === 'closed') return { decision: 'allow' };
    if (current.state === 'open') {
      if (this.#now() - current.openedAt < this.#cooldownMs) return { decision: 'reject' };
      await this.#save({ ...current, state: 'half-open' }, onStoreFailure);
      this.#probesInFlight += 1;
      return { decision: 'probe', transition: { from: 'open', to: 'half-open' } };
    }
    if (this.#probesInFlight >= this.#halfOpenProbes) return { decision: 'reject' };
    this.#probesInFlight += 1;
    return { decision: 'probe' };
  }

  /** Gives back a probe slot without recording an outcome (the call was aborted, say). */
  release(decision: CircuitDecision): void {
    if (decision === 'probe') this.#probesInFlight = Math.max(0, this.#probesInFlight - 1);
  }

  /** Records a call's outcome: `undefined` for success, the error otherwise. */
  async record(
    decision: CircuitDecision,
    error: CascadeError | undefined,
    onStoreFailure?: CircuitStoreFailure,
  ): Promise<CircuitTransition | undefined> {
    if (decision === 'probe') this.#probesInFlight = Math.max(0, this.#probesInFlight - 1);
    const failed = error !== undefined && this.#isFailure(error);
    // A request-specific error says nothing about health: it neither opens nor closes the circuit.
    if (error !== undefined && !failed) return undefined;
    const current = await this.snapshot(onStoreFailure);
    const recent = [...current.recent, failed];
    if (recent.length > this.#windowSize) recent.splice(0, recent.length - this.#windowSize);
    const consecutiveFailures = failed ? current.consecutiveFailures + 1 : 0;
    let state = current.state;
    let openedAt = current.openedAt;
    if (current.state === 'half-open') {
      state = failed ? 'open' : 'closed';
    } else if (current.state === 'closed' && failed && this.#shouldOpen(consecutiveFailures, recent)) {
      state = 'open';
    }
    if (state === 'open' && current.state !== 'open') openedAt = this.#now();
    // A closed circuit starts a fresh window, so the failures that opened it do not reopen it at once.
    const next: CircuitSnapshot = {
      state,
      consecutiveFailures,
      recent: state === 'closed' && current.state !== 'closed' ? [] : recent,
      openedAt,
    };
    await this.#save(next, onStoreFailure);
    return state === current.state ? undefined : { from: current.state, to: state };
  }

  #shouldOpen(consecutiveFailures: number, recent: readonly boolean[]): boolean {
    if (consecutiveFailures >= this.#failureThreshold) return true;
    if (recent.length < this.#minimumCalls) return false;
    const failures = recent.reduce((sum, failed) => sum + (failed ? 1 : 0), 0);
    return failures / recent.length > this.#errorRateThreshold;
  }
}
