import { type Context, context as otelContext, type Span, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import pLimit from 'p-limit';
import { callTier, raceAbort, type TierOutput } from './call-tier.ts';
import type {
  CascadeRequest,
  GateContext,
  GateResult,
  Message,
  ProviderRequest,
  TierInfo,
  Usage,
} from './contracts.ts';
import {
  AbortError,
  BudgetExceededError,
  CascadeError,
  CascadeExhaustedError,
  ConfigError,
  NoTierAvailableError,
  ProviderError,
} from './errors.ts';
import type { CascadeEvent, CascadeOptions, RunManyOptions, RunOptions } from './options.ts';
import { addUsage, costOf, estimateInputTokens, ZERO_USAGE } from './pricing.ts';
import { type ResolvedCascade, type ResolvedTier, resolveOptions } from './resolve-options.ts';
import type {
  Attempt,
  AttemptKind,
  AttemptOutcome,
  BatchItem,
  CascadeResult,
  GateRecord,
  RunOutcome,
} from './result.ts';
import { backoffDelay, sleep } from './retry.ts';
import { ATTR, getTracer, recordError, SPAN } from './tracing.ts';

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
  /** Releases the gates' resources (worker threads, processes). */
  close(): Promise<void>;
}

const DEFAULT_BATCH_CONCURRENCY = 16;
/** Output size assumed by the budget check when neither the request nor the tier caps it. */
export const DEFAULT_OUTPUT_ESTIMATE_TOKENS = 1024;

function defaultRepairPrompt(feedback: string): string {
  return `Your previous answer did not pass a check:\n${feedback}\nReply again with a corrected answer only.`;
}

function normaliseMessages(request: CascadeRequest): Message[] {
  if (typeof request !== 'object' || request === null) throw new ConfigError('request', 'must be an object');
  const messages: Message[] = [];
  if (request.system !== undefined) messages.push({ role: 'system', content: request.system });
  if (request.messages !== undefined) {
    if (!Array.isArray(request.messages)) throw new ConfigError('request.messages', 'must be an array');
    request.messages.forEach((message, i) => {
      if (typeof message?.content !== 'string' || !['system', 'user', 'assistant'].includes(message.role)) {
        throw new ConfigError(
          `request.messages[${i}]`,
          "must have a role ('system', 'user', 'assistant') and string content",
        );
      }
      messages.push(message);
    });
  }
  if (request.prompt !== undefined) messages.push({ role: 'user', content: request.prompt });
  if (!messages.some((m) => m.role !== 'system')) {
    throw new ConfigError('request', 'needs `messages` or `prompt` with at least one user message');
  }
  return messages;
}

function tierIndexOf(tiers: readonly ResolvedTier[], which: string | number, field: string): number {
  const index = typeof which === 'number' ? which : tiers.findIndex((t) => t.name === which);
  if (!Number.isInteger(index) || index < 0 || index >= tiers.length) {
    throw new ConfigError(
      field,
      `names no tier: ${JSON.stringify(which)} (tiers: ${tiers.map((t) => t.name).join(', ')})`,
    );
  }
  return index;
}

interface AttemptPlan {
  readonly tier: ResolvedTier;
  readonly kind: AttemptKind;
  readonly request: ProviderRequest;
  readonly canRepair: boolean;
  readonly estimatedCostUsd: number;
}

interface GateRun {
  readonly records: GateRecord[];
  readonly failed: GateResult | undefined;
  readonly failedGate: string | undefined;
  readonly selected: number;
  readonly value: unknown;
}

interface RunSetup {
  readonly cascade: ResolvedCascade;
  readonly runId: string;
  readonly request: CascadeRequest;
  readonly messages: readonly Message[];
  readonly signal: AbortSignal | undefined;
  readonly budgetUsd: number | undefined;
  readonly tracer: Tracer;
  readonly runContext: Context;
}

/** Per-run state and steps. One instance per `run()` call. */
class Run {
  readonly attempts: Attempt[] = [];
  /** Values the gates produced, by attempt index, for the caller's result. */
  readonly values = new Map<number, unknown>();
  costUsd = 0;
  usage: Usage = ZERO_USAGE;
  escalations = 0;
  repairs = 0;
  readonly started = performance.now();

