import { type Context, context as otelContext, type Span, SpanKind, type SpanOptions, trace } from '@opentelemetry/api';
import type { Candidate, Generation, ProviderRequest, Usage } from './contracts.ts';
import { AbortError, CascadeError, ProviderError } from './errors.ts';
import { addUsage, ZERO_USAGE } from './pricing.ts';
import { redactSecretsInPlace } from './redact-secrets.ts';
import type { ResolvedTier } from './resolve-options.ts';
import { ATTR, recordError, SPAN } from './tracing.ts';

/** Everything an attempt's provider calls produced, samples pooled. */
export interface TierOutput {
  readonly candidates: readonly Candidate[];
  readonly usage: Usage;
  readonly model: string;
  readonly calls: number;
  readonly samplesSaved: number;
}

export interface CallTierOptions {
  readonly tier: ResolvedTier;
  readonly request: ProviderRequest;
  readonly signal: AbortSignal | undefined;
  readonly parent: Context;
  readonly recordContent: boolean;
  /** Told of every provider call's outcome, for the tier's health (latency tracker, circuit breaker). */
  readonly onCallSettled?: (error: CascadeError | undefined, latencyMs: number) => void;
  /** Counts every provider call made, failed ones included, so a failed attempt still reports its calls. */
  readonly counter: { calls: number };
  /** Creates the chat span (the run's span when the run is not recording). */
  readonly spans: { span(name: string, options: SpanOptions, parent: Context): Span; readonly recording: boolean };
}

/** What `onCallSettled` is told for a call the caller aborted (a shared marker: never thrown). */
const ABORTED = new AbortError('the call was aborted');

/** Marks a tier timeout, so it is told apart from the caller's abort. */
class TierTimeout extends Error {}

/**
 * Rejects as soon as the signal fires, even when the wrapped work ignores it: a provider that does not
 * honour cancellation must not hold the caller past an abort.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function isFiniteCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Rejects a provider's answer that breaks the Generation contract, instead of letting it crash a gate. */
function checkGeneration(generation: unknown, tier: ResolvedTier): Generation {
  const g = generation as Partial<Generation> | null | undefined;
  const problem =
    typeof g !== 'object' || g === null
      ? 'no generation'
      : !Array.isArray(g.candidates) || g.candidates.length === 0
        ? 'no candidates'
        : g.candidates.some((c) => typeof c?.text !== 'string')
          ? 'a candidate without text'
          : !isFiniteCount(g.usage?.inputTokens) || !isFiniteCount(g.usage?.outputTokens)
            ? 'invalid usage'
            : undefined;
  if (problem !== undefined) {
    throw new ProviderError(`provider '${tier.provider.id}' returned ${problem} for model '${tier.model}'`, {
      kind: 'malformed-response',
      retryable: false,
      providerId: tier.provider.id,
      model: tier.model,
    });
  }
  return g as Generation;
}

/** Turns whatever a call threw into a CascadeError: a tier timeout, the caller's abort, or a provider error. */
export function classifyCallError(
  error: unknown,
  tier: ResolvedTier,
  callerSignal: AbortSignal | undefined,
): CascadeError {
  if (callerSignal?.aborted) return new AbortError('the run was aborted', { cause: callerSignal.reason });
  if (error instanceof TierTimeout) {
    return new ProviderError(error.message, {
      kind: 'timeout',
      retryable: true,
      providerId: tier.provider.id,
      model: tier.model,
    });
  }
  if (ProviderError.isInstance(error)) {
    // Built by this copy of core it is clean already; one from another copy (or an older version) may not be.
    redactSecretsInPlace(error);
    return error;
  }
  if (CascadeError.isInstance(error)) return error;
  return new ProviderError(
    `provider '${tier.provider.id}' failed: ${error instanceof Error ? error.message : String(error)}`,
    { kind: 'unknown', retryable: false, providerId: tier.provider.id, model: tier.model, cause: error },
  );
}

/**
 * A call that waits in the tier's queue is raced against the caller's abort, so an abort does not wait
 * for a free slot; a call that starts at once is already covered by its own abort handling.
 */
function queuedCall(options: CallTierOptions, samples: number): Promise<Generation> {
  const { limit } = options.tier;
  const queued = limit.activeCount >= limit.concurrency;
  const call = callOnce(options, samples);
  return queued ? raceAbort(call, options.signal) : call;
}

