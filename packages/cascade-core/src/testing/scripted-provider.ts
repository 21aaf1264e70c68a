import type {
  Candidate,
  FinishReason,
  GenerateOptions,
  Generation,
  Price,
  Provider,
  ProviderCapabilities,
  ProviderRequest,
  TokenLogprob,
  Usage,
} from '../contracts.ts';
import { SPECIFICATION_VERSION } from '../contracts.ts';
import { ProviderError, type ProviderErrorKind } from '../errors.ts';
import { estimateInputTokens } from '../pricing.ts';
import { sleep } from '../retry.ts';

/** One scripted candidate: a string, or a candidate with any fields set. */
export type ScriptedCandidate = string | (Partial<Candidate> & { readonly text: string });

/** A fault the scripted provider raises instead of answering. */
export interface ScriptedFault {
  /** HTTP-like status; decides the kind and whether it is retryable, as a real provider would. */
  readonly status?: number;
  readonly kind?: ProviderErrorKind;
  readonly retryAfterMs?: number;
  readonly message?: string;
}

/** What one provider call does. */
export interface ScriptStep {
  /** A single answer; repeated for each sample asked for. */
  readonly text?: string;
  /** Several answers; used in order for the samples asked for (cycled when fewer are given). */
  readonly candidates?: readonly ScriptedCandidate[];
  readonly finishReason?: FinishReason;
  readonly refusal?: string;
  /** Explicit token logprobs, or one logprob given to every whitespace-separated token. */
  readonly logprobs?: readonly TokenLogprob[] | number;
  readonly usage?: Partial<Usage>;
  readonly model?: string;
  /** Milliseconds before answering (or failing); the call's signal cuts it short. */
  readonly delayMs?: number;
  /** Fail the call: a ProviderError (thrown as is), a fault description, or any value (thrown raw). */
  readonly error?: ProviderError | ScriptedFault | Error;
  /** Ignore the signal while delaying, like a provider that does not honour cancellation. */
  readonly ignoreSignal?: boolean;
}

export interface ScriptedCall {
  /** Position among all calls to this provider, from 0. */
  readonly index: number;
  /** Position among calls for the same model, from 0. */
  readonly modelIndex: number;
  readonly request: ProviderRequest;
  readonly options: GenerateOptions;
  readonly startedAt: number;
}

export type Script =
  | readonly ScriptStep[]
  | { readonly [model: string]: readonly ScriptStep[] }
  | ((call: ScriptedCall) => ScriptStep | Promise<ScriptStep>);

export interface ScriptedProviderOptions {
  /** Per-call steps: one queue, one queue per model, or a function of the call. */
  readonly script: Script;
  /** Default `scripted`. */
  readonly id?: string;
  /** Default: every capability on. */
  readonly capabilities?: Partial<ProviderCapabilities>;
  /** Prices this provider reports through `priceFor`, by model. */
  readonly prices?: { readonly [model: string]: Price };
  /** When a queue runs out: repeat its last step (default) or fail the call with a non-retryable error. */
  readonly whenExhausted?: 'repeat-last' | 'error';
  /** Keep every call in `calls` (default). Turn off for long soaks, where the record would grow without end. */
  readonly recordCalls?: boolean;
}

