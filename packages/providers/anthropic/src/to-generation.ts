import { type Candidate, type FinishReason, type Generation, ProviderError, type Usage } from '@llm-cascade/core';

/**
 * The parts of an Anthropic message this provider reads, from a non-streaming body or assembled from a
 * stream. Everything is `unknown` until checked: a proxy or a broken server can send anything.
 */
export interface MessageParts {
  readonly model: unknown;
  readonly content: unknown;
  readonly stopReason: unknown;
  readonly stopDetails: unknown;
  readonly usage: unknown;
}

const STOP_REASONS: { readonly [reason: string]: FinishReason } = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  // The answer was cut off because the context window filled up: a truncation, like max_tokens.
  model_context_window_exceeded: 'length',
  refusal: 'refusal',
  tool_use: 'tool_calls',
};

/** Maps Anthropic's `stop_reason` onto core's finish reasons; `pause_turn` and anything new is `other`. */
export function finishReasonOf(stopReason: unknown): FinishReason {
  return typeof stopReason === 'string' ? (STOP_REASONS[stopReason] ?? 'other') : 'other';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function malformed(
  message: string,
  model: string,
  retryable: boolean,
  cause?: unknown,
  secrets?: readonly string[],
): ProviderError {
  return new ProviderError(`anthropic: ${message}`, {
    kind: 'malformed-response',
    retryable,
    providerId: 'anthropic',
    model,
    ...(cause === undefined ? {} : { cause }),
    ...(secrets === undefined ? {} : { secrets }),
  });
}

/**
 * Anthropic bills `input_tokens` (uncached), `cache_read_input_tokens` and `cache_creation_input_tokens`
 * separately; core's `inputTokens` counts every input token, with the cached parts broken out so they are
 * priced at their own rates.
 */
export function toUsage(usage: unknown, model: string): Usage {
  if (!isRecord(usage)) throw malformed('the response has no usage', model, false);
  const input = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  if (input === undefined || output === undefined) {
    throw malformed('the response usage has no valid input_tokens/output_tokens', model, false);
  }
  const cacheRead = count(usage.cache_read_input_tokens) ?? 0;
  const cacheWrite = count(usage.cache_creation_input_tokens) ?? 0;
  return {
    inputTokens: input + cacheRead + cacheWrite,
    outputTokens: output,
    ...(cacheRead > 0 ? { cachedInputTokens: cacheRead } : {}),
    ...(cacheWrite > 0 ? { cacheWriteInputTokens: cacheWrite } : {}),
  };
}

function refusalOf(stopDetails: unknown): string {
  if (isRecord(stopDetails)) {
    if (typeof stopDetails.explanation === 'string' && stopDetails.explanation.length > 0)
      return stopDetails.explanation;
    if (typeof stopDetails.category === 'string') return `refused (${stopDetails.category})`;
  }
  return 'refused (stop_reason refusal)';
}

/**
 * Turns a message into a one-candidate Generation. The text is every text block joined in order;
 * thinking and tool blocks are not text. A message with no content blocks at all is an error, not an
 * empty answer: nothing can be judged from it, and a silent empty string would only look like one.
 */
export function toGeneration(parts: MessageParts, requestedModel: string): Generation {
  if (!Array.isArray(parts.content)) throw malformed('the response has no content array', requestedModel, false);
  if (parts.content.length === 0) {
    throw malformed(
      `the response has no content blocks (stop_reason ${JSON.stringify(parts.stopReason ?? null)})`,
      requestedModel,
      false,
    );
  }
  let text = '';
  for (const block of parts.content) {
    if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') text += block.text;
  }
  const finishReason = finishReasonOf(parts.stopReason);
  const candidate: Candidate = {
    text,
    finishReason,
    ...(finishReason === 'refusal' ? { refusal: refusalOf(parts.stopDetails) } : {}),
  };
  return {
    candidates: [candidate],
    usage: toUsage(parts.usage, requestedModel),
    model: typeof parts.model === 'string' && parts.model.length > 0 ? parts.model : requestedModel,
  };
}

/** Checks a non-streaming body: the SDK hands back a string for non-JSON and `undefined` for an empty one. */
export function readMessageBody(body: unknown, requestedModel: string): Generation {
  if (body === undefined || body === null || (typeof body === 'string' && body.trim().length === 0)) {
    throw malformed('the response body is empty', requestedModel, true);
  }
  if (typeof body === 'string') {
    const looksLikeHtml = /^\s*<(!doctype|html|head|body)/i.test(body);
    throw malformed(
      looksLikeHtml
        ? 'the response is an HTML page, not a Messages API body (is baseURL right?)'
        : `the response is not JSON: ${JSON.stringify(body.slice(0, 80))}`,
      requestedModel,
      false,
    );
  }
  if (!isRecord(body) || (body.type !== undefined && body.type !== 'message')) {
    throw malformed('the response JSON is not a message (its `type` is not "message")', requestedModel, false);
  }
  return toGeneration(
    {
      model: body.model,
      content: body.content,
      stopReason: body.stop_reason,
      stopDetails: body.stop_details,
      usage: body.usage,
    },
    requestedModel,
  );
}
