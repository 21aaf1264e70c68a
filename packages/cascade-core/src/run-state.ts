import { type Context, type Span, SpanKind, type SpanOptions, type Tracer, trace } from '@opentelemetry/api';
import { callTier, raceAbort, type TierOutput } from './call-tier.ts';
import type { CircuitDecision } from './circuit-breaker.ts';
import type {
  Candidate,
  CascadeRequest,
  Gate,
  GateContext,
  GateResult,
  Message,
  ProviderRequest,
  TierInfo,
  Usage,
} from './contracts.ts';
import { AbortError, CascadeError } from './errors.ts';
import type { CascadeEvent } from './options.ts';
import { addUsage, costOf, estimateInputTokens, ZERO_USAGE } from './pricing.ts';
import type { ResolvedCascade, ResolvedTier } from './resolve-options.ts';
import type { Attempt, AttemptKind, GateRecord } from './result.ts';
import { ATTR, recordError, SPAN } from './tracing.ts';

/** Output size assumed by the budget check when neither the request nor the tier caps it. */
export const DEFAULT_OUTPUT_ESTIMATE_TOKENS = 1024;

export interface AttemptPlan {
  readonly tier: ResolvedTier;
  readonly kind: AttemptKind;
  readonly request: ProviderRequest;
  readonly canRepair: boolean;
  readonly estimatedCostUsd: number;
  /** The tier visit's signal: the caller's, plus cancellation by a hedge or race that another tier won. */
  readonly signal: AbortSignal | undefined;
  /** The circuit decision for the visit's first call; later calls record as plain `allow`. */
  readonly circuit: { decision: CircuitDecision };
}

interface GateRun {
  readonly records: GateRecord[];
  readonly failed: GateResult | undefined;
  readonly failedGate: string | undefined;
  readonly selected: number;
  readonly value: unknown;
}

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
}

/**
 * The context a gate sees. A class rather than an object literal so that `signal` can be made on first
 * read (most gates never read it, and a run without a signal would otherwise pay for an idle controller
 * per gate) while every context keeps one shape for the JIT.
 */
class LiveGateContext implements GateContext {
  readonly request: ProviderRequest;
  readonly tier: TierInfo;
  readonly candidate: Candidate;
  readonly candidateIndex: number;
  readonly candidates: readonly Candidate[];
  readonly value: unknown;
  readonly usage: Usage;
  #signal: AbortSignal | undefined;

  constructor(
    request: ProviderRequest,
    tier: TierInfo,
    candidate: Candidate,
    candidateIndex: number,
    candidates: readonly Candidate[],
    value: unknown,
    usage: Usage,
    signal: AbortSignal | undefined,
  ) {
    this.request = request;
    this.tier = tier;
    this.candidate = candidate;
    this.candidateIndex = candidateIndex;
    this.candidates = candidates;
    this.value = value;
    this.usage = usage;
    this.#signal = signal;
  }

