import type { Context, Span } from '@opentelemetry/api';
import type { TierOutput } from './call-tier.ts';
import { raceAbort } from './call-tier.ts';
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
  for (const gate of tier.gates) {
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
        result = await evaluateGate(run, gate, context, span, input.signal);
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

/** A gate that throws, hangs past an abort, or returns nonsense is a failed gate, never a crashed run. */
async function evaluateGate(
  run: Run,
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
    run.throwIfCancelled(signal);
    recordError(span, error);
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'fail', reason: 'gate-error', details: { error: message.slice(0, 500) } };
  }
  if (typeof result !== 'object' || result === null || !['pass', 'fail', 'skipped'].includes(result.status)) {
    return { status: 'fail', reason: 'gate-error', details: { error: 'the gate returned no valid result' } };
  }
  return result;
}
