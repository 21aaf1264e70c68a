import type { Context, Span } from '@opentelemetry/api';
import type { TierOutput } from './call-tier.ts';
import type { Candidate, Gate, GateContext, GateResult, ProviderRequest, TierInfo, Usage } from './contracts.ts';
import type { ResolvedTier } from './resolve-options.ts';
import type { GateRecord } from './result.ts';
import type { Run } from './run-state.ts';
import { ATTR, recordError, SPAN } from './tracing.ts';

/** What the gate chain needs to know about the attempt it judges. */
export interface GateChainInput {
  readonly tier: ResolvedTier;
  readonly request: ProviderRequest;
  /** Whether a failed gate's feedback will be sent back to the tier (decides the `escalation` span event). */
  readonly canRepair: boolean;
  /** The tier visit's signal (the caller's, plus cancellation by a hedge or race another tier won). */
  readonly signal: AbortSignal | undefined;
}

/** The chain's verdict on one answer. */
export interface GateVerdict {
  readonly records: GateRecord[];
  readonly failed: GateResult | undefined;
  readonly failedGate: string | undefined;
  /** The candidate the gates selected. */
  readonly selected: number;
  /** The last value a gate produced. */
  readonly value: unknown;
}

/**
 * The context a gate sees. A class rather than an object literal so that `signal` can be made on first
 * read (most gates never read it, and a run would otherwise pay for a controller per gate) while every
 * context keeps one shape for the JIT. The signal is the gate's own: it follows the visit's signal and is
 * aborted on its own when the gate overruns its time budget.
 */
class LiveGateContext implements GateContext {
  readonly request: ProviderRequest;
  readonly tier: TierInfo;
  readonly candidate: Candidate;
  readonly candidateIndex: number;
  readonly candidates: readonly Candidate[];
  readonly value: unknown;
  readonly usage: Usage;
  readonly #visitSignal: AbortSignal | undefined;
  #controller: AbortController | undefined;
  #unfollow: (() => void) | undefined;

  constructor(
    request: ProviderRequest,
    tier: TierInfo,
    candidate: Candidate,
    candidateIndex: number,
    candidates: readonly Candidate[],
    value: unknown,
    usage: Usage,
    visitSignal: AbortSignal | undefined,
  ) {
    this.request = request;
    this.tier = tier;
    this.candidate = candidate;
    this.candidateIndex = candidateIndex;
    this.candidates = candidates;
    this.value = value;
    this.usage = usage;
    this.#visitSignal = visitSignal;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      const visit = this.#visitSignal;
      if (visit?.aborted) controller.abort(visit.reason);
      else if (visit !== undefined) {
        const follow = () => controller.abort(visit.reason);
        visit.addEventListener('abort', follow, { once: true });
        this.#unfollow = () => visit.removeEventListener('abort', follow);
      }
    }
    return this.#controller.signal;
  }

  /** Aborts the gate's signal, if the gate ever read it. */
  abort(reason: unknown): void {
    this.#controller?.abort(reason);
  }

  /** Stops following the visit's signal once the gate is done with it. */
  release(): void {
    this.#unfollow?.();
    this.#unfollow = undefined;
  }
}

/** What a pending gate's answer is rejected with when its time budget runs out (never leaves this module). */
const OVERRAN = Symbol('gate-timeout');

/**
 * Waits for a gate's pending answer until it settles, the visit's signal fires (rejects with its reason),
 * or `budgetMs` passes (aborts the gate's signal with a `TimeoutError` and rejects with OVERRAN).
 */
function withinBudget<T>(
  work: PromiseLike<T>,
  context: LiveGateContext,
  gate: Gate,
  budgetMs: number,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      context.abort(new DOMException(`gate '${gate.name}' took longer than ${budgetMs} ms`, 'TimeoutError'));
      reject(OVERRAN);
    }, budgetMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    // A gate that settles after its budget ran out settles a promise nobody waits for: harmless.
    work.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Runs the tier's gates in order on an answer, stopping at the first failure; each gate has a span, a
 * record and a `gate` event. Throws only when the visit's signal fires (the caller's abort, or a hedge or
 * race another tier won).
 */
export async function runGateChain(
  run: Run,
  input: GateChainInput,
  output: TierOutput,
  parent: Context,
): Promise<GateVerdict> {
  const { tier } = input;
  const records: GateRecord[] = [];
  let selected = 0;
  let value: unknown;
  for (let i = 0; i < tier.gates.length; i += 1) {
    const gate = tier.gates[i] as Gate;
    run.throwIfCancelled(input.signal);
    const span = run.span(`${SPAN.gate} ${gate.name}`, { attributes: { [ATTR.gateName]: gate.name } }, parent);
    const started = performance.now();
    let result: GateResult;
    const skipReason = tier.skippedGates.get(gate);
    if (skipReason !== undefined) {
      result = { status: 'skipped', reason: skipReason };
    } else {
      const candidate = output.candidates[selected] ?? output.candidates[0];
      const context = new LiveGateContext(
        input.request,
        tier.info,
        candidate as Candidate,
        selected,
        output.candidates,
        value,
        output.usage,
        input.signal,
      );
      try {
        result = await evaluateGate(run, gate, context, span, input.signal, tier.gateTimeoutsMs[i] as number, started);
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
    if (run.listening)
      run.emit({ type: 'gate', ...run.base(), tier: tier.name, attempt: run.attempts.length, gate: record });
    if (result.status === 'fail') {
      const repairing = input.canRepair && result.feedback !== undefined;
      if (!repairing) {
        const next = run.cascade.tiers[tier.index + 1];
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

/**
 * A gate that throws, overruns its time budget, hangs past an abort, or returns nonsense is a failed gate,
 * never a crashed or stalled run. Throws only when the visit's signal fired.
 */
async function evaluateGate(
  run: Run,
  gate: Gate,
  context: LiveGateContext,
  span: Span,
  signal: AbortSignal | undefined,
  budgetMs: number,
  started: number,
): Promise<GateResult> {
  let result: GateResult;
  try {
    const returned = gate.evaluate(context);
    // Most gates answer synchronously: only a pending answer needs a timer and racing against the abort.
    result = isThenable(returned) ? await withinBudget(returned, context, gate, budgetMs, signal) : returned;
  } catch (error) {
    run.throwIfCancelled(signal);
    if (error === OVERRAN || performance.now() - started > budgetMs) return overran(gate, span, budgetMs);
    recordError(span, error);
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'fail', reason: 'gate-error', details: { error: message.slice(0, 500) } };
  } finally {
    context.release();
  }
  // A timer cannot interrupt a gate that blocks the event loop: its overrun is found here, after the fact.
  if (performance.now() - started > budgetMs) return overran(gate, span, budgetMs);
  if (typeof result !== 'object' || result === null || !['pass', 'fail', 'skipped'].includes(result.status)) {
    return { status: 'fail', reason: 'gate-error', details: { error: 'the gate returned no valid result' } };
  }
  return result;
}

/** The verdict on a gate that overran its budget. No feedback: the answer may not be at fault, so no repair. */
function overran(gate: Gate, span: Span, budgetMs: number): GateResult {
  recordError(span, new Error(`gate '${gate.name}' took longer than its ${budgetMs} ms budget`));
  return { status: 'fail', reason: 'gate-timeout', details: { timeoutMs: budgetMs } };
}
