import { type Context, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { TierOutput } from './call-tier.ts';
import type { ProviderRequest } from './contracts.ts';
import { AbortError, CascadeError } from './errors.ts';
import type { GateVerdict } from './gate-chain.ts';
import { costOf, ZERO_USAGE } from './pricing.ts';
import type { ResolvedTier } from './resolve-options.ts';
import type { Attempt, AttemptKind } from './result.ts';
import type { Run } from './run-state.ts';
import { type CircuitTicket, observeCall } from './tier-health.ts';
import { ATTR, recordError, SPAN } from './tracing.ts';

/** One attempt as the tier visit planned it: what to send, and what the budget check estimated. */
export interface AttemptPlan {
  readonly tier: ResolvedTier;
  readonly kind: AttemptKind;
  readonly request: ProviderRequest;
  /** Whether a failed gate's feedback will go back to this tier (repairs left). */
  readonly canRepair: boolean;
  readonly estimatedCostUsd: number;
  /** The tier visit's signal: the caller's, plus cancellation by a hedge or race that another tier won. */
  readonly signal: AbortSignal | undefined;
  /** The circuit decision for the visit's first call; later calls record as plain `allow`. */
  readonly circuit: CircuitTicket;
}

/** What an attempt strategy is handed: the run, the plan, and where its calls report. */
export interface AttemptCall {
  readonly run: Run;
  readonly plan: AttemptPlan;
  /** The attempt span's context: provider-call and gate spans nest under it. */
  readonly parent: Context;
  /** Counts every provider call made, failed ones included. */
  readonly counter: { calls: number };
  /** Report each provider call's outcome here: it feeds the tier's latency tracker and circuit breaker. */
  readonly onCallSettled: (error: CascadeError | undefined, latencyMs: number) => void;
}

/**
 * The replaceable core of an attempt: get the tier's answer, then judge it. `run()` uses the buffered
 * strategy (call, then gates); a streaming variant supplies its own, releasing text as it sees fit, while
 * the attempt's bookkeeping (index, span, budget reservation, events, the record) and the walk up the
 * ladder stay the same.
 */
export interface AttemptStrategy {
  /** The provider call(s) of the attempt. A throw is classified as a provider error or an abort. */
  produce(call: AttemptCall): Promise<TierOutput>;
  /** The gate chain's verdict on the answer. May throw only when the visit's signal fired. */
  judge(call: AttemptCall, output: TierOutput): Promise<GateVerdict>;
}

function finish(span: Span, attempt: Attempt): Attempt {
  span.setAttributes({ [ATTR.attemptOutcome]: attempt.outcome, [ATTR.attemptCostUsd]: attempt.costUsd });
  return attempt;
}

/** Fields every attempt record carries, whatever its outcome. */
interface AttemptCommon {
  readonly index: number;
  readonly tier: string;
  readonly tierIndex: number;
  readonly model: string;
  readonly kind: AttemptKind;
  readonly estimatedCostUsd: number;
  readonly startedAt: number;
}

/** The `cascade.attempt {tier}` span, a child of the run's. */
function attemptSpan(run: Run, tier: ResolvedTier, kind: AttemptKind, index: number): Span {
  return run.span(
    `${SPAN.attempt} ${tier.name}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        [ATTR.tierName]: tier.name,
        [ATTR.tierIndex]: tier.index,
        [ATTR.attemptIndex]: index,
        [ATTR.attemptKind]: kind,
        ...(tier.samples > 1 ? { [ATTR.attemptSamples]: tier.samples } : {}),
      },
    },
    run.runContext,
  );
}

/**
 * Runs one attempt with `strategy` and returns its record; never throws (a failed call, a failed gate, an
 * abort are outcomes). The caller records it on the run.
 */
export async function runAttempt(run: Run, plan: AttemptPlan, strategy: AttemptStrategy): Promise<Attempt> {
  const { tier, kind } = plan;
  const index = run.nextIndex;
  run.nextIndex += 1;
  const span = attemptSpan(run, tier, kind, index);
  const parent = run.recording ? trace.setSpan(run.runContext, span) : run.runContext;
  if (run.listening) run.emit({ type: 'attempt-start', ...run.base(), tier: tier.name, index, kind });
  const started = performance.now();
  const common: AttemptCommon = {
    index,
    tier: tier.name,
    tierIndex: tier.index,
    model: tier.model,
    kind,
    estimatedCostUsd: plan.estimatedCostUsd,
    startedAt: Date.now(),
  };
  run.reservedUsd += plan.estimatedCostUsd;
  const call: AttemptCall = {
    run,
    plan,
    parent,
    counter: { calls: 0 },
    onCallSettled: (error, latencyMs) => observeCall(run, tier, plan.circuit, span, error, latencyMs),
  };
  try {
    let output: TierOutput;
    try {
      output = await strategy.produce(call);
    } catch (error) {
      return finish(span, failedCall(call, common, span, error, performance.now() - started));
    }
    const produced = {
      ...common,
      responseModel: output.model,
      candidates: output.candidates,
      usage: output.usage,
      costUsd: costOf(output.usage, tier.price),
      calls: output.calls,
      ...(output.samplesSaved > 0 ? { samplesSaved: output.samplesSaved } : {}),
    };
    let verdict: GateVerdict;
    try {
      verdict = await strategy.judge(call, output);
    } catch (error) {
      // Only an abort escapes the gates; what the model produced is kept all the same.
      return finish(span, {
        ...produced,
        outcome: 'aborted',
        selectedCandidate: 0,
        gates: [],
        latencyMs: performance.now() - started,
        error: CascadeError.from(error, 'ABORTED'),
      });
    }
    if (verdict.value !== undefined) run.values.set(index, verdict.value);
    return finish(span, {
      ...produced,
      outcome:
        verdict.failed === undefined
          ? 'accepted'
          : plan.canRepair && verdict.failed.feedback !== undefined
            ? 'repaired'
            : 'gate-failed',
      selectedCandidate: verdict.selected,
      gates: verdict.records,
      ...(verdict.failedGate === undefined ? {} : { failedGate: verdict.failedGate }),
      latencyMs: performance.now() - started,
    });
  } finally {
    run.reservedUsd -= plan.estimatedCostUsd;
    span.end();
  }
}

/** The record of an attempt whose provider call failed: a provider error, or an abort or cancellation. */
function failedCall(call: AttemptCall, common: AttemptCommon, span: Span, error: unknown, latencyMs: number): Attempt {
  const { run, plan } = call;
  // The visit's abort can win the race with the call's own classified error: check the signal first.
  const failure = run.signal?.aborted
    ? run.abortError()
    : plan.signal?.aborted
      ? new AbortError('cancelled: another tier answered first', { cause: plan.signal.reason })
      : CascadeError.from(error);
  recordError(span, failure);
  return {
    ...common,
    outcome: AbortError.isInstance(failure) ? 'aborted' : 'provider-error',
    candidates: [],
    selectedCandidate: 0,
    gates: [],
    usage: ZERO_USAGE,
    costUsd: 0,
    calls: call.counter.calls,
    latencyMs,
    error: failure,
  };
}
