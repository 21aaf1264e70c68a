import { context as otelContext, SpanKind, trace } from '@opentelemetry/api';
import pLimit from 'p-limit';
import type { CircuitDecision, CircuitSnapshot } from './circuit-breaker.ts';
import type { CascadeRequest, Message, TierInfo } from './contracts.ts';
import {
  BudgetExceededError,
  CascadeError,
  CascadeExhaustedError,
  ConfigError,
  NoTierAvailableError,
  ProviderError,
} from './errors.ts';
import type { LatencySnapshot } from './latency-tracker.ts';
import type { CascadeOptions, RunManyOptions, RunOptions } from './options.ts';
import { costOf, estimateInputTokens } from './pricing.ts';
import { type ResolvedRace, type ResolvedTier, resolveOptions, resolveRace } from './resolve-options.ts';
import type { Attempt, AttemptKind, BatchItem, CascadeResult, GateRecord, RunOutcome } from './result.ts';
import { backoffDelay, sleep } from './retry.ts';
import { Run } from './run-state.ts';
import { ATTR, getTracer, recordError, SPAN } from './tracing.ts';

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
  /** Releases the gates' resources (worker threads, processes). */
  close(): Promise<void>;
}

const DEFAULT_BATCH_CONCURRENCY = 16;

/**
 * The message a repair appends after the model's answer, unless the cascade sets `repairPrompt`. Exported
 * so recordings and tests can reproduce a repair conversation exactly.
 */
export function defaultRepairPrompt(feedback: string): string {
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

/** One tier of a contest; `start` delays it (a hedge) and resolves `false` to call it off. */
interface ContestEntry {
  readonly tier: ResolvedTier;
  readonly kind: AttemptKind;
  readonly start?: Promise<boolean>;
  readonly onSettled?: () => void;
}

/** How one visit to a tier ended. */
type Visit =
  | { readonly status: 'accepted'; readonly attempt: Attempt }
  | { readonly status: 'failed' }
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'budget'; readonly estimatedCostUsd: number; readonly kind: AttemptKind }
  | { readonly status: 'cancelled' };

/** An AbortController that follows the run's signal, for a tier visit another tier may cancel. */
function childController(parent: AbortSignal | undefined): { controller: AbortController; release: () => void } {
  const controller = new AbortController();
  if (parent === undefined) return { controller, release: () => {} };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, release: () => {} };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, release: () => parent.removeEventListener('abort', onAbort) };
}

const HEDGE_LOST = 'cancelled: a tier of the hedge or race answered first';

let runCounter = 0;

/**
 * Builds a cascade. Every option is checked here, once, and a bad one throws `ConfigError` naming the
 * field (`tiers[1].price.inputPerMTok`), so a misconfigured pipeline fails before its first request.
 */
