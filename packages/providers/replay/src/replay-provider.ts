import {
  ConfigError,
  type GenerateOptions,
  type Generation,
  type Price,
  type Provider,
  type ProviderCapabilities,
  type ProviderRequest,
  SPECIFICATION_VERSION,
} from '@llm-cascade/core';
import { delay } from './delay.ts';
import { maxLineBytesOf } from './read-lines.ts';
import type { RecordedRequest } from './recording.ts';
import {
  createReplayStore,
  type RepairReplay,
  type ReplayStore,
  type Served,
  type ServeRequest,
  sourceRecords,
  type WhenCandidatesExhausted,
} from './replay-store.ts';

/** Options shared by `replayProvider` and `startReplayServer`. Give exactly one of `records` and `path`. */
export interface ReplaySourceOptions {
  /** Recorded requests in memory; validated when the provider is built. */
  readonly records?: readonly RecordedRequest[];
  /** A JSONL recording, read (synchronously) when the provider is built. */
  readonly path?: string;
  /**
   * With `path`: a longer line fails the build with `LineTooLongError` naming the line, before more than
   * this many bytes of it are read. Default `DEFAULT_MAX_LINE_BYTES` (64 MiB).
   */
  readonly maxLineBytes?: number;
  /**
   * Simulated latency of each call: a fixed number of milliseconds, or `'recorded'` for the recording's
   * `latencyMs` (0 where it has none). Honours the call's AbortSignal. Default 0.
   */
  readonly latencyMs?: number | 'recorded';
  /**
   * When more samples are asked for than were recorded: `'error'` (default) fails the call with a
   * `not-found` ProviderError naming the request, `'cycle'` repeats the recorded candidates in order.
   */
  readonly whenExhausted?: WhenCandidatesExhausted;
  /**
   * What a repair gets: a request that continues a recorded conversation with extra (answer, feedback) turns
   * that were not recorded themselves. `'not-found'` (default) fails it as not recorded, so the cascade
   * escalates as it would after any non-retryable error. `'next-candidates'` serves the recording's next
   * candidates (repair r with k samples gets candidates r*k to r*k+k-1), an approximation: those answers
   * never saw the feedback. A repair that was itself recorded (by `recordingProvider`) is served exactly.
   */
  readonly repairs?: RepairReplay;
}

/** Options of `replayProvider`: the recording and replay behaviour, plus the provider's id and prices. */
export interface ReplayProviderOptions extends ReplaySourceOptions {
  /** Provider id, used as `gen_ai.provider.name` and in errors. Default `replay`. */
  readonly id?: string;
  /** Published prices by model, reported through `priceFor` so tiers need not repeat them. */
  readonly prices?: { readonly [model: string]: Price };
}

/** A replay provider, with what it loaded. */
export interface ReplayProvider extends Provider {
  /** Every model named in the recording. */
  readonly models: readonly string[];
  /** Recorded conversations (lines with the same id and messages count once). */
  readonly size: number;
}

/** Internal: the store and serving logic, shared with the HTTP server. */
export interface ReplayCore {
  readonly store: ReplayStore;
  readonly capabilities: ProviderCapabilities;
  serve(request: ServeRequest, signal: AbortSignal | undefined): Promise<Served>;
}

function checkSource(options: ReplaySourceOptions): void {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  const hasRecords = options.records !== undefined;
  const hasPath = options.path !== undefined;
  if (hasRecords === hasPath) throw new ConfigError('records', 'give exactly one of `records` and `path`');
  if (hasRecords && !Array.isArray(options.records))
    throw new ConfigError('records', 'must be an array of recorded requests');
  if (hasPath && (typeof options.path !== 'string' || options.path.length === 0)) {
    throw new ConfigError('path', 'must be a non-empty file path');
  }
  const latency = options.latencyMs;
  if (
    latency !== undefined &&
    latency !== 'recorded' &&
    !(typeof latency === 'number' && Number.isFinite(latency) && latency >= 0)
  ) {
    throw new ConfigError('latencyMs', `must be a finite number at least 0 or 'recorded', got ${String(latency)}`);
  }
  if (options.maxLineBytes !== undefined) maxLineBytesOf(options);
  if (options.whenExhausted !== undefined && !['error', 'cycle'].includes(options.whenExhausted)) {
    throw new ConfigError('whenExhausted', `must be 'error' or 'cycle', got ${String(options.whenExhausted)}`);
  }
  if (options.repairs !== undefined && !['not-found', 'next-candidates'].includes(options.repairs)) {
    throw new ConfigError('repairs', `must be 'not-found' or 'next-candidates', got ${String(options.repairs)}`);
  }
}

/** Builds the store and the serving function from validated options. */
export function createReplayCore(options: ReplaySourceOptions, providerId: string): ReplayCore {
  checkSource(options);
  const store = createReplayStore({
    records: sourceRecords(options),
    providerId,
    whenExhausted: options.whenExhausted ?? 'error',
    repairs: options.repairs ?? 'not-found',
  });
  const latency = options.latencyMs ?? 0;
  return {
    store,
    capabilities: { logprobs: store.hasLogprobs, multipleSamples: true, structuredOutput: true },
    async serve(request, signal) {
      if (signal?.aborted) throw signal.reason;
      const served = store.serve(request);
      const wait = latency === 'recorded' ? (served.recordedLatencyMs ?? 0) : latency;
      await delay(wait, signal);
      return served;
    },
  };
}

/**
 * A provider that answers from recorded generations, in process and with no network: for tests, demos,
 * and evaluating a cascade configuration against real recorded answers at no cost.
 *
 * Matching: by `ProviderRequest.requestId` against the record's `id`; when there is none or no record has
 * it, by `hashMessages` of the request's messages. A repair conversation continues a recorded one: see the
 * `repairs` option. A request with no recording, or a model the recording lacks, fails with a
 * non-retryable `ProviderError` of kind `not-found` naming the request and the model.
 *
 * Samples are served in recorded order; usage is the recording's (see README: scaled by the served share
 * of the recorded text when fewer candidates are served than were recorded), so the cascade's cost
 * accounting matches the recording. Logprobs are a capability only when the recording holds some.
 *
 * Warning: a path is read synchronously when the provider is built (the cascade needs the capabilities
 * before its first request); build it once, at start-up, not per request.
 */
export function replayProvider(options: ReplayProviderOptions): ReplayProvider {
  const id = options.id ?? 'replay';
  if (typeof id !== 'string' || id.length === 0) throw new ConfigError('id', 'must be a non-empty string');
  if (options.prices !== undefined && (typeof options.prices !== 'object' || options.prices === null)) {
    throw new ConfigError('prices', 'must be an object of prices by model');
  }
  const core = createReplayCore(options, id);
  const prices = options.prices;
  return {
    specificationVersion: SPECIFICATION_VERSION,
    id,
    capabilities: core.capabilities,
    models: core.store.models,
    size: core.store.size,
    priceFor(model: string): Price | undefined {
      return prices?.[model];
    },
    async generate(request: ProviderRequest, generateOptions: GenerateOptions): Promise<Generation> {
      const served = await core.serve(
        {
          ids: request.requestId === undefined ? [] : [request.requestId],
          messages: request.messages,
          model: request.model,
          samples: Number.isInteger(generateOptions.samples) ? Math.max(1, generateOptions.samples as number) : 1,
          logprobs: generateOptions.logprobs === true,
          ...(generateOptions.topLogprobs === undefined ? {} : { topLogprobs: generateOptions.topLogprobs }),
        },
        generateOptions.signal,
      );
      return served.generation;
    },
  };
}
