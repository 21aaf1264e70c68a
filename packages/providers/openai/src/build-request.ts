import type { GenerateOptions, ProviderCapabilities, ProviderRequest } from '@llm-cascade/core';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';

export interface BuildRequestSettings {
  readonly capabilities: ProviderCapabilities;
  readonly maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Used when the call asks for logprobs without saying how many alternatives. */
  readonly topLogprobs: number | undefined;
}

/**
 * The Chat Completions body for one call. Only what the server was asked to support is sent: `n`,
 * `logprobs` and `response_format` go out only when the matching capability is on, so a server that
 * rejects unknown fields is not sent them.
 */
export function buildRequestBody(
  request: ProviderRequest,
  options: GenerateOptions,
  settings: BuildRequestSettings,
): ChatCompletionCreateParamsNonStreaming {
  const { capabilities } = settings;
  const body: ChatCompletionCreateParamsNonStreaming = {
    model: request.model,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
  };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.maxOutputTokens !== undefined) body[settings.maxTokensField] = request.maxOutputTokens;
  const samples = options.samples ?? 1;
  if (samples > 1 && capabilities.multipleSamples) body.n = samples;
  if (options.logprobs === true && capabilities.logprobs) {
    body.logprobs = true;
    const top = options.topLogprobs ?? settings.topLogprobs;
    if (top !== undefined) body.top_logprobs = top;
  }
  const format = request.responseFormat;
  // A boolean schema constrains nothing OpenAI can express (`true` allows anything, `false` nothing), so it
  // is left to the gates.
  if (format !== undefined && capabilities.structuredOutput && typeof format.schema === 'object') {
    body.response_format = {
      type: 'json_schema',
      json_schema: {
        name: format.name ?? 'response',
        schema: format.schema as { [key: string]: unknown },
        ...(format.strict === undefined ? {} : { strict: format.strict }),
      },
    };
  }
  return body;
}