export interface ScriptedProvider extends Provider {
  /** Every call made, in order. */
  readonly calls: readonly ScriptedCall[];
  /** Calls in flight right now, and the most there ever were at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
}

const STATUS_KINDS: ReadonlyArray<[number, ProviderErrorKind, boolean]> = [
  [400, 'bad-request', false],
  [401, 'auth', false],
  [403, 'auth', false],
  [404, 'not-found', false],
  [408, 'timeout', true],
  [409, 'conflict', true],
  [422, 'bad-request', false],
  [429, 'rate-limit', true],
];

function faultToError(fault: ScriptedFault, providerId: string, model: string): ProviderError {
  const status = fault.status;
  const known = STATUS_KINDS.find(([code]) => code === status);
  const kind: ProviderErrorKind =
    fault.kind ?? known?.[1] ?? (status !== undefined && status >= 500 ? 'server' : 'unknown');
  const retryable =
    known?.[2] ??
    (status !== undefined ? status >= 500 : kind === 'timeout' || kind === 'connection' || kind === 'server');
  return new ProviderError(fault.message ?? `scripted ${status ?? kind} error`, {
    kind,
    retryable,
    ...(status === undefined ? {} : { status }),
    ...(fault.retryAfterMs === undefined ? {} : { retryAfterMs: fault.retryAfterMs }),
    providerId,
    model,
  });
}

function toCandidate(entry: ScriptedCandidate, step: ScriptStep, wantLogprobs: boolean): Candidate {
  const base = typeof entry === 'string' ? { text: entry } : entry;
  const logprobs = base.logprobs ?? (wantLogprobs ? stepLogprobs(base.text, step.logprobs) : undefined);
  const refusal = base.refusal ?? step.refusal;
  return {
    text: base.text,
    finishReason: base.finishReason ?? step.finishReason ?? 'stop',
    ...(logprobs === undefined ? {} : { logprobs }),
    ...(refusal === undefined ? {} : { refusal }),
  };
}

function stepLogprobs(text: string, given: ScriptStep['logprobs']): readonly TokenLogprob[] | undefined {
  if (given === undefined) return undefined;
  if (typeof given !== 'number') return given;
  return text
    .split(/(?<=\s)/)
    .filter((token) => token.length > 0)
    .map((token) => ({ token, logprob: given }));
}

/**
 * A provider that answers from a script: per-call texts, samples, logprobs, delays and faults. Every
 * package's tests use it, and users can use it in theirs. It honours the call's signal (unless a step says
 * otherwise) and records every call for assertions.
 */
export function scriptedProvider(options: ScriptedProviderOptions): ScriptedProvider {
  const id = options.id ?? 'scripted';
  const capabilities: ProviderCapabilities = {
    logprobs: options.capabilities?.logprobs ?? true,
    multipleSamples: options.capabilities?.multipleSamples ?? true,
    structuredOutput: options.capabilities?.structuredOutput ?? true,
  };
  const calls: ScriptedCall[] = [];
  const perModel = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let callCount = 0;

  const pick = (queue: readonly ScriptStep[] | undefined, position: number, model: string): ScriptStep => {
    if (queue === undefined || queue.length === 0) {
      return { error: { status: 404, message: `scripted provider has no script for model ${model}` } };
    }
    if (position < queue.length) return queue[position] as ScriptStep;
    if (options.whenExhausted === 'error') {
      return { error: { status: 400, message: `scripted provider ran out of steps for model ${model}` } };
    }
    return queue[queue.length - 1] as ScriptStep;
  };

  const nextStep = (call: ScriptedCall): ScriptStep | Promise<ScriptStep> => {
    const script = options.script;
    if (typeof script === 'function') return script(call);
    if (Array.isArray(script)) return pick(script as readonly ScriptStep[], call.index, call.request.model);
    const byModel = script as { readonly [model: string]: readonly ScriptStep[] };
    return pick(byModel[call.request.model], call.modelIndex, call.request.model);
  };

  const provider: ScriptedProvider = {
    specificationVersion: SPECIFICATION_VERSION,
    id,
    capabilities,
    get calls() {
      return calls;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    priceFor(model: string) {
      return options.prices?.[model];
    },
    async generate(request: ProviderRequest, generateOptions: GenerateOptions): Promise<Generation> {
      const modelIndex = perModel.get(request.model) ?? 0;
      perModel.set(request.model, modelIndex + 1);
      const call: ScriptedCall = {
        index: callCount,
        modelIndex,
        request,
        options: generateOptions,
        startedAt: Date.now(),
      };
      if (options.recordCalls !== false) calls.push(call);
      callCount += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const step = await nextStep(call);
        if (step.delayMs !== undefined && step.delayMs > 0) {
          await sleep(step.delayMs, step.ignoreSignal ? undefined : generateOptions.signal);
        }
        if (generateOptions.signal.aborted && !step.ignoreSignal) throw generateOptions.signal.reason;
        if (step.error !== undefined) {
          if (ProviderError.isInstance(step.error) || step.error instanceof Error) throw step.error;
          throw faultToError(step.error, id, request.model);
        }
        const samples = capabilities.multipleSamples ? Math.max(1, generateOptions.samples ?? 1) : 1;
        const entries: readonly ScriptedCandidate[] = step.candidates ?? [step.text ?? ''];
        const wantLogprobs = generateOptions.logprobs === true && capabilities.logprobs;
        const candidates: Candidate[] = [];
        for (let i = 0; i < samples; i += 1) {
          candidates.push(toCandidate(entries[i % entries.length] as ScriptedCandidate, step, wantLogprobs));
        }
        const outputTokens = candidates.reduce((sum, c) => sum + Math.max(1, Math.ceil(c.text.length / 4)), 0);
        return {
          candidates,
          model: step.model ?? request.model,
          usage: {
            inputTokens: step.usage?.inputTokens ?? estimateInputTokens(request.messages),
            outputTokens: step.usage?.outputTokens ?? outputTokens,
            ...(step.usage?.cachedInputTokens === undefined ? {} : { cachedInputTokens: step.usage.cachedInputTokens }),
          },
        };
      } finally {
        inFlight -= 1;
      }
    },
  };
  return provider;
}
