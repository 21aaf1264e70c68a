import type {
  JSONSchema7,
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
} from '@ai-sdk/provider';
import {
  ConfigError,
  type GenerateOptions,
  type Generation,
  type Message,
  type Price,
  type Provider,
  type ProviderCapabilities,
  ProviderError,
  type ProviderRequest,
  SPECIFICATION_VERSION,
  type TokenLogprob,
} from '@llm-cascade/core';
import { classifyError } from './classify-error.ts';
import { finishReasonFromAiSdk, usageFromAiSdk } from './usage.ts';

/** Options of `aiSdkProvider`. */
export interface AiSdkProviderOptions {
  /** Any AI SDK language model of the current specification (`LanguageModelV4`). */
  readonly model: LanguageModelV4;
  /** Provider name for traces (`gen_ai.provider.name`). Default: the model's own `provider` (`openai.chat`). */
  readonly id?: string;
  /**
   * Declare that the model honours a JSON-schema `responseFormat` (OpenAI, or an OpenAI-compatible model
   * built with `supportsStructuredOutputs`). Default false: the engine then sends no schema to this tier,
   * and the gates alone judge the output.
   */
  readonly structuredOutput?: boolean;
  /**
   * Reads per-token logprobs from a result, for models that return them (the AI SDK has no standard field:
   * OpenAI puts them in `providerMetadata.openai.logprobs`). Giving it declares the `logprobs` capability;
   * `logprobsOptions` then says how to ask the model for them.
   */
  readonly readLogprobs?: (result: LanguageModelV4GenerateResult) => readonly TokenLogprob[] | undefined;
  /** Provider options that ask this model for logprobs (used only when the engine asks for them). */
  readonly logprobsOptions?: (topLogprobs: number | undefined) => LanguageModelV4CallOptions['providerOptions'];
  /** Provider options sent with every call (`{ openai: { user: 'x' } }`). */
  readonly providerOptions?: LanguageModelV4CallOptions['providerOptions'];
  /** Prices by model, reported through `priceFor`; a tier's own `price` wins. */
  readonly prices?: { readonly [model: string]: Price };
}

const KNOWN_OPTIONS = new Set([
  'model',
  'id',
  'structuredOutput',
  'readLogprobs',
  'logprobsOptions',
  'providerOptions',
  'prices',
]);

function validate(options: AiSdkProviderOptions): void {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new ConfigError(key, 'unknown option');
  }
  const model = options.model as Partial<LanguageModelV4> | undefined;
  if (typeof model !== 'object' || model === null || typeof model.doGenerate !== 'function') {
    throw new ConfigError('model', 'must be an AI SDK language model (an object with doGenerate)');
  }
  if (model.specificationVersion !== 'v4') {
    throw new ConfigError(
      'model',
      `implements AI SDK specification '${String(model.specificationVersion)}'; this adapter needs 'v4' (ai 7.x)`,
    );
  }
  if (options.id !== undefined && (typeof options.id !== 'string' || options.id === '')) {
    throw new ConfigError('id', 'must be a non-empty string');
  }
  if (options.structuredOutput !== undefined && typeof options.structuredOutput !== 'boolean') {
    throw new ConfigError('structuredOutput', 'must be a boolean');
  }
  if (options.readLogprobs !== undefined && typeof options.readLogprobs !== 'function') {
    throw new ConfigError('readLogprobs', 'must be a function');
  }
  if (options.logprobsOptions !== undefined && typeof options.logprobsOptions !== 'function') {
    throw new ConfigError('logprobsOptions', 'must be a function');
  }
  if (options.logprobsOptions !== undefined && options.readLogprobs === undefined) {
    throw new ConfigError('logprobsOptions', 'needs readLogprobs too (logprobs asked for must also be read)');
  }
}

/** Core messages -> the AI SDK prompt format. */
export function toAiSdkPrompt(messages: readonly Message[]): LanguageModelV4Prompt {
  return messages.map((message) =>
    message.role === 'system'
      ? { role: 'system', content: message.content }
      : { role: message.role, content: [{ type: 'text', text: message.content }] },
  );
}

