/**
 * The public contracts of llm-cascade. Providers and gates depend on these types only, so they are kept
 * small and versioned: a change here is a deliberate, documented decision (see DESIGN.md).
 */

/** Version of the Provider and Gate contracts. Bumped only on a breaking change. */
export const SPECIFICATION_VERSION = 'v1' as const;
export type SpecificationVersion = typeof SPECIFICATION_VERSION;

export type MessageRole = 'system' | 'user' | 'assistant';

export interface Message {
  readonly role: MessageRole;
  readonly content: string;
}

/** A JSON Schema document (any draft). Booleans are valid schemas too. */
export type JsonSchema = { readonly [key: string]: unknown } | boolean;

/** Asks the provider for structured output that follows a JSON Schema, where it can. */
export interface ResponseFormat {
  readonly type: 'json_schema';
  readonly schema: JsonSchema;
  /** A short identifier for the schema; OpenAI requires one (defaults to `response`). */
  readonly name?: string;
  /** OpenAI's strict mode; only some schemas qualify, so it is opt-in. */
  readonly strict?: boolean;
}

/** Who the request belongs to and what it carries; used by data policies, tracing and reports. */
export interface RequestMetadata {
  readonly tenant?: string;
  readonly feature?: string;
  /** Sensitivity class of the request's data; tiers may refuse classes they are not cleared for. */
  readonly dataClass?: string;
  readonly [key: string]: string | number | boolean | undefined;
}

/** What a caller asks the cascade for. Give `messages`, or `prompt` (a single user message), or both. */
export interface CascadeRequest {
  /** Stable identifier: used by replay matching, batch resumption and reports. */
  readonly id?: string;
  readonly messages?: readonly Message[];
  readonly prompt?: string;
  /** A system prompt placed before the messages. */
  readonly system?: string;
  readonly responseFormat?: ResponseFormat;
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  readonly metadata?: RequestMetadata;
}

/** The request as a provider sees it: normalised messages and the tier's model. */
export interface ProviderRequest {
  readonly model: string;
  readonly messages: readonly Message[];
  readonly responseFormat?: ResponseFormat;
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  readonly metadata?: RequestMetadata;
  /** The caller's request id, when given; replay providers match on it. */
  readonly requestId?: string;
}

export interface GenerateOptions {
  /** Always set by the engine: combines the caller's signal, the tier's timeout and cascade shutdown. */
  readonly signal: AbortSignal;
  /**
   * How many candidates to return (the `n` of OpenAI). The engine only passes a value above 1 to a provider
   * whose capabilities declare `multipleSamples`; it tops up with further calls when fewer come back.
   */
  readonly samples?: number;
  /** Return per-token logprobs. Only passed to providers whose capabilities declare `logprobs`. */
  readonly logprobs?: boolean;
  /** How many alternatives per token to return with the logprobs (0 to 20). */
  readonly topLogprobs?: number;
  /** The tier's timeout, for providers whose client wants one of its own (the signal enforces it anyway). */
  readonly timeoutMs?: number;
}

export interface ProviderCapabilities {
  /** Can return per-token logprobs. */
  readonly logprobs: boolean;
  /** Can return several candidates from one call (`n`), billing the input once. */
  readonly multipleSamples: boolean;
  /** Can constrain output to a JSON Schema. */
  readonly structuredOutput: boolean;
}

export interface TopLogprob {
  readonly token: string;
  readonly logprob: number;
}