  /** The visit's signal; a run without one gets its own idle signal, never one shared by every run. */
  get signal(): AbortSignal {
    this.#signal ??= new AbortController().signal;
    return this.#signal;
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function finish(span: Span, attempt: Attempt): Attempt {
  span.setAttributes({ [ATTR.attemptOutcome]: attempt.outcome, [ATTR.attemptCostUsd]: attempt.costUsd });
  return attempt;
}

/** Per-run state and the steps of one attempt. One instance per `run()` call. */
export class Run {
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

  base(): { runId: string; requestId: string | undefined } {
    return { runId: this.runId, requestId: this.request.id };
  }

  providerRequest(tier: ResolvedTier, messages: readonly Message[]): ProviderRequest {
    const request = this.request;
    const responseFormat = request.responseFormat ?? tier.responseFormat;
    const maxOutputTokens =
      request.maxOutputTokens ??
      tier.maxOutputTokens ??
      (this.budgetUsd === undefined ? undefined : DEFAULT_OUTPUT_ESTIMATE_TOKENS);
    return {
      model: tier.model,
      messages,
      ...(responseFormat === undefined ? {} : { responseFormat }),
      ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.metadata === undefined ? {} : { metadata: request.metadata }),
      ...(request.id === undefined ? {} : { requestId: request.id }),
    };
  }

  /** Upper-bound cost of the next attempt: input for each call, plus the output cap for each sample. */
  estimateCost(tier: ResolvedTier, request: ProviderRequest): number {
    const estimateInput = this.cascade.options.estimateInputTokens ?? estimateInputTokens;
    const inputTokens = estimateInput(request.messages);
    const outputTokens = request.maxOutputTokens ?? DEFAULT_OUTPUT_ESTIMATE_TOKENS;
    const provider = tier.provider;
    const calls = provider.estimateCalls?.(tier.samples) ?? (provider.capabilities.multipleSamples ? 1 : tier.samples);
    return costOf({ inputTokens: inputTokens * calls, outputTokens: outputTokens * tier.samples }, tier.price);
  }

  /** Whether an attempt estimated at `estimatedUsd` fits in what is left, counting attempts in flight. */
  affordable(estimatedUsd: number): boolean {
    return this.budgetUsd === undefined || this.costUsd + this.reservedUsd + estimatedUsd <= this.budgetUsd;
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

  async attempt(plan: AttemptPlan): Promise<Attempt> {
    const { tier, kind } = plan;
    const index = this.nextIndex;
    this.nextIndex += 1;
    const span = this.span(
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
      this.runContext,
    );
    const attemptContext = this.recording ? trace.setSpan(this.runContext, span) : this.runContext;
    if (this.listening) this.emit({ type: 'attempt-start', ...this.base(), tier: tier.name, index, kind });
    const started = performance.now();
    const common = {
      index,
      tier: tier.name,
      tierIndex: tier.index,
      model: tier.model,
      kind,
      estimatedCostUsd: plan.estimatedCostUsd,
      startedAt: Date.now(),
    };
    this.reservedUsd += plan.estimatedCostUsd;
    const counter = { calls: 0 };
    try {
      let output: TierOutput;
      try {
        output = await callTier({
          counter,
          tier,
          request: plan.request,
          signal: plan.signal,
          parent: attemptContext,
          recordContent: this.cascade.options.recordContent === true,
          spans: this,
          onCallSettled: (error, latencyMs) => this.#observeCall(plan, span, error, latencyMs),
        });
      } catch (error) {
        // The visit's abort can win the race with the call's own classified error: check the signal first.
        const failure = this.signal?.aborted
          ? this.abortError()
          : plan.signal?.aborted
            ? new AbortError('cancelled: another tier answered first', { cause: plan.signal.reason })
            : CascadeError.from(error);
        recordError(span, failure);
        return finish(span, {
          ...common,
          outcome: AbortError.isInstance(failure) ? 'aborted' : 'provider-error',
          candidates: [],
          selectedCandidate: 0,
          gates: [],
          usage: ZERO_USAGE,
          costUsd: 0,
          calls: counter.calls,
          latencyMs: performance.now() - started,
          error: failure,
        });
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
      let gates: GateRun;
      try {
        gates = await this.runGates(plan, output, attemptContext);
      } catch (error) {
        // Only an abort escapes runGates; what the model produced is kept all the same.
        return finish(span, {
          ...produced,
          outcome: 'aborted',
          selectedCandidate: 0,
          gates: [],
          latencyMs: performance.now() - started,
          error: CascadeError.from(error, 'ABORTED'),
        });
      }
      if (gates.value !== undefined) this.values.set(index, gates.value);
      return finish(span, {
        ...produced,
        outcome:
          gates.failed === undefined
            ? 'accepted'
            : plan.canRepair && gates.failed.feedback !== undefined
              ? 'repaired'
              : 'gate-failed',
        selectedCandidate: gates.selected,
        gates: gates.records,
        ...(gates.failedGate === undefined ? {} : { failedGate: gates.failedGate }),
        latencyMs: performance.now() - started,
      });
    } finally {
      this.reservedUsd -= plan.estimatedCostUsd;
      span.end();
    }
  }

  /** Feeds each provider call's outcome to the tier's latency tracker and circuit breaker. */
  #observeCall(plan: AttemptPlan, span: Span, error: CascadeError | undefined, latencyMs: number): void {
    const { tier } = plan;
    if (error === undefined) tier.latency.observe(latencyMs);
    const breaker = tier.breaker;
    if (breaker === undefined) return;
    const decision = plan.circuit.decision;
    plan.circuit.decision = 'allow';
    // An aborted call says nothing about the tier's health, but a probe it held must be given back.
    if (AbortError.isInstance(error)) {
      breaker.release(decision);
      return;
    }
    void breaker.record(decision, error).then(
      (transition) => {
        if (transition === undefined) return;
        const attributes = {
          [ATTR.tierName]: tier.name,
          'cascade.circuit.from': transition.from,
          'cascade.circuit.to': transition.to,
        };
        span.addEvent('circuit.state_change', attributes);
        this.runSpan.addEvent('circuit.state_change', attributes);
        if (this.listening)
          this.emit({ type: 'circuit', ...this.base(), tier: tier.name, from: transition.from, to: transition.to });
      },
      () => {
        // A failing shared store must not fail the run; the breaker simply learns nothing from this call.
      },
    );
  }

  async runGates(plan: AttemptPlan, output: TierOutput, parent: Context): Promise<GateRun> {
    const { tier } = plan;
    const records: GateRecord[] = [];
    let selected = 0;
    let value: unknown;
    for (const gate of tier.gates) {
      this.#throwIfCancelled(plan.signal);
      const span = this.span(`${SPAN.gate} ${gate.name}`, { attributes: { [ATTR.gateName]: gate.name } }, parent);
      const started = performance.now();
      let result: GateResult;
      const skipReason = tier.skippedGates.get(gate);
      if (skipReason !== undefined) {
        result = { status: 'skipped', reason: skipReason };
      } else {
        const candidate = output.candidates[selected] ?? output.candidates[0];
        const context = new LiveGateContext(
          plan.request,
          tier.info,
          candidate as Candidate,
          selected,
          output.candidates,
          value,
          output.usage,
          plan.signal,
        );
        try {
          result = await this.evaluateGate(gate, context, span, plan.signal);
        } catch (error) {
          span.end();
          throw error;
        }
      }
      const record: GateRecord = {
        name: gate.name,
        status: result.status,
        reason: result.reason,
        ...(result.score === undefined ? {} : { score: result.score }),
        ...(result.feedback === undefined ? {} : { feedback: result.feedback }),
        ...(result.value === undefined ? {} : { value: result.value }),
        ...(result.details === undefined ? {} : { details: result.details }),
        latencyMs: performance.now() - started,
      };
      records.push(record);
      span.setAttributes({
        [ATTR.gateStatus]: result.status,
        [ATTR.gateReason]: result.reason,
        ...(result.score === undefined ? {} : { [ATTR.gateScore]: result.score }),
      });
      if (this.listening)
        this.emit({ type: 'gate', ...this.base(), tier: tier.name, attempt: this.attempts.length, gate: record });
      if (result.status === 'fail') {
        const repairing = plan.canRepair && result.feedback !== undefined;
        if (!repairing) {
          const next = this.cascade.tiers[tier.index + 1];
          span.addEvent('escalation', {
            [ATTR.gateName]: gate.name,
            [ATTR.escalationFrom]: tier.name,
            ...(next === undefined ? {} : { [ATTR.escalationTo]: next.name }),
          });
        }
        span.end();
        return { records, failed: result, failedGate: gate.name, selected, value };
      }
      span.end();
      if (result.status === 'pass') {
        if (result.value !== undefined) value = result.value;
        const chosen = result.candidateIndex;
        if (chosen !== undefined && Number.isInteger(chosen) && chosen >= 0 && chosen < output.candidates.length) {
          selected = chosen;
        }
      }
    }
    return { records, failed: undefined, failedGate: undefined, selected, value };
  }

  #throwIfCancelled(signal: AbortSignal | undefined): void {
    if (!signal?.aborted) return;
    throw this.signal?.aborted
      ? this.abortError()
      : new AbortError('the attempt was cancelled', { cause: signal.reason, attempts: this.attempts });
  }

  /** A gate that throws, hangs past an abort, or returns nonsense is a failed gate, never a crashed run. */
  async evaluateGate(
    gate: Gate,
    context: GateContext,
    span: Span,
    signal: AbortSignal | undefined,
  ): Promise<GateResult> {
    let result: GateResult;
    try {
      const returned = gate.evaluate(context);
      // Most gates answer synchronously; only a pending answer needs racing against the abort.
      result = isThenable(returned) ? await raceAbort(Promise.resolve(returned), signal) : returned;
    } catch (error) {
      this.#throwIfCancelled(signal);
      recordError(span, error);
      const message = error instanceof Error ? error.message : String(error);
      return { status: 'fail', reason: 'gate-error', details: { error: message.slice(0, 500) } };
    }
    if (typeof result !== 'object' || result === null || !['pass', 'fail', 'skipped'].includes(result.status)) {
      return { status: 'fail', reason: 'gate-error', details: { error: 'the gate returned no valid result' } };
    }
    return result;
  }
}