function callOptions(
  options: AiSdkProviderOptions,
  request: ProviderRequest,
  generateOptions: GenerateOptions,
): LanguageModelV4CallOptions {
  const format = options.structuredOutput === true ? request.responseFormat : undefined;
  const logprobOptions =
    generateOptions.logprobs === true && options.logprobsOptions !== undefined
      ? options.logprobsOptions(generateOptions.topLogprobs)
      : undefined;
  const providerOptions =
    logprobOptions === undefined
      ? options.providerOptions
      : mergeProviderOptions(options.providerOptions, logprobOptions);
  return {
    prompt: toAiSdkPrompt(request.messages),
    abortSignal: generateOptions.signal,
    ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(format === undefined
      ? {}
      : {
          responseFormat: {
            type: 'json' as const,
            // A boolean schema has no AI SDK form: `true` is any JSON, `false` cannot be satisfied anyway.
            ...(typeof format.schema === 'object' ? { schema: format.schema as JSONSchema7 } : {}),
            ...(format.name === undefined ? {} : { name: format.name }),
          },
        }),
    ...(providerOptions === undefined ? {} : { providerOptions }),
  };
}

type ProviderOptionsRecord = NonNullable<LanguageModelV4CallOptions['providerOptions']>;

function mergeProviderOptions(
  base: ProviderOptionsRecord | undefined,
  extra: ProviderOptionsRecord,
): ProviderOptionsRecord {
  const merged: Record<string, ProviderOptionsRecord[string]> = { ...base };
  for (const [key, value] of Object.entries(extra)) merged[key] = { ...merged[key], ...value };
  return merged;
}

/**
 * Any AI SDK language model (ai 7.x, specification `v4`) as a cascade tier's provider.
 *
 * It calls the model's `doGenerate` directly, which makes exactly one HTTP call and never retries (the
 * retries of `generateText` live above `doGenerate`): the engine stays the only layer that retries. Errors
 * are classified as `ProviderError`: `APICallError` by status (429, 408, 409, 5xx retryable; 400, 401, 403
 * not), timeouts and connection failures retryable.
 *
 * Capabilities are declared honestly: no `multipleSamples` (the AI SDK has no `n`), `structuredOutput`
 * only when you say the model honours a JSON schema, `logprobs` only when you give `readLogprobs`.
 */
export function aiSdkProvider(options: AiSdkProviderOptions): Provider {
  validate(options);
  const { model } = options;
  const id = options.id ?? model.provider;
  const capabilities: ProviderCapabilities = {
    logprobs: options.readLogprobs !== undefined,
    multipleSamples: false,
    structuredOutput: options.structuredOutput === true,
  };
  const prices = options.prices;

  return {
    specificationVersion: SPECIFICATION_VERSION,
    id,
    capabilities,
    ...(prices === undefined ? {} : { priceFor: (name: string) => prices[name] }),
    async generate(request: ProviderRequest, generateOptions: GenerateOptions): Promise<Generation> {
      const { signal } = generateOptions;
      signal.throwIfAborted();
      const context = { providerId: id, model: request.model };
      let result: LanguageModelV4GenerateResult;
      try {
        result = await model.doGenerate(callOptions(options, request, generateOptions));
      } catch (error) {
        // The caller's abort (or the tier's timeout, which the engine puts on the same signal) is the
        // engine's to interpret: rethrow its reason, never a retryable error.
        if (signal.aborted) throw signal.reason;
        throw classifyError(error, context);
      }
      signal.throwIfAborted();
      if (!Array.isArray(result?.content)) {
        throw new ProviderError(`provider '${id}' (model '${request.model}') returned a result without content`, {
          kind: 'malformed-response',
          retryable: true,
          providerId: id,
          model: request.model,
        });
      }
      const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      const logprobs =
        generateOptions.logprobs === true && options.readLogprobs !== undefined
          ? options.readLogprobs(result)
          : undefined;
      return {
        candidates: [
          {
            text,
            finishReason: finishReasonFromAiSdk(result.finishReason),
            ...(logprobs === undefined ? {} : { logprobs }),
          },
        ],
        usage: usageFromAiSdk(result.usage),
        model: result.response?.modelId ?? model.modelId,
      };
    },
  };
}
