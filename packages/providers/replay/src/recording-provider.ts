import {
  type Candidate,
  ConfigError,
  type GenerateOptions,
  type Generation,
  type Provider,
  type ProviderRequest,
} from '@llm-cascade/core';
import { appendQueue } from './append-queue.ts';
import { stringifyRecording } from './parse-recording.ts';
import type { RecordedCandidate, RecordedRequest } from './recording.ts';
import { hashMessages } from './request-hash.ts';

/** Receives each recorded line (newline included) and its record. Called one at a time, in order. */
export type RecordingSink = (line: string, record: RecordedRequest) => void | Promise<void>;

/** Options of `recordingProvider`. Give exactly one of `path` and `sink`. */
export interface RecordingProviderOptions {
  /** The provider whose generations are recorded; its answers and errors pass through unchanged. */
  readonly provider: Provider;
  /** A JSONL file to append to (created if missing). Give this or `sink`. */
  readonly path?: string;
  /** Your own destination for each line. Give this or `path`. */
  readonly sink?: RecordingSink;
  /**
   * Called when a line cannot be written (or built: `record` is then undefined); the first failure is
   * also thrown by `flush()`. The generation itself always reaches the caller.
   */
  readonly onError?: (error: unknown, record: RecordedRequest | undefined) => void;
}

/** A provider that records what it serves. */
export interface RecordingProvider extends Provider {
  /** Lines written so far. */
  readonly recorded: number;
  /** Waits for every queued line; rejects with the first write failure since the last flush. */
  flush(): Promise<void>;
}

function recordedCandidate(candidate: Candidate): RecordedCandidate {
  return {
    text: candidate.text,
    finishReason: candidate.finishReason,
    ...(candidate.logprobs === undefined ? {} : { logprobs: candidate.logprobs }),
    ...(candidate.refusal === undefined ? {} : { refusal: candidate.refusal }),
  };
}

/** One line: the request as the provider saw it, and this model's answers. */
function toRecord(request: ProviderRequest, generation: Generation, latencyMs: number): RecordedRequest {
  const usage = generation.usage;
  return {
    id: request.requestId ?? hashMessages(request.messages),
    request: {
      ...(request.requestId === undefined ? {} : { id: request.requestId }),
      messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
      ...(request.responseFormat === undefined ? {} : { responseFormat: request.responseFormat }),
      ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.metadata === undefined ? {} : { metadata: request.metadata }),
    },
    tiers: {
      [request.model]: {
        candidates: generation.candidates.map(recordedCandidate),
        usage: {
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          ...(usage.cachedInputTokens === undefined ? {} : { cachedInputTokens: usage.cachedInputTokens }),
          ...(usage.cacheWriteInputTokens === undefined ? {} : { cacheWriteInputTokens: usage.cacheWriteInputTokens }),
        },
        latencyMs: Math.round(latencyMs),
      },
    },
  };
}

/** Calls the sink one line at a time, in order, whether it is synchronous or not. */
function sinkQueue(sink: RecordingSink): (line: string, record: RecordedRequest) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return (line, record) => {
    const write = tail.then(() => sink(line, record));
    tail = write.catch(() => {});
    return write;
  };
}

/**
 * Wraps any provider and appends each successful generation to a JSONL recording in the replay format,
 * so you can record real traffic once and replay it later with `replayProvider` or `startReplayServer`.
 *
 * Each call writes one line: `id` is the request id, or `hashMessages` of the messages when there is none;
 * `request` holds the messages as sent (system prompt included), the response format and metadata; `tiers`
 * holds the called model's candidates (with logprobs, finish reasons, refusals), usage and latency.
 * Several calls for one request (tiers, repairs, samples drawn one at a time) write several lines; replay
 * merges lines with the same id and messages, and serves a recorded repair exactly.
 *
 * Lines are queued and written one at a time, so concurrent calls never interleave; the call does not wait
 * for its line. Call `flush()` before reading the file or exiting.
 *
 * Warning: the recording holds prompts and answers in clear text, and any personal data in them. Only one
 * process should append to a file at a time.
 */
export function recordingProvider(options: RecordingProviderOptions): RecordingProvider {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  const inner = options.provider;
  if (typeof inner !== 'object' || inner === null || typeof inner.generate !== 'function') {
    throw new ConfigError('provider', 'must be a Provider with a generate() method');
  }
  if ((options.path === undefined) === (options.sink === undefined)) {
    throw new ConfigError('path', 'give exactly one of `path` and `sink`');
  }
  if (options.path !== undefined && (typeof options.path !== 'string' || options.path.length === 0)) {
    throw new ConfigError('path', 'must be a non-empty file path');
  }
  if (options.sink !== undefined && typeof options.sink !== 'function')
    throw new ConfigError('sink', 'must be a function');
  if (options.onError !== undefined && typeof options.onError !== 'function')
    throw new ConfigError('onError', 'must be a function');

  let enqueue: (line: string, record: RecordedRequest) => Promise<void>;
  if (options.sink !== undefined) {
    enqueue = sinkQueue(options.sink);
  } else {
    const queue = appendQueue(options.path as string);
    enqueue = (line) => queue.append(line);
  }
  let recorded = 0;
  let failure: { error: unknown } | undefined;
  let pending: Promise<void>[] = [];

  const fail = (error: unknown, record: RecordedRequest | undefined): void => {
    failure ??= { error };
    try {
      options.onError?.(error, record);
    } catch {
      // A faulty error listener must not turn a recorded failure into an unhandled rejection.
    }
  };

  const write = (request: ProviderRequest, generation: Generation, latencyMs: number): void => {
    let record: RecordedRequest;
    let line: string;
    try {
      record = toRecord(request, generation, latencyMs);
      line = stringifyRecording(record);
    } catch (error) {
      // The generation reached the caller; a record that cannot be built is reported, not thrown.
      fail(error, undefined);
      return;
    }
    pending.push(
      enqueue(line, record).then(
        () => {
          recorded += 1;
        },
        (error: unknown) => fail(error, record),
      ),
    );
  };

  const provider: RecordingProvider = {
    specificationVersion: inner.specificationVersion,
    id: inner.id,
    capabilities: inner.capabilities,
    ...(inner.priceFor === undefined ? {} : { priceFor: inner.priceFor.bind(inner) }),
    get recorded() {
      return recorded;
    },
    async generate(request: ProviderRequest, generateOptions: GenerateOptions): Promise<Generation> {
      const started = performance.now();
      const generation = await inner.generate(request, generateOptions);
      write(request, generation, performance.now() - started);
      return generation;
    },
    async flush(): Promise<void> {
      while (pending.length > 0) {
        const batch = pending;
        pending = [];
        await Promise.all(batch);
      }
      if (failure !== undefined) {
        const { error } = failure;
        failure = undefined;
        throw error;
      }
    },
  };
  return provider;
}