  readonly cascade: ResolvedCascade;
  readonly runId: string;
  readonly request: CascadeRequest;
  readonly messages: readonly Message[];
  readonly signal: AbortSignal | undefined;
  readonly budgetUsd: number | undefined;
  readonly tracer: Tracer;
  readonly runContext: Context;

  constructor(setup: RunSetup) {
    this.cascade = setup.cascade;
    this.runId = setup.runId;
    this.request = setup.request;
    this.messages = setup.messages;
    this.signal = setup.signal;
    this.budgetUsd = setup.budgetUsd;
    this.tracer = setup.tracer;
    this.runContext = setup.runContext;
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
    const calls = tier.provider.capabilities.multipleSamples ? 1 : tier.samples;
    return costOf({ inputTokens: inputTokens * calls, outputTokens: outputTokens * tier.samples }, tier.price);
  }

  record(attempt: Attempt): void {
    this.attempts.push(attempt);
    this.costUsd += attempt.costUsd;
    this.usage = addUsage(this.usage, attempt.usage);
    this.emit({ type: 'attempt-end', ...this.base(), attempt });
  }

  throwIfAborted(): void {
    if (this.signal?.aborted) {
      throw new AbortError('the run was aborted', { cause: this.signal.reason, attempts: this.attempts });
    }
  }

