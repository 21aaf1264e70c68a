import type { CascadeRequest, Message, ProviderRequest } from './contracts.ts';
import { ConfigError } from './errors.ts';
import type { ResolvedTier } from './resolve-options.ts';
import type { Run } from './run-state.ts';

/** Output size assumed by the budget check when neither the request nor the tier caps it. */
export const DEFAULT_OUTPUT_ESTIMATE_TOKENS = 1024;

/** The caller's request as one list of messages: system prompt, messages, then the prompt. */
export function normaliseMessages(request: CascadeRequest): Message[] {
  if (typeof request !== 'object' || request === null) throw new ConfigError('request', 'must be an object');
  const messages: Message[] = [];
  if (request.system !== undefined) messages.push({ role: 'system', content: request.system });
  if (request.messages !== undefined) {
    if (!Array.isArray(request.messages)) throw new ConfigError('request.messages', 'must be an array');
    request.messages.forEach((message, i) => {
      if (typeof message?.content !== 'string' || !['system', 'user', 'assistant'].includes(message.role)) {
        throw new ConfigError(
          `request.messages[${i}]`,
          "must have a role ('system', 'user', 'assistant') and string content",
        );
      }
      messages.push(message);
    });
  }
  if (request.prompt !== undefined) messages.push({ role: 'user', content: request.prompt });
  if (!messages.some((m) => m.role !== 'system')) {
    throw new ConfigError('request', 'needs `messages` or `prompt` with at least one user message');
  }
  return messages;
}

/**
 * What one tier is sent: `messages` (the run's, plus any repair turns) with the request's settings, the
 * tier's model, and an output cap when a budget needs one to estimate against.
 */
export function providerRequest(run: Run, tier: ResolvedTier, messages: readonly Message[]): ProviderRequest {
  const request = run.request;
  const responseFormat = request.responseFormat ?? tier.responseFormat;
  const maxOutputTokens =
    request.maxOutputTokens ??
    tier.maxOutputTokens ??
    (run.budgetUsd === undefined ? undefined : DEFAULT_OUTPUT_ESTIMATE_TOKENS);
  return {
    model: tier.model,
    messages,
    ...(responseFormat === undefined ? {} : { responseFormat }),
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.metadata === undefined ? {} : { metadata: request.metadata }),
    ...(request.id === undefined ? {} : { requestId: request.id }),
  };
}
