import type { Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';
import type { ResolvedCache } from './cache.ts';
import type { CascadeRequest, Message, Usage } from './contracts.ts';
import { AbortError } from './errors.ts';
import type { CascadeEvent } from './options.ts';
import { addUsage, ZERO_USAGE } from './pricing.ts';
import type { ResolvedCascade } from './resolve-options.ts';
import type { Attempt } from './result.ts';
import type { RouteDecision } from './route.ts';
import { type StoreFailureSink, type StoreName, storeErrorMessage } from './stores.ts';
import { ATTR } from './tracing.ts';

export interface RunSetup {
  readonly cascade: ResolvedCascade;
  readonly runId: string;
  readonly request: CascadeRequest;
  readonly messages: readonly Message[];
  readonly signal: AbortSignal | undefined;
  readonly budgetUsd: number | undefined;
  readonly tracer: Tracer;
  readonly runSpan: Span;
  readonly runContext: Context;
  /** The response cache this run reads and fills, if any. */
  readonly cache?: ResolvedCache | undefined;
  /** The router's decision, when a router made one. */
  readonly route?: RouteDecision | undefined;
}

/**
 * What one `run()` call knows and has done so far: its request, its attempts, what it has spent, and how
 * it reports (events, spans). Every step of the engine takes it as an argument; the steps themselves live
 * in their own modules (see the README's "How the engine is laid out").
 */
export class Run implements StoreFailureSink {
  readonly attempts: Attempt[] = [];
  /** Values the gates produced, by attempt index, for the caller's result. */
  readonly values = new Map<number, unknown>();
  costUsd = 0;
  /** Estimated cost of attempts in flight, so concurrent attempts (hedges, races) respect the budget too. */
  reservedUsd = 0;
  usage: Usage = ZERO_USAGE;
  repairs = 0;
  nextIndex = 0;
  readonly started = performance.now();

  readonly cascade: ResolvedCascade;
  readonly runId: string;
  readonly request: CascadeRequest;
  readonly messages: readonly Message[];
  readonly signal: AbortSignal | undefined;
  readonly budgetUsd: number | undefined;
  readonly tracer: Tracer;
  readonly runSpan: Span;
  readonly runContext: Context;
  readonly cache: ResolvedCache | undefined;
  readonly route: RouteDecision | undefined;
  /** Whether anyone listens to events: callers check it so no event object is built for nobody. */
  readonly listening: boolean;
  /** Whether spans record: when the run span does not, child spans are not created at all. */
  readonly recording: boolean;

  constructor(setup: RunSetup) {
    this.cascade = setup.cascade;
    this.runId = setup.runId;
    this.request = setup.request;
    this.messages = setup.messages;
    this.signal = setup.signal;
    this.budgetUsd = setup.budgetUsd;
    this.tracer = setup.tracer;
    this.runSpan = setup.runSpan;
    this.runContext = setup.runContext;
    this.cache = setup.cache;
    this.route = setup.route;
    this.listening = setup.cascade.options.onEvent !== undefined;
    this.recording = setup.runSpan.isRecording();
  }

  /**
   * A child span of `parent`, or the run span itself when the run is not recording (no SDK, or sampled
   * out): a non-recording span ignores everything, so there is nothing to gain from creating more.
   */
  span(name: string, options: SpanOptions, parent: Context): Span {
    return this.recording ? this.tracer.startSpan(name, options, parent) : this.runSpan;
  }

  /** Moves up the ladder that reached a provider: escalations after a failure, and hedges. */
  get escalations(): number {
    let count = 0;
    for (const attempt of this.attempts) {
      if ((attempt.kind === 'escalation' || attempt.kind === 'hedge') && attempt.calls > 0) count += 1;
    }
    return count;
  }

  emit(event: CascadeEvent): void {
    const listener = this.cascade.options.onEvent;
    if (listener === undefined) return;
    try {
      listener(event);
    } catch {
      // A faulty listener must not fail the run it observes.
    }
  }

  /** A store call failed during this run: say so on its span and in an event, and warn once per store. */
  storeFailed(store: StoreName, operation: string, error: unknown): void {
    this.cascade.storeWarnings.warn(store, operation, error);
    this.runSpan.setAttribute(ATTR.storeFallback, store);
    this.runSpan.addEvent('store.fallback', { 'cascade.store.name': store, 'cascade.store.operation': operation });
    if (this.listening)
      this.emit({ type: 'store-fallback', ...this.base(), store, operation, message: storeErrorMessage(error) });
  }

  #circuitFailure: ((operation: 'load' | 'save', error: unknown) => void) | undefined;

  /** The run's reporter for its breakers' store failures, made once. */
  get onCircuitStoreFailure(): (operation: 'load' | 'save', error: unknown) => void {
    this.#circuitFailure ??= (operation, error) => this.storeFailed('circuit', operation, error);
    return this.#circuitFailure;
  }

  base(): { runId: string; requestId: string | undefined } {
    return { runId: this.runId, requestId: this.request.id };
  }

  /** Records an attempt, keeping the list in start order when concurrent attempts finish out of order. */
  record(attempt: Attempt): void {
    let at = this.attempts.length;
    while (at > 0 && (this.attempts[at - 1] as Attempt).index > attempt.index) at -= 1;
    this.attempts.splice(at, 0, attempt);
    this.costUsd += attempt.costUsd;
    this.usage = addUsage(this.usage, attempt.usage);
    if (this.listening) this.emit({ type: 'attempt-end', ...this.base(), attempt });
  }

  #abortError: AbortError | undefined;

  /**
   * The run's one AbortError, made once: it holds the live list of attempts, so attempts recorded after it
   * was made are in it too, and aborting thousands of runs at once does not build three errors (and three
   * stack traces) for each.
   */
  abortError(): AbortError {
    this.#abortError ??= AbortError.cheap('the run was aborted', {
      cause: this.signal?.reason,
      attempts: this.attempts,
    });
    return this.#abortError;
  }

  throwIfAborted(): void {
    if (this.signal?.aborted) throw this.abortError();
  }

  /** Throws when a visit's signal fired: the run's AbortError when the caller aborted, else a cancellation. */
  throwIfCancelled(signal: AbortSignal | undefined): void {
    if (!signal?.aborted) return;
    throw this.signal?.aborted
      ? this.abortError()
      : new AbortError('the attempt was cancelled', { cause: signal.reason, attempts: this.attempts });
  }
}