  async attempt(plan: AttemptPlan): Promise<Attempt> {
    const { tier, kind } = plan;
    const index = this.attempts.length;
    const span = this.tracer.startSpan(
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
    const attemptContext = trace.setSpan(this.runContext, span);
    this.emit({ type: 'attempt-start', ...this.base(), tier: tier.name, index, kind });
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
    try {
      let output: TierOutput;
      try {
        output = await callTier({
          tier,
          request: plan.request,
          signal: this.signal,
          tracer: this.tracer,
          parent: attemptContext,
          recordContent: this.cascade.options.recordContent === true,
        });
      } catch (error) {
        // The caller's abort can win the race with the call's own classified error: check the signal first.
        const failure = this.signal?.aborted
          ? new AbortError('the run was aborted', { cause: this.signal.reason })
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
          calls: 1,
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
        const failure = CascadeError.from(error, 'ABORTED');
        return finish(span, {
          ...produced,
          outcome: 'aborted',
          selectedCandidate: 0,
          gates: [],
          latencyMs: performance.now() - started,
          error: failure,
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
      span.end();
    }
  }

  async runGates(plan: AttemptPlan, output: TierOutput, parent: Context): Promise<GateRun> {
    const { tier } = plan;
    const records: GateRecord[] = [];
    let selected = 0;
    let value: unknown;
    for (const gate of tier.gates) {
      this.throwIfAborted();
      const span = this.tracer.startSpan(
        `${SPAN.gate} ${gate.name}`,
        { attributes: { [ATTR.gateName]: gate.name } },
        parent,
      );
      const started = performance.now();
      let result: GateResult;
      const skipReason = tier.skippedGates.get(gate);
      if (skipReason !== undefined) {
        result = { status: 'skipped', reason: skipReason };
      } else {
        const candidate = output.candidates[selected] ?? output.candidates[0];
        const context: GateContext = {
          request: plan.request,
          tier: tier.info,
          candidate: candidate as GateContext['candidate'],
          candidateIndex: selected,
          candidates: output.candidates,
          value,
          usage: output.usage,
          signal: this.signal ?? NEVER_ABORTED,
        };
        result = await this.evaluateGate(gate.evaluate.bind(gate), context, span);
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

  /** A gate that throws, hangs past an abort, or returns nonsense is a failed gate, never a crashed run. */
  async evaluateGate(
    evaluate: (context: GateContext) => GateResult | Promise<GateResult>,
    context: GateContext,
    span: Span,
  ): Promise<GateResult> {
    let result: GateResult;
    try {
      result = await raceAbort(
        Promise.resolve().then(() => evaluate(context)),
        this.signal,
      );
    } catch (error) {
      if (this.signal?.aborted)
        throw new AbortError('the run was aborted', { cause: this.signal.reason, attempts: this.attempts });
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

const NEVER_ABORTED = new AbortController().signal;

function finish(span: Span, attempt: Attempt): Attempt {
  span.setAttributes({ [ATTR.attemptOutcome]: attempt.outcome, [ATTR.attemptCostUsd]: attempt.costUsd });
  return attempt;
}

function passedGates(attempt: Attempt): number {
  return attempt.gates.filter((g) => g.status !== 'fail').length;
}

/** The attempt to return when nothing was accepted: the one that got furthest, stronger tiers first on ties. */
function bestAttempt(attempts: readonly Attempt[]): Attempt | undefined {
  let best: Attempt | undefined;
  for (const attempt of attempts) {
    if (attempt.candidates.length === 0) continue;
    if (
      best === undefined ||
      passedGates(attempt) > passedGates(best) ||
      (passedGates(attempt) === passedGates(best) && attempt.tierIndex >= best.tierIndex)
    ) {
      best = attempt;
    }
  }
  return best;
}

let runCounter = 0;

/**
 * Builds a cascade. Every option is checked here, once, and a bad one throws `ConfigError` naming the
 * field (`tiers[1].price.inputPerMTok`), so a misconfigured pipeline fails before its first request.
 */
export function createCascade<TValue = unknown>(options: CascadeOptions): Cascade<TValue> {
  const cascade = resolveOptions(options);
  const top = cascade.tiers[cascade.tiers.length - 1] as ResolvedTier;

  function result(run: Run, attempt: Attempt, outcome: RunOutcome): CascadeResult<TValue> {
    const candidate = attempt.candidates[attempt.selectedCandidate] ?? attempt.candidates[0];
    const text = candidate?.text ?? '';
    const value = run.values.has(attempt.index) ? run.values.get(attempt.index) : text;
    return {
      accepted: outcome === 'accepted',
      outcome,
      value: value as TValue,
      text,
      tier: attempt.tier,
      tierIndex: attempt.tierIndex,
      model: attempt.responseModel ?? attempt.model,
      attempts: run.attempts,
      usage: run.usage,
      costUsd: run.costUsd,
      topTierCost: topTierCost(run, attempt),
      escalations: run.escalations,
      repairs: run.repairs,
      latencyMs: performance.now() - run.started,
    };
  }

  /** Measured when the top tier ran; otherwise priced from this run's own token counts, and labelled so. */
  function topTierCost(run: Run, answer: Attempt): { usd: number; estimated: boolean } {
    const onTop = run.attempts.filter(
      (a) => a.tierIndex === top.index && a.calls > 0 && a.outcome !== 'provider-error',
    );
    if (onTop.length > 0) return { usd: onTop.reduce((sum, a) => sum + a.costUsd, 0), estimated: false };
    const first = run.attempts.find((a) => a.usage.inputTokens > 0);
    const inputTokens =
      first === undefined ? estimateInputTokens(run.messages) : Math.round(first.usage.inputTokens / first.calls);
    const outputTokens = Math.round(answer.usage.outputTokens / Math.max(1, answer.candidates.length));
    return { usd: costOf({ inputTokens, outputTokens }, top.price), estimated: true };
  }

  async function runLadder(run: Run, start: number): Promise<CascadeResult<TValue>> {
    const { tiers } = cascade;
    const skipped: { tier: string; reason: string }[] = [];
    const dataClass = run.request.metadata?.dataClass;
    let kind: AttemptKind = 'first';
    let reachedTier = false;
    for (let t = start; t < tiers.length; t += 1) {
      const tier = tiers[t] as ResolvedTier;
      if (tier.dataClasses !== undefined && (dataClass === undefined || !tier.dataClasses.has(dataClass))) {
        const reason = `data class '${dataClass ?? '(none)'}' is not allowed on this tier`;
        skipped.push({ tier: tier.name, reason });
        run.emit({ type: 'tier-skipped', ...run.base(), tier: tier.name, reason });
        continue;
      }
      if (reachedTier) {
        run.escalations += 1;
        kind = 'escalation';
      }
      reachedTier = true;
      let messages = run.messages;
      let repairsLeft = tier.repairs;
      let retry = 0;
      for (;;) {
        run.throwIfAborted();
        const request = run.providerRequest(tier, messages);
        const estimatedCostUsd = run.estimateCost(tier, request);
        if (run.budgetUsd !== undefined && run.costUsd + estimatedCostUsd > run.budgetUsd) {
          return budgetStop(run, tier, estimatedCostUsd, kind);
        }
        const attempt = await run.attempt({ tier, kind, request, canRepair: repairsLeft > 0, estimatedCostUsd });
        run.record(attempt);
        run.throwIfAborted();
        if (attempt.outcome === 'accepted') return result(run, attempt, 'accepted');
        if (attempt.outcome === 'provider-error') {
          const error = attempt.error;
          const delay =
            ProviderError.isInstance(error) && error.retryable && retry < tier.retries
              ? backoffDelay(retry, error.retryAfterMs, cascade.retry)
              : undefined;
          if (delay === undefined || error === undefined) {
            escalate(run, tier, `provider-error: ${error?.message ?? 'unknown'}`);
            break;
          }
          run.emit({ type: 'retry', ...run.base(), tier: tier.name, delayMs: delay, error });
          try {
            await sleep(delay, run.signal);
          } catch {
            run.throwIfAborted();
          }
          retry += 1;
          kind = 'retry';
          continue;
        }
        retry = 0;
        if (attempt.outcome === 'repaired') {
          const failed = attempt.gates[attempt.gates.length - 1] as GateRecord;
          const prompt = (cascade.options.repairPrompt ?? defaultRepairPrompt)(failed.feedback ?? '', failed.name);
          const answer = attempt.candidates[attempt.selectedCandidate]?.text ?? '';
          messages = [...messages, { role: 'assistant', content: answer }, { role: 'user', content: prompt }];
          repairsLeft -= 1;
          run.repairs += 1;
          kind = 'repair';
          run.emit({ type: 'repair', ...run.base(), tier: tier.name, gate: failed.name });
          continue;
        }
        escalate(run, tier, `gate-failed: ${attempt.failedGate ?? 'unknown'}`);
        break;
      }
    }
    if (!reachedTier) {
      throw new NoTierAvailableError(
        `no tier could take request${run.request.id === undefined ? '' : ` '${run.request.id}'`}: ${skipped.map((s) => `${s.tier} (${s.reason})`).join('; ')}`,
        { attempts: run.attempts, skipped },
      );
    }
    return exhausted(run);
  }

  function escalate(run: Run, tier: ResolvedTier, reason: string): void {
    const next = cascade.tiers[tier.index + 1];
    run.emit({ type: 'escalation', ...run.base(), from: tier.name, to: next?.name, reason });
  }

  function budgetStop(
    run: Run,
    tier: ResolvedTier,
    estimatedCostUsd: number,
    kind: AttemptKind,
  ): CascadeResult<TValue> {
    const budget = run.budgetUsd as number;
    run.emit({
      type: 'budget',
      ...run.base(),
      tier: tier.name,
      estimatedUsd: estimatedCostUsd,
      leftUsd: budget - run.costUsd,
    });
    run.record({
      index: run.attempts.length,
      tier: tier.name,
      tierIndex: tier.index,
      model: tier.model,
      kind,
      outcome: 'budget',
      candidates: [],
      selectedCandidate: 0,
      gates: [],
      usage: ZERO_USAGE,
      costUsd: 0,
      estimatedCostUsd,
      calls: 0,
      latencyMs: 0,
      startedAt: Date.now(),
    });
    const best = bestAttempt(run.attempts);
    if (cascade.options.onBudgetExceeded === 'best' && best !== undefined) return result(run, best, 'budget');
    throw new BudgetExceededError(
      `tier '${tier.name}' would cost about $${estimatedCostUsd.toFixed(6)}, over the $${(budget - run.costUsd).toFixed(6)} left of the $${budget} budget`,
      { attempts: run.attempts, budgetUsd: budget, spentUsd: run.costUsd },
    );
  }

  function exhausted(run: Run): CascadeResult<TValue> {
    run.emit({ type: 'exhausted', ...run.base(), attempts: run.attempts });
    const best = bestAttempt(run.attempts);
    if (cascade.options.onExhausted === 'best' && best !== undefined) return result(run, best, 'exhausted');
    const last = run.attempts[run.attempts.length - 1];
    const why =
      last?.failedGate !== undefined ? `gate '${last.failedGate}' failed` : (last?.error?.message ?? 'no answer');
    throw new CascadeExhaustedError(
      `every tier failed after ${run.attempts.length} attempt(s); last: ${why}`,
      run.attempts,
      last?.error === undefined ? {} : { cause: last.error },
    );
  }

  async function run(request: CascadeRequest, runOptions: RunOptions = {}): Promise<CascadeResult<TValue>> {
    const messages = normaliseMessages(request);
    const minTier = runOptions.minTier === undefined ? 0 : tierIndexOf(cascade.tiers, runOptions.minTier, 'minTier');
    const routed = cascade.options.router?.(request);
    const start = Math.max(minTier, routed === undefined ? 0 : tierIndexOf(cascade.tiers, routed, 'router'));
    const budgetUsd = runOptions.budgetUsd ?? cascade.options.budgetUsd;
    if (budgetUsd !== undefined && !(Number.isFinite(budgetUsd) && budgetUsd >= 0)) {
      throw new ConfigError('budgetUsd', `must be a finite number at least 0, got ${budgetUsd}`);
    }
    const effective =
      runOptions.metadata === undefined
        ? request
        : { ...request, metadata: { ...request.metadata, ...runOptions.metadata } };
    const tracer = getTracer(cascade.options.tracer);
    runCounter += 1;
    const runId = `run-${runCounter}`;
    const span = tracer.startSpan(SPAN.run, {
      kind: SpanKind.INTERNAL,
      attributes: {
        [ATTR.cascadeName]: cascade.name,
        ...(request.id === undefined ? {} : { [ATTR.requestId]: request.id }),
      },
    });
    const state = new Run({
      cascade,
      runId,
      request: effective,
      messages,
      signal: runOptions.signal,
      budgetUsd,
      tracer,
      runContext: trace.setSpan(otelContext.active(), span),
    });
    state.emit({ type: 'run-start', ...state.base(), startTier: (cascade.tiers[start] as ResolvedTier).name });
    try {
      const outcome = await runLadder(state, start);
      span.setAttributes({
        [ATTR.outcome]: outcome.outcome,
        [ATTR.finalTier]: outcome.tier,
        [ATTR.topTierCostUsd]: outcome.topTierCost.usd,
      });
      state.emit({ type: 'run-end', ...state.base(), result: outcome });
      return outcome;
    } catch (error) {
      const failure = CascadeError.from(error);
      span.setAttribute(
        ATTR.outcome,
        failure.code === 'ABORTED' ? 'aborted' : failure.code === 'BUDGET_EXCEEDED' ? 'budget' : 'exhausted',
      );
      recordError(span, failure);
      state.emit({ type: 'run-end', ...state.base(), result: undefined, error: failure });
      throw failure;
    } finally {
      span.setAttributes({
        [ATTR.costUsd]: state.costUsd,
        [ATTR.attemptCount]: state.attempts.length,
        [ATTR.escalations]: state.escalations,
        [ATTR.repairs]: state.repairs,
      });
      span.end();
    }
  }

  async function runMany(
    requests: readonly CascadeRequest[],
    options: RunManyOptions = {},
  ): Promise<BatchItem<TValue>[]> {
    const concurrency = options.concurrency ?? DEFAULT_BATCH_CONCURRENCY;
    if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
      throw new ConfigError('concurrency', `must be a whole number at least 1, got ${concurrency}`);
    }
    const limit = pLimit(concurrency);
    let done = 0;
    let failed = 0;
    const { onProgress, onItem, concurrency: _, ...runOptions } = options;
    return Promise.all(
      requests.map((request, index) =>
        limit(async (): Promise<BatchItem<TValue>> => {
          let item: BatchItem<TValue>;
          try {
            item = { ok: true, index, result: await run(request, runOptions) };
          } catch (error) {
            failed += 1;
            item = { ok: false, index, error: CascadeError.from(error) };
          }
          done += 1;
          try {
            onItem?.(item as BatchItem);
            onProgress?.({ done, total: requests.length, failed });
          } catch {
            // A faulty progress callback must not lose the batch's results.
          }
          return item;
        }),
      ),
    );
  }

  async function close(): Promise<void> {
    const gates = new Set(cascade.tiers.flatMap((tier) => tier.gates));
    await Promise.all([...gates].map(async (gate) => gate.close?.()));
  }

  return {
    name: cascade.name,
    tiers: cascade.tiers.map((tier) => tier.info),
    run,
    runMany,
    close,
  };
}
