import type { CascadeRequest, FinishReason, TokenLogprob } from '@llm-cascade/core';

/**
 * One recorded answer of one model. `text` is required; everything else is optional because datasets
 * converted from third parties rarely carry it all.
 */
export interface RecordedCandidate {
  readonly text: string;
  /** Per-token logprobs in core's shape; served only when the caller asks for logprobs. */
  readonly logprobs?: readonly TokenLogprob[];
  /** Whether this answer was judged correct against the record's `reference` (used by evaluation, not by replay). */
  readonly correct?: boolean;
  /** Defaults to `stop` when replayed. */
  readonly finishReason?: FinishReason;
  /** The provider's explicit refusal message, when it gave one (replayed as `Candidate.refusal`). */
  readonly refusal?: string;
}

/** Tokens billed for ALL the candidates of one model (one call with `n` = the number of candidates). */
export interface RecordedUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens?: number;
  readonly cacheWriteInputTokens?: number;
}

/** Everything one model produced for one request. */
export interface RecordedTier {
  /** At least one; replay serves them in order. */
  readonly candidates: readonly RecordedCandidate[];
  readonly usage: RecordedUsage;
  /** How long the recorded call took; used by replay's `latencyMs: 'recorded'`. Written by the recorder. */
  readonly latencyMs?: number;
}

/**
 * One line of a recording (JSONL): a request and what each model answered. The format is shared by the
 * replay provider, the replay server, the recorder and `llm-cascade eval`; see DESIGN.md.
 */
export interface RecordedRequest {
  /** Stable request id; replay matches `ProviderRequest.requestId` against it first. */
  readonly id: string;
  /** The request as a caller gave it to the cascade: `messages` and/or `prompt`, `system`, `responseFormat`... */
  readonly request: CascadeRequest;
  /** The expected answer, in whatever shape the dataset uses; replay ignores it. */
  readonly reference?: unknown;
  /** By model name, exactly as a tier names its model. */
  readonly tiers: { readonly [model: string]: RecordedTier };
}
