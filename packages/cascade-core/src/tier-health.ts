import type { Span } from '@opentelemetry/api';
import type { CircuitBreaker, CircuitDecision } from './circuit-breaker.ts';
import { AbortError, type CascadeError } from './errors.ts';
import type { ResolvedTier } from './resolve-options.ts';
import type { Run } from './run-state.ts';
import { ATTR } from './tracing.ts';

/** The circuit decision a visit holds; the first call reports under it, later calls as plain `allow`. */
export interface CircuitTicket {
  decision: CircuitDecision;
}

/** Why a tier cannot take this request, before any circuit check; `undefined` when it can. */
export function policySkip(run: Run, tier: ResolvedTier): string | undefined {
  const dataClass = run.request.metadata?.dataClass;
  if (tier.dataClasses !== undefined && (dataClass === undefined || !tier.dataClasses.has(dataClass))) {
    return `data class '${dataClass ?? '(none)'}' is not allowed on this tier`;
  }
  return undefined;
}

/**
 * Asks `tier`'s circuit breaker whether a visit may call it, emitting any state change; a failing breaker
 * store is reported and the breaker decides from this process's own state. `reject` means the tier is
 * passed over.
 */
export async function circuitDecision(run: Run, tier: ResolvedTier, breaker: CircuitBreaker): Promise<CircuitDecision> {
  const acquired = await breaker.acquire(run.onCircuitStoreFailure);
  if (acquired.transition !== undefined) {
    if (run.listening) run.emit({ type: 'circuit', ...run.base(), tier: tier.name, ...acquired.transition });
  }
  return acquired.decision;
}

/** Feeds one provider call's outcome to the tier's latency tracker and circuit breaker. */
export function observeCall(
  run: Run,
  tier: ResolvedTier,
  ticket: CircuitTicket,
  span: Span,
  error: CascadeError | undefined,
  latencyMs: number,
): void {
  if (error === undefined) tier.latency.observe(latencyMs);
  const breaker = tier.breaker;
  if (breaker === undefined) return;
  const decision = ticket.decision;
  ticket.decision = 'allow';
  // An aborted call says nothing about the tier's health, but a probe it held must be given back.
  if (AbortError.isInstance(error)) {
    breaker.release(decision);
    return;
  }
  void breaker.record(decision, error, run.onCircuitStoreFailure).then(
    (transition) => {
      if (transition === undefined) return;
      const attributes = {
        [ATTR.tierName]: tier.name,
        'cascade.circuit.from': transition.from,
        'cascade.circuit.to': transition.to,
      };
      span.addEvent('circuit.state_change', attributes);
      run.runSpan.addEvent('circuit.state_change', attributes);
      if (run.listening)
        run.emit({ type: 'circuit', ...run.base(), tier: tier.name, from: transition.from, to: transition.to });
    },
    () => {
      // Only a throwing isFailure can land here (store failures are reported and served locally): the
      // breaker learns nothing from this call, and the run goes on.
    },
  );
}
