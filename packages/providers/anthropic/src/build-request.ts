import type { MessageCreateParamsBase, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { ProviderError, type ProviderRequest } from '@llm-cascade/core';

/** The Messages API body this provider sends, without `stream` (set by the caller). */
export type MessagesBody = Omit<MessageCreateParamsBase, 'stream'>;

export interface BuildRequestOptions {
  /** `max_tokens` when the request sets none: Anthropic requires one. */
  readonly defaultMaxOutputTokens: number;
  /** Send `output_config.format` for a request's JSON schema. */
  readonly structuredOutput: boolean;
}

/**
 * Maps a core request onto the Messages API. System messages, wherever they appear, are joined into the
 * top-level `system` prompt; the rest must alternate user/assistant, so consecutive messages of one role
 * are merged. Anthropic rejects empty or whitespace-only turns and a final assistant turn (a prefill)
 * ending in whitespace, and a repair after an empty answer produces exactly such a turn, so empty turns
 * are dropped and a final prefill is trimmed at its end.
 */
export function buildMessagesBody(request: ProviderRequest, options: BuildRequestOptions): MessagesBody {
  const system: string[] = [];
  const turns: { role: 'user' | 'assistant'; content: string }[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') {
      if (message.content.trim().length > 0) system.push(message.content);
      continue;
    }
    if (message.content.trim().length === 0) continue;
    const last = turns[turns.length - 1];
    if (last !== undefined && last.role === message.role) {
      last.content = `${last.content}\n\n${message.content}`;
    } else {
      turns.push({ role: message.role, content: message.content });
    }
  }
  const final = turns[turns.length - 1];
  if (final?.role === 'assistant') final.content = final.content.trimEnd();
  if (!turns.some((turn) => turn.role === 'user')) {
    throw new ProviderError('anthropic: the request has no non-empty user message to send', {
      kind: 'bad-request',
      retryable: false,
      providerId: 'anthropic',
      model: request.model,
    });
  }
  const messages: MessageParam[] = turns.map((turn) => ({ role: turn.role, content: turn.content }));
  const schema = request.responseFormat?.schema;
  // A boolean schema (`true`/`false`) has no object form the API accepts; the gates still check the answer.
  const format =
    options.structuredOutput && typeof schema === 'object' && schema !== null
      ? { type: 'json_schema' as const, schema: schema as { [key: string]: unknown } }
      : undefined;
  return {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? options.defaultMaxOutputTokens,
    messages,
    ...(system.length === 0 ? {} : { system: system.join('\n\n') }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(format === undefined ? {} : { output_config: { format } }),
  };
}
