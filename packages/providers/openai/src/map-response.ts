import {
  type Candidate,
  estimateInputTokens,
  type FinishReason,
  type Message,
  type TokenLogprob,
  type TopLogprob,
  type Usage,
} from '@llm-cascade/core';
import { type CallContext, malformed } from './classify-error.ts';

/**
 * What to do when a server reports no token usage: fail the call (default), or estimate tokens without a
 * tokenizer, which makes costs and budgets approximate.
 */
export type MissingUsage = 'error' | 'estimate';

/** A plain object (not null, not an array): what untrusted JSON must be before its fields are read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** OpenAI's finish reasons, as core names them; anything else (a server's own reason) is `other`. */
export function mapFinishReason(reason: unknown): FinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'content_filter':
    case 'tool_calls':
      return reason;
    // The deprecated single-function form of a tool call.
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}

function isLogprob(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function mapTop(entries: unknown): TopLogprob[] | undefined {
  if (!Array.isArray(entries)) return undefined;
  const top: TopLogprob[] = [];
  for (const entry of entries) {
    if (!isRecord(entry) || typeof entry.token !== 'string' || !isLogprob(entry.logprob)) return undefined;
    top.push({ token: entry.token, logprob: Math.min(0, entry.logprob) });
  }
  return top;
}

/**
 * Maps `logprobs.content` entries. Returns `undefined` when any entry is malformed: a gate is better
 * told "no logprobs" than handed a partial sequence it would score as if complete. Rounding can put a
 * certain token a hair above 0; it is clamped to 0.
 */
export function mapTokenLogprobs(entries: unknown): TokenLogprob[] | undefined {
  if (!Array.isArray(entries)) return undefined;
  const tokens: TokenLogprob[] = [];
  for (const entry of entries) {
    if (!isRecord(entry) || typeof entry.token !== 'string' || !isLogprob(entry.logprob)) return undefined;
    const top = entry.top_logprobs === undefined || entry.top_logprobs === null ? [] : mapTop(entry.top_logprobs);
    if (top === undefined) return undefined;
    tokens.push({
      token: entry.token,
      logprob: Math.min(0, entry.logprob),
      ...(top.length > 0 ? { topLogprobs: top } : {}),
    });
  }
  return tokens;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export interface UsageInput {
  readonly usage: unknown;
  readonly candidates: readonly Candidate[];
  readonly messages: readonly Message[];
  readonly missingUsage: MissingUsage;
  readonly context: CallContext;
}

/**
 * `prompt_tokens` -> inputTokens, `completion_tokens` -> outputTokens, `prompt_tokens_details.cached_tokens`
 * -> cachedInputTokens. Usage drives cost and the budget, so absent or nonsensical usage fails the call
 * unless the provider was told to estimate it.
 */
export function mapUsage(input: UsageInput): Usage {
  const { usage, context } = input;
  if (usage === undefined || usage === null) {
    if (input.missingUsage === 'estimate') return estimateUsage(input.candidates, input.messages);
    throw malformed(context, 'no token usage (set missingUsage: "estimate" for servers that never report it)', {
      retryable: false,
    });
  }
  if (!isRecord(usage) || !isCount(usage.prompt_tokens) || !isCount(usage.completion_tokens)) {
    throw malformed(context, `invalid token usage ${JSON.stringify(usage).slice(0, 200)}`, { retryable: false });
  }
  const details = usage.prompt_tokens_details;
  const cached =
    isRecord(details) && isCount(details.cached_tokens) ? Math.min(details.cached_tokens, usage.prompt_tokens) : 0;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    ...(cached > 0 ? { cachedInputTokens: cached } : {}),
  };
}

// Without a tokenizer: the logprob count when the server sent one per token, else about 4 characters a
// token; the input side uses core's upper-bound estimate.
function estimateUsage(candidates: readonly Candidate[], messages: readonly Message[]): Usage {
  let outputTokens = 0;
  for (const candidate of candidates) {
    outputTokens +=
      candidate.logprobs?.length ?? Math.ceil((candidate.text.length + (candidate.refusal?.length ?? 0)) / 4);
  }
  return { inputTokens: estimateInputTokens(messages), outputTokens };
}