export interface TokenLogprob {
  readonly token: string;
  /** Natural-log probability of the token, at most 0. */
  readonly logprob: number;
  readonly topLogprobs?: readonly TopLogprob[];
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'refusal' | 'other';

export interface Candidate {
  readonly text: string;
  readonly finishReason: FinishReason;
  readonly logprobs?: readonly TokenLogprob[];
  /** The provider's explicit refusal message, when its API has one (OpenAI `message.refusal`). */
  readonly refusal?: string;
}

export interface Usage {
  /** Every input token billed, cached or not. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Of `inputTokens`, those read from a prompt cache (billed at the cached price where one is given). */
  readonly cachedInputTokens?: number;
  /** Of `inputTokens`, those written to a prompt cache (billed at the cache-write price where one is given). */
  readonly cacheWriteInputTokens?: number;
}

export interface Generation {
  readonly candidates: readonly Candidate[];
  readonly usage: Usage;
  /** The model that answered, as the provider reported it. */
  readonly model: string;
}

/** USD per million tokens. */
export interface Price {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  readonly cachedInputPerMTok?: number;
  readonly cacheWritePerMTok?: number;
}

/**
 * A model backend. Implementations classify their errors as `ProviderError` (retryable or not) and never
 * retry: the engine owns retries, so SDK clients are built with `maxRetries: 0`.
 */
export interface Provider {
  readonly specificationVersion: SpecificationVersion;
  /** Stable provider name, used as `gen_ai.provider.name` (`openai`, `anthropic`, ...). */
  readonly id: string;
  readonly capabilities: ProviderCapabilities;
  generate(request: ProviderRequest, options: GenerateOptions): Promise<Generation>;
  /** The published price of a model, when the provider knows it; a tier's own `price` wins. */
  priceFor?(model: string): Price | undefined;
  /**
   * How many calls `generate` makes for `samples` candidates, for a provider that is neither one call
   * (`multipleSamples`) nor one call per sample (a provider pooling prompt variants, say). The budget
   * check bills the input once per call, so an undercount would let a run overspend.
   */
  estimateCalls?(samples: number): number;
}

export type GateStatus = 'pass' | 'fail' | 'skipped';

export interface GateResult<TValue = unknown> {
  readonly status: GateStatus;
  /** The gate's measure (confidence, agreement, ...), where it has one. */
  readonly score?: number;
  /** Short machine-friendly reason (`ok`, `schema-invalid`, `low-confidence`, `gate-error`, ...). */
  readonly reason: string;
  /** A parsed or voted output, carried to later gates and to the caller. */
  readonly value?: TValue;
  /** What a repair sends back to the model. Without feedback a failed gate escalates. */
  readonly feedback?: string;
  /** Which candidate the gate selected (a vote's representative); later gates and the result use it. */
  readonly candidateIndex?: number;
  /** Extra facts for reports and traces (counts, thresholds). Kept small. */
  readonly details?: { readonly [key: string]: string | number | boolean | undefined };
}

/** The tier as gates see it. */
export interface TierInfo {
  readonly name: string;
  readonly index: number;
  readonly model: string;
  readonly capabilities: ProviderCapabilities;
}

export interface GateContext {
  /** The request as sent to the tier (repairs included). */
  readonly request: ProviderRequest;
  readonly tier: TierInfo;
  /** The selected candidate (the first, unless an earlier gate selected another). */
  readonly candidate: Candidate;
  readonly candidateIndex: number;
  /** Every candidate of the attempt; more than one when a gate asked for samples. */
  readonly candidates: readonly Candidate[];
  /** The value carried from earlier gates; `undefined` before any gate set one. */
  readonly value: unknown;
  readonly usage: Usage;
  /** Aborted when the run is aborted, another tier wins a hedge or race, or the gate's time budget runs out. */
  readonly signal: AbortSignal;
}

export interface GateRequirements {
  /** The gate reads token logprobs. */
  readonly logprobs?: boolean;
  /** The gate needs this many candidates from the tier. */
  readonly samples?: number;
}

/**
 * A quality check on a tier's answer. A gate returns a result: a failure is `status: 'fail'`, never an
 * exception (a gate that throws is recorded as failed with reason `gate-error`).
 */
export interface Gate<TValue = unknown> {
  readonly name: string;
  readonly requires?: GateRequirements;
  /**
   * A JSON Schema for providers that support structured output. The engine adds it to requests that carry
   * no response format of their own.
   */
  readonly responseFormat?: ResponseFormat;
  /**
   * Time budget of one evaluation, in milliseconds, for a gate that knows its work (a model-graded check,
   * say); overrides the tier's and the cascade's `gateTimeoutMs`. Past it the engine aborts `signal` and
   * records the gate failed with reason `gate-timeout`.
   */
  readonly timeoutMs?: number;
  /**
   * Judges the answer. Must bound its own synchronous work: the engine's time budget can abort `signal`
   * and stop waiting for a pending answer, but cannot interrupt code that blocks the event loop.
   */
  evaluate(context: GateContext): GateResult<TValue> | Promise<GateResult<TValue>>;
  /**
   * For gates that need samples: when the provider cannot return several candidates in one call, the engine
   * draws them one at a time and asks this after each; `true` stops drawing (the verdict is settled).
   */
  enoughSamples?(candidates: readonly Candidate[], target: number): boolean;
  /** Releases resources (workers, processes). Called by `cascade.close()`. */
  close?(): void | Promise<void>;
}

/** Extracts the value type a gate produces. */
export type GateValue<TGate> = TGate extends Gate<infer TValue> ? TValue : never;
