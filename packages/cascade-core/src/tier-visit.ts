import { type AttemptStrategy, runAttempt } from './attempt.ts';
import { affordable, estimateCost } from './budget.ts';
import type { Message } from './contracts.ts';
import { type CascadeError, ProviderError } from './errors.ts';
import type { SkippedTier } from './exhaustion.ts';
import { providerRequest } from './provider-request.ts';
import { repairMessages } from './repair-turn.ts';
import type { ResolvedTier } from './resolve-options.ts';
import type { Attempt, AttemptKind } from './result.ts';
import { backoffDelay, sleep } from './retry.ts';
import type { Run } from './run-state.ts';
import { type CapHold, reserveCaps, type SpendCapHit, settleCaps } from './spend-caps.ts';
import { type CircuitTicket, circuitDecision, policySkip } from './tier-health.ts';

/** How one visit to a tier ended. */
export type Visit =
  | { readonly status: 'accepted'; readonly attempt: Attempt }
  | { readonly status: 'failed' }
  | { readonly status: 'skipped'; readonly reason: string }
  | {
      readonly status: 'budget';
      readonly estimatedCostUsd: number;
      readonly kind: AttemptKind;
      /** Set when a spend cap, not the run's budget, refused the call. */
      readonly cap?: SpendCapHit;
    }
  | { readonly status: 'cancelled' };

/** Visits a tier; the walk, hedges and races call it through this shape so they need not know the strategy. */
export type VisitTier = (tier: ResolvedTier, kind: AttemptKind, signal: AbortSignal | undefined) => Promise<Visit>;

/** What the walk has seen of its visits: the tiers passed over, and whether any tier was reached. */
export class VisitLog {
  readonly skipped: SkippedTier[] = [];
  reachedTier = false;

  note(run: Run, tier: ResolvedTier, visit: Visit): void {
    if (visit.status === 'skipped') {
      this.skipped.push({ tier: tier.name, reason: visit.reason });
      if (run.listening) run.emit({ type: 'tier-skipped', ...run.base(), tier: tier.name, reason: visit.reason });
    } else {
      this.reachedTier = true;
    }
  }
}

/**
 * One visit to a tier: retries of provider errors and repairs of failed gates, until an answer passes,
 * the tier gives up, the budget stops it, or `signal` (another tier winning a hedge or race) cancels it.
 * Throws only when the caller aborts the run.
 */
export async function visitTier(
  run: Run,
  strategy: AttemptStrategy,
  tier: ResolvedTier,
  firstKind: AttemptKind,
  signal: AbortSignal | undefined,
): Promise<Visit> {
  const skip = policySkip(run, tier);
  if (skip !== undefined) return { status: 'skipped', reason: skip };
  let circuit: CircuitTicket = { decision: 'allow' };
  if (tier.breaker !== undefined) {
    const decision = await circuitDecision(run, tier, tier.breaker);
    if (decision === 'reject') return { status: 'skipped', reason: 'circuit open' };
    circuit = { decision };
  }
  let kind = firstKind;
  let messages: readonly Message[] = run.messages;
  let repairsLeft = tier.repairs;
  let retry = 0;
  for (;;) {
    run.throwIfAborted();
    if (signal?.aborted) return { status: 'cancelled' };
    const request = providerRequest(run, tier, messages);
    const estimatedCostUsd = estimateCost(run, tier, request);
    if (!affordable(run, estimatedCostUsd)) return { status: 'budget', estimatedCostUsd, kind };
    let holds: readonly CapHold[] | undefined;
    const caps = run.cascade.spendCaps;
    if (caps !== undefined) {
      const reserved = await reserveCaps(run, caps, estimatedCostUsd);
      if ('hit' in reserved) return { status: 'budget', estimatedCostUsd, kind, cap: reserved.hit };
      holds = reserved.holds;
    }
    const attempt = await runAttempt(
      run,
      { tier, kind, request, canRepair: repairsLeft > 0, estimatedCostUsd, signal, circuit },
      strategy,
    );
    if (holds !== undefined) settleCaps(run, holds, attempt.costUsd);
    run.record(attempt);
    run.throwIfAborted();
    if (attempt.outcome === 'aborted') return { status: 'cancelled' };
    if (attempt.outcome === 'accepted') return { status: 'accepted', attempt };
    if (attempt.outcome === 'provider-error') {
      const error = attempt.error;
      const delay = await retryDelay(run, tier, error, retry);
      if (delay === undefined || error === undefined) {
        escalate(run, tier, `provider-error: ${error?.message ?? 'unknown'}`);
        return { status: 'failed' };
      }
      if (run.listening) run.emit({ type: 'retry', ...run.base(), tier: tier.name, delayMs: delay, error });
      try {
        await sleep(delay, signal);
      } catch {
        run.throwIfAborted();
        return { status: 'cancelled' };
      }
      retry += 1;
      kind = 'retry';
      continue;
    }
    retry = 0;
    if (attempt.outcome === 'repaired') {
      const repair = repairMessages(run.cascade, messages, attempt);
      messages = repair.messages;
      repairsLeft -= 1;
      run.repairs += 1;
      kind = 'repair';
      if (run.listening) run.emit({ type: 'repair', ...run.base(), tier: tier.name, gate: repair.gate });
      continue;
    }
    escalate(run, tier, `gate-failed: ${attempt.failedGate ?? 'unknown'}`);
    return { status: 'failed' };
  }
}

/**
 * How long to wait before retrying a failed call on the same tier, or `undefined` to escalate instead:
 * the error is not retryable, the tier's retries are spent, its circuit has opened, or the server asked
 * for a longer wait than `retry.maxRetryAfterMs`.
 */
async function retryDelay(
  run: Run,
  tier: ResolvedTier,
  error: CascadeError | undefined,
  retry: number,
): Promise<number | undefined> {
  const circuitOpen =
    tier.breaker !== undefined && (await tier.breaker.snapshot(run.onCircuitStoreFailure)).state === 'open';
  return ProviderError.isInstance(error) && error.retryable && retry < tier.retries && !circuitOpen
    ? backoffDelay(retry, error.retryAfterMs, run.cascade.retry)
    : undefined;
}

function escalate(run: Run, tier: ResolvedTier, reason: string): void {
  const next = run.cascade.tiers[tier.index + 1];
  if (run.listening) run.emit({ type: 'escalation', ...run.base(), from: tier.name, to: next?.name, reason });
}