/** One provider call under the tier's limiter, timeout and a `chat {model}` span. */
async function callOnce(options: CallTierOptions, samples: number): Promise<Generation> {
  const { tier, request, signal, parent } = options;
  return tier.limit(async () => {
    if (signal?.aborted) throw signal.reason;
    const span = options.spans.span(
      `${SPAN.chat} ${tier.model}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR.operationName]: 'chat',
          [ATTR.providerName]: tier.provider.id,
          [ATTR.requestModel]: tier.model,
          ...(request.maxOutputTokens === undefined ? {} : { [ATTR.requestMaxTokens]: request.maxOutputTokens }),
          ...(request.temperature === undefined ? {} : { [ATTR.requestTemperature]: request.temperature }),
          ...(samples > 1 ? { [ATTR.requestChoiceCount]: samples } : {}),
        },
      },
      parent,
    );
    if (options.recordContent && span.isRecording()) {
      span.setAttribute(ATTR.inputMessages, JSON.stringify(request.messages));
    }
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(new TierTimeout(`tier '${tier.name}' timed out after ${tier.timeoutMs} ms`)),
      tier.timeoutMs,
    );
    const started = performance.now();
    options.counter.calls += 1;
    try {
      const generateOptions = {
        signal: controller.signal,
        timeoutMs: tier.timeoutMs,
        ...(samples > 1 ? { samples } : {}),
        ...(tier.wantsLogprobs ? { logprobs: true } : {}),
      };
      // The provider's own spans (SDK instrumentation) nest under the chat span when the run records.
      const work = options.spans.recording
        ? otelContext.with(trace.setSpan(parent, span), () => tier.provider.generate(request, generateOptions))
        : tier.provider.generate(request, generateOptions);
      const generation = checkGeneration(await raceAbort(work, controller.signal), tier);
      span.setAttributes({
        [ATTR.responseModel]: generation.model,
        [ATTR.inputTokens]: generation.usage.inputTokens,
        [ATTR.outputTokens]: generation.usage.outputTokens,
        [ATTR.finishReasons]: generation.candidates.map((c) => c.finishReason),
      });
      options.onCallSettled?.(undefined, performance.now() - started);
      if (options.recordContent && span.isRecording()) {
        span.setAttribute(
          ATTR.outputMessages,
          JSON.stringify(generation.candidates.map((c) => ({ role: 'assistant', content: c.text }))),
        );
      }
      return generation;
    } catch (error) {
      if (signal?.aborted) {
        // The caller's abort: the attempt reports it with the run's one AbortError; nothing to classify.
        options.onCallSettled?.(ABORTED, performance.now() - started);
        if (options.spans.recording) span.setAttribute(ATTR.errorType, 'aborted');
        throw signal.reason;
      }
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      const classified = classifyCallError(reason, tier, signal);
      options.onCallSettled?.(classified, performance.now() - started);
      span.setAttribute(ATTR.errorType, ProviderError.isInstance(classified) ? classified.kind : classified.code);
      recordError(span, classified);
      throw classified;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
      span.end();
    }
  });
}

/**
 * Gets `tier.samples` candidates: one call with `n = k` where the provider can (topped up when it returns
 * fewer), otherwise k calls through the tier's limiter, drawn one at a time when a gate can settle early.
 * Once one call has answered, a failed sample call does not discard the others: the attempt goes on with
 * the candidates it has (the gates judge whether they are enough), and every answered call is billed.
 */
export async function callTier(options: CallTierOptions): Promise<TierOutput> {
  const { tier, signal } = options;
  const wanted = tier.samples;
  const candidates: Candidate[] = [];
  let usage: Usage = ZERO_USAGE;
  let model = tier.model;
  let failedSamples = 0;
  const take = (generation: Generation) => {
    usage = addUsage(usage, generation.usage);
    model = generation.model;
    for (const candidate of generation.candidates) if (candidates.length < wanted) candidates.push(candidate);
  };
  const output = (): TierOutput => ({
    candidates,
    usage,
    model,
    calls: options.counter.calls,
    samplesSaved: wanted - candidates.length - failedSamples,
  });

  if (wanted > 1 && !tier.provider.capabilities.multipleSamples && tier.samplingGate === undefined) {
    const settled = await raceAbort(
      Promise.allSettled(Array.from({ length: wanted }, () => callOnce(options, 1))),
      signal,
    );
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') take(outcome.value);
      else failedSamples += 1;
    }
    if (candidates.length === 0) throw (settled[0] as PromiseRejectedResult).reason;
    return output();
  }

  take(await queuedCall(options, tier.provider.capabilities.multipleSamples ? wanted : 1));
  // Sequential top-up: a provider that ignored `n`, or a gate that may settle before all k are drawn.
  const gate = tier.samplingGate;
  while (candidates.length + failedSamples < wanted) {
    if (gate?.enoughSamples?.(candidates, wanted) === true) break;
    try {
      take(await queuedCall(options, 1));
    } catch (error) {
      if (signal?.aborted) throw error;
      failedSamples += 1;
    }
  }
  return output();
}