export function createCascade<TValue = unknown>(options: CascadeOptions): Cascade<TValue> {
  const cascade = resolveOptions(options);
  const { tiers } = cascade;
  const top = tiers[tiers.length - 1] as ResolvedTier;

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
    const onTop = run.attempts.filter((a) => a.tierIndex === top.index && a.candidates.length > 0);
    if (onTop.length > 0) return { usd: onTop.reduce((sum, a) => sum + a.costUsd, 0), estimated: false };
    const first = run.attempts.find((a) => a.usage.inputTokens > 0);
    const inputTokens =
      first === undefined ? estimateInputTokens(run.messages) : Math.round(first.usage.inputTokens / first.calls);
    const outputTokens = Math.round(answer.usage.outputTokens / Math.max(1, answer.candidates.length));
    return { usd: costOf({ inputTokens, outputTokens }, top.price), estimated: true };
  }

  /** Why a tier cannot take this request now, before any circuit check; `undefined` when it can. */
  function policySkip(run: Run, tier: ResolvedTier): string | undefined {
    const dataClass = run.request.metadata?.dataClass;
    if (tier.dataClasses !== undefined && (dataClass === undefined || !tier.dataClasses.has(dataClass))) {
      return `data class '${dataClass ?? '(none)'}' is not allowed on this tier`;
    }
    return undefined;
  }

  /**
   * One visit to a tier: retries of provider errors and repairs of failed gates, until an answer passes,
   * the tier gives up, the budget stops it, or `signal` (another tier winning a hedge or race) cancels it.
   * Throws only when the caller aborts the run.
   */
  async function runTier(
    run: Run,
    tier: ResolvedTier,
    firstKind: AttemptKind,
    signal: AbortSignal | undefined,
  ): Promise<Visit> {
    const skip = policySkip(run, tier);
    if (skip !== undefined) return { status: 'skipped', reason: skip };
    let circuit: { decision: CircuitDecision } = { decision: 'allow' };
    if (tier.breaker !== undefined) {
      const acquired = await tier.breaker
        .acquire()
        .catch(() => ({ decision: 'allow' as const, transition: undefined }));
      if (acquired.transition !== undefined) {
        if (run.listening) run.emit({ type: 'circuit', ...run.base(), tier: tier.name, ...acquired.transition });
      }
      if (acquired.decision === 'reject') return { status: 'skipped', reason: 'circuit open' };
      circuit = { decision: acquired.decision };
    }
    let kind = firstKind;
    let messages = run.messages;
    let repairsLeft = tier.repairs;
    let retry = 0;
    for (;;) {
      run.throwIfAborted();
      if (signal?.aborted) return { status: 'cancelled' };
      const request = run.providerRequest(tier, messages);
      const estimatedCostUsd = run.estimateCost(tier, request);
      if (!run.affordable(estimatedCostUsd)) return { status: 'budget', estimatedCostUsd, kind };
      const attempt = await run.attempt({
        tier,
        kind,
        request,
        canRepair: repairsLeft > 0,
        estimatedCostUsd,
        signal,
        circuit,
      });
      run.record(attempt);
      run.throwIfAborted();
      if (attempt.outcome === 'aborted') return { status: 'cancelled' };
      if (attempt.outcome === 'accepted') return { status: 'accepted', attempt };
      if (attempt.outcome === 'provider-error') {
        const error = attempt.error;
        const circuitOpen = tier.breaker !== undefined && (await tier.breaker.snapshot()).state === 'open';
        const delay =
          ProviderError.isInstance(error) && error.retryable && retry < tier.retries && !circuitOpen
            ? backoffDelay(retry, error.retryAfterMs, cascade.retry)
            : undefined;
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
        const failed = attempt.gates[attempt.gates.length - 1] as GateRecord;
        const prompt = (cascade.options.repairPrompt ?? defaultRepairPrompt)(failed.feedback ?? '', failed.name);
        const answer = attempt.candidates[attempt.selectedCandidate]?.text ?? '';
        messages = [...messages, { role: 'assistant', content: answer }, { role: 'user', content: prompt }];
        repairsLeft -= 1;
        run.repairs += 1;
        kind = 'repair';
        if (run.listening) run.emit({ type: 'repair', ...run.base(), tier: tier.name, gate: failed.name });
        continue;
      }
      escalate(run, tier, `gate-failed: ${attempt.failedGate ?? 'unknown'}`);
      return { status: 'failed' };
    }
  }

  function escalate(run: Run, tier: ResolvedTier, reason: string): void {
    const next = tiers[tier.index + 1];
    if (run.listening) run.emit({ type: 'escalation', ...run.base(), from: tier.name, to: next?.name, reason });
  }

  function hedgeDelay(tier: ResolvedTier): number | undefined {
    const hedge = cascade.hedge;
    if (hedge === undefined) return undefined;
    if (hedge.delayMs !== 'p95') return hedge.delayMs;
    const latency = tier.latency.snapshot();
    return latency.samples >= hedge.minimumSamples && latency.p95Ms !== undefined
      ? latency.p95Ms
      : hedge.fallbackDelayMs;
  }

  /**
   * Runs several tier visits at once; returns the winner by `prefer` and cancels the rest. A pass on a
   * stronger tier waits for cheaper tiers still running when `prefer` is 'cheapest'; answers that settle in
   * the same turn are decided in ladder order. `start` lets a visit begin later (a hedge's delay).
   */
  async function contest(
    run: Run,
    entries: readonly ContestEntry[],
    prefer: 'cheapest' | 'first',
  ): Promise<{ winner: Attempt | undefined; visits: (Visit | undefined)[] }> {
    const controllers = entries.map(() => childController(run.signal));
    const visits: (Visit | undefined)[] = entries.map(() => undefined);
    let failure: unknown;
    let wake: () => void = () => {};
    const tasks = entries.map(async (entry, i) => {
      const { controller } = controllers[i] as { controller: AbortController };
      try {
        if (entry.start !== undefined && !(await entry.start)) {
          visits[i] = { status: 'cancelled' };
          return;
        }
        if (controller.signal.aborted) {
          visits[i] = { status: 'cancelled' };
          return;
        }
        visits[i] = await runTier(run, entry.tier, entry.kind, controller.signal);
      } catch (error) {
        failure ??= error;
        visits[i] = { status: 'cancelled' };
      } finally {
        entry.onSettled?.();
        wake();
      }
    });
    const all = Promise.all(tasks);
    let winner: number | undefined;
    try {
      for (;;) {
        const changed = new Promise<void>((resolve) => {
          wake = resolve;
        });
        if (visits.every((v) => v !== undefined)) break;
        await changed;
        // Let visits that settle in the same turn land, so ties go to the cheaper tier.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (failure !== undefined) break;
        const accepted = visits.flatMap((v, i) => (v?.status === 'accepted' ? [i] : []));
        if (accepted.length === 0) continue;
        const best = Math.min(...accepted);
        const cheaperRunning = visits.some((v, i) => v === undefined && i < best);
        if (prefer === 'first' || !cheaperRunning) {
          winner = best;
          break;
        }
        // 'cheapest': stronger tiers than the best pass so far can no longer win.
        controllers.forEach(({ controller }, i) => {
          if (i > best && visits[i] === undefined) controller.abort(new Error(HEDGE_LOST));
        });
      }
    } finally {
      controllers.forEach(({ controller }, i) => {
        if (i !== winner && visits[i] === undefined) controller.abort(new Error(HEDGE_LOST));
      });
      await all;
      for (const { release } of controllers) release();
    }
    if (failure !== undefined) throw failure;
    const visit = winner === undefined ? undefined : visits[winner];
    return { winner: visit?.status === 'accepted' ? visit.attempt : undefined, visits };
  }

  function budgetStop(
    run: Run,
    tier: ResolvedTier,
    estimatedCostUsd: number,
    kind: AttemptKind,
  ): CascadeResult<TValue> {
    const budget = run.budgetUsd as number;
    const left = budget - run.costUsd;
    if (run.listening)
      run.emit({ type: 'budget', ...run.base(), tier: tier.name, estimatedUsd: estimatedCostUsd, leftUsd: left });
    run.record({
      index: run.nextIndex++,
      tier: tier.name,
      tierIndex: tier.index,
      model: tier.model,
      kind,
      outcome: 'budget',
      candidates: [],
      selectedCandidate: 0,
      gates: [],
      usage: { inputTokens: 0, outputTokens: 0 },
      costUsd: 0,
      estimatedCostUsd,
      calls: 0,
      latencyMs: 0,
      startedAt: Date.now(),
    });
    const best = bestAttempt(run.attempts);
    if (cascade.options.onBudgetExceeded === 'best' && best !== undefined) return result(run, best, 'budget');
    throw new BudgetExceededError(
      `tier '${tier.name}' would cost about $${estimatedCostUsd.toFixed(6)}, over the $${left.toFixed(6)} left of the $${budget} budget`,
      { attempts: run.attempts, budgetUsd: budget, spentUsd: run.costUsd },
    );
  }

  function exhausted(run: Run, skipped: readonly { tier: string; reason: string }[]): CascadeResult<TValue> {
    if (run.attempts.length === 0) {
      throw new NoTierAvailableError(
        `no tier could take request${run.request.id === undefined ? '' : ` '${run.request.id}'`}: ${skipped.map((s) => `${s.tier} (${s.reason})`).join('; ')}`,
        { attempts: run.attempts, skipped },
      );
    }
    if (run.listening) run.emit({ type: 'exhausted', ...run.base(), attempts: run.attempts });
    const best = bestAttempt(run.attempts);
    if (cascade.options.onExhausted === 'best' && best !== undefined) return result(run, best, 'exhausted');
    const last = run.attempts[run.attempts.length - 1];
    const why =
      last?.failedGate !== undefined ? `gate '${last.failedGate}' failed` : (last?.error?.message ?? 'no answer');
    const skippedNote =
      skipped.length === 0 ? '' : `; passed over: ${skipped.map((s) => `${s.tier} (${s.reason})`).join(', ')}`;
    throw new CascadeExhaustedError(
      `every tier failed after ${run.attempts.length} attempt(s); last: ${why}${skippedNote}`,
      run.attempts,
      last?.error === undefined ? {} : { cause: last.error },
    );
  }

  async function runLadder(run: Run, start: number, race: ResolvedRace | undefined): Promise<CascadeResult<TValue>> {
    const skipped: { tier: string; reason: string }[] = [];
    let reachedTier = false;
    let t = start;
    const note = (tier: ResolvedTier, visit: Visit): void => {
      if (visit.status === 'skipped') {
        skipped.push({ tier: tier.name, reason: visit.reason });
        if (run.listening) run.emit({ type: 'tier-skipped', ...run.base(), tier: tier.name, reason: visit.reason });
      } else {
        reachedTier = true;
      }
    };

    if (race !== undefined) {
      const raced = race.tiers.filter((i) => i >= start).map((i) => tiers[i] as ResolvedTier);
      const { winner, visits } = await contest(
        run,
        raced.map((tier) => ({ tier, kind: 'race' as const })),
        race.prefer,
      );
      raced.forEach((tier, i) => {
        note(tier, visits[i] as Visit);
      });
      if (winner !== undefined) return result(run, winner, 'accepted');
      const budget = visits.find((v) => v?.status === 'budget');
      if (budget?.status === 'budget' && !visits.some((v) => v?.status === 'failed')) {
        return budgetStop(run, raced[visits.indexOf(budget)] as ResolvedTier, budget.estimatedCostUsd, budget.kind);
      }
      t = Math.max(start, ...race.tiers) + 1;
    }

    while (t < tiers.length) {
      const tier = tiers[t] as ResolvedTier;
      const kind: AttemptKind = reachedTier ? 'escalation' : 'first';
      const next = tiers[t + 1];
      const delay = next === undefined ? undefined : hedgeDelay(tier);
      let visit: Visit;
      let advance = 1;
      if (next !== undefined && delay !== undefined && policySkip(run, tier) === undefined) {
        // A hedge: the next tier starts when this one has not answered within the delay, and is called off
        // when this one settles first.
        let settleStart: (start: boolean) => void = () => {};
        const start = new Promise<boolean>((resolve) => {
          settleStart = resolve;
        });
        const timer = setTimeout(() => {
          if (run.listening) run.emit({ type: 'hedge', ...run.base(), from: tier.name, to: next.name, delayMs: delay });
          settleStart(true);
        }, delay);
        const stopTimer = () => {
          clearTimeout(timer);
          settleStart(false);
        };
        let contested: Awaited<ReturnType<typeof contest>>;
        try {
          contested = await contest(
            run,
            [
              { tier, kind, onSettled: stopTimer },
              { tier: next, kind: 'hedge', start },
            ],
            'first',
          );
        } finally {
          stopTimer();
        }
        const [own, hedge] = contested.visits as [Visit, Visit];
        note(tier, own);
        if (contested.winner !== undefined) return result(run, contested.winner, 'accepted');
        visit = own;
        if (hedge.status === 'failed' || hedge.status === 'skipped') {
          // Both tiers were tried (or the upper one passed over): the ladder goes on above the hedge.
          note(next, hedge);
          advance = 2;
        }
      } else {
        // Only hedges and races cancel a visit on their own; a plain visit follows the caller's signal.
        visit = await runTier(run, tier, kind, run.signal);
        note(tier, visit);
      }
      if (visit.status === 'accepted') return result(run, visit.attempt, 'accepted');
      if (visit.status === 'budget') return budgetStop(run, tier, visit.estimatedCostUsd, visit.kind);
      t += advance;
    }
    return exhausted(run, skipped);
  }

  async function run(request: CascadeRequest, runOptions: RunOptions = {}): Promise<CascadeResult<TValue>> {
    const messages = normaliseMessages(request);
    const minTier = runOptions.minTier === undefined ? 0 : tierIndexOf(tiers, runOptions.minTier, 'minTier');
    const routed = cascade.options.router?.(request);
    const start = Math.max(minTier, routed === undefined ? 0 : tierIndexOf(tiers, routed, 'router'));
    const budgetUsd = runOptions.budgetUsd ?? cascade.options.budgetUsd;
    if (budgetUsd !== undefined && !(Number.isFinite(budgetUsd) && budgetUsd >= 0)) {
      throw new ConfigError('budgetUsd', `must be a finite number at least 0, got ${budgetUsd}`);
    }
    const race =
      runOptions.race === false
        ? undefined
        : runOptions.race === undefined
          ? cascade.race
          : resolveRace(runOptions.race, tiers, 'race');
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
      runSpan: span,
      runContext: trace.setSpan(otelContext.active(), span),
    });
    if (state.listening)
      state.emit({ type: 'run-start', ...state.base(), startTier: (tiers[start] as ResolvedTier).name });
    try {
      const outcome = await runLadder(state, start, race);
      span.setAttributes({
        [ATTR.outcome]: outcome.outcome,
        [ATTR.finalTier]: outcome.tier,
        [ATTR.topTierCostUsd]: outcome.topTierCost.usd,
      });
      if (state.listening) state.emit({ type: 'run-end', ...state.base(), result: outcome });
      return outcome;
    } catch (error) {
      const failure = CascadeError.from(error);
      span.setAttribute(
        ATTR.outcome,
        failure.code === 'ABORTED' ? 'aborted' : failure.code === 'BUDGET_EXCEEDED' ? 'budget' : 'exhausted',
      );
      recordError(span, failure);
      if (state.listening) state.emit({ type: 'run-end', ...state.base(), result: undefined, error: failure });
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
    const { onProgress, onItem, concurrency: _, signal, ...runOptions } = options;
    // One listener on the caller's signal fans out to a signal per run: thousands of runs each adding their
    // own listener to one shared signal would make every add and remove scan all the others.
    const running = new Set<AbortController>();
    const abortAll = () => {
      for (const controller of running) controller.abort(signal?.reason);
    };
    signal?.addEventListener('abort', abortAll, { once: true });
    try {
      return await Promise.all(
        requests.map((request, index) =>
          limit(async (): Promise<BatchItem<TValue>> => {
            const controller = new AbortController();
            if (signal?.aborted) controller.abort(signal.reason);
            running.add(controller);
            let item: BatchItem<TValue>;
            try {
              item = { ok: true, index, result: await run(request, { ...runOptions, signal: controller.signal }) };
            } catch (error) {
              failed += 1;
              item = { ok: false, index, error: CascadeError.from(error) };
            } finally {
              running.delete(controller);
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
    } finally {
      signal?.removeEventListener('abort', abortAll);
    }
  }

  async function health(): Promise<TierHealth[]> {
    return Promise.all(
      tiers.map(async (tier) => ({
        tier: tier.name,
        circuit: tier.breaker === undefined ? undefined : await tier.breaker.snapshot(),
        latency: tier.latency.snapshot(),
      })),
    );
  }

  async function close(): Promise<void> {
    const gates = new Set(tiers.flatMap((tier) => tier.gates));
    await Promise.all([...gates].map(async (gate) => gate.close?.()));
  }

  return {
    name: cascade.name,
    tiers: tiers.map((tier) => tier.info),
    run,
    runMany,
    health,
    close,
  };
}
