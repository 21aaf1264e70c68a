import {
  ConfigError,
  type GenerateOptions,
  type Generation,
  type Price,
  type Provider,
  type ProviderCapabilities,
  ProviderError,
  type ProviderRequest,
  SPECIFICATION_VERSION,
} from '@llm-cascade/core';
import { OpenAI } from 'openai';
import { StreamAssembly } from './assemble-stream.ts';
import { buildRequestBody } from './build-request.ts';
import { type CallContext, classifyError } from './classify-error.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, type FetchFunction, limitResponseSize } from './limit-response-size.ts';
import { isRecord, type MissingUsage } from './map-response.ts';
import { parseCompletion } from './parse-completion.ts';
import { lookupPrice, openaiPrices, type PriceTable } from './prices.ts';

/**
 * Options of `openaiProvider`. Every field is optional: with none, it talks to OpenAI with the key in
 * `OPENAI_API_KEY`. Give a `client` or `apiKey`/`baseURL`, never both.
 */
export interface OpenAIProviderOptions {
  /**
   * A client you built. Give either this or `apiKey`/`baseURL`, not both. It is used as is: per call the
   * provider still forces `maxRetries: 0`, the timeout and the signal, but the response size cap only
   * applies if you built the client with `fetch: limitResponseSize(...)`.
   */
  readonly client?: OpenAI;
  /** Default: `OPENAI_API_KEY`. Local servers that check no key still need a non-empty placeholder. */
  readonly apiKey?: string;
  /** An OpenAI-compatible server, e.g. `http://localhost:8000/v1` (vLLM). Default: OpenAI (or `OPENAI_BASE_URL`). */
  readonly baseURL?: string;
  /** Reported as `gen_ai.provider.name` and in errors. Default `openai`. */
  readonly id?: string;
  /** What the server can do; unset fields default to on (OpenAI's own API supports all three). */
  readonly capabilities?: Partial<ProviderCapabilities>;
  /** Use the streaming API (`stream: true` with usage in the last chunk). Default false. */
  readonly stream?: boolean;
  /** `max_completion_tokens` (default) or `max_tokens`, for older OpenAI-compatible servers. */
  readonly maxTokensField?: 'max_completion_tokens' | 'max_tokens';
  /** Alternatives per token sent as `top_logprobs` when logprobs are asked for (0 to 20). Default none. */
  readonly topLogprobs?: number;
  /** Client timeout when a call brings none (the engine always brings its tier's). Default 60,000 ms. */
  readonly timeoutMs?: number;
  /** Largest response body read, in bytes; a bigger one is a ProviderError. Default 10 MiB. */
  readonly maxResponseBytes?: number;
  /** The fetch the built client uses (wrapped with the size cap). Default the global fetch. */
  readonly fetch?: FetchFunction;
  /**
   * Prices by model, USD per million tokens; replaces the built-in table. Default: `openaiPrices.models`
   * when `id` is `openai`, otherwise none (set a tier `price`).
   */
  readonly prices?: PriceTable;
  /** A server that reports no usage: fail the call (default) or estimate tokens without a tokenizer. */
  readonly missingUsage?: MissingUsage;
  /**
   * Sends the cascade request's id in this HTTP header (for example `x-cascade-request-id`, which the
   * replay server matches on). Off by default: ids are the caller's and need not reach a vendor.
   */
  readonly requestIdHeader?: string;
}

/** A core Provider backed by the official `openai` client. */
export interface OpenAIProvider extends Provider {
  /** The client calls go through (yours, or the one built from `apiKey`/`baseURL`). */
  readonly client: OpenAI;
  priceFor(model: string): Price | undefined;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_TOP_LOGPROBS = 20;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function checkNonEmptyString(field: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
    throw new ConfigError(field, `must be a non-empty string, got ${describe(value)}`);
  }
}

function checkInteger(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `must be a whole number from ${min} to ${max}, got ${describe(value)}`);
  }
}

function checkCapabilities(value: unknown): ProviderCapabilities {
  if (value !== undefined && !isRecord(value))
    throw new ConfigError('capabilities', `must be an object, got ${describe(value)}`);
  const given = value ?? {};
  const resolved = { logprobs: true, multipleSamples: true, structuredOutput: true };
  for (const key of ['logprobs', 'multipleSamples', 'structuredOutput'] as const) {
    const flag = given[key];
    if (flag === undefined) continue;
    if (typeof flag !== 'boolean')
      throw new ConfigError(`capabilities.${key}`, `must be a boolean, got ${describe(flag)}`);
    resolved[key] = flag;
  }
  return Object.freeze(resolved);
}

function checkPrices(value: unknown): PriceTable | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new ConfigError('prices', `must be an object of prices by model, got ${describe(value)}`);
  for (const [model, price] of Object.entries(value)) {
    const field = `prices['${model}']`;
    if (!isRecord(price)) throw new ConfigError(field, 'must be an object with inputPerMTok and outputPerMTok');
    for (const key of ['inputPerMTok', 'outputPerMTok', 'cachedInputPerMTok', 'cacheWritePerMTok'] as const) {
      const amount = price[key];
      const required = key === 'inputPerMTok' || key === 'outputPerMTok';
      if (amount === undefined && !required) continue;
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
        throw new ConfigError(
          `${field}.${key}`,
          `must be a finite number at least 0 (USD per million tokens), got ${describe(amount)}`,
        );
      }
    }
  }
  return value as PriceTable;
}

function checkBaseURL(value: unknown): void {
  if (value === undefined) return;
  checkNonEmptyString('baseURL', value);
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    throw new ConfigError('baseURL', `must be an absolute http(s) URL, got ${describe(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('baseURL', `must be an http(s) URL, got ${describe(value)}`);
  }
}

function isOpenAIClient(value: unknown): value is OpenAI {
  if (value instanceof OpenAI) return true;
  // A client from another copy of `openai` works too, as long as it has the method we call.
  const chat = isRecord(value) ? value.chat : undefined;
  const completions = isRecord(chat) ? chat.completions : undefined;
  return isRecord(completions) && typeof completions.create === 'function';
}

interface ResolvedOptions {
  readonly client: OpenAI;
  readonly id: string;
  readonly capabilities: ProviderCapabilities;
  readonly stream: boolean;
  readonly maxTokensField: 'max_completion_tokens' | 'max_tokens';
  readonly topLogprobs: number | undefined;
  readonly timeoutMs: number;
  readonly prices: PriceTable;
  readonly missingUsage: MissingUsage;
  readonly requestIdHeader: string | undefined;
  /** The client's API key, scrubbed from every error a call builds (a server may echo it). */
  readonly secrets: readonly string[];
}

function resolveOptions(options: OpenAIProviderOptions): ResolvedOptions {
  const given: unknown = options;
  if (!isRecord(given)) throw new ConfigError('options', `must be an object, got ${describe(given)}`);
  checkNonEmptyString('id', options.id);
  checkNonEmptyString('requestIdHeader', options.requestIdHeader);
  checkNonEmptyString('apiKey', options.apiKey);
  checkBaseURL(options.baseURL);
  if (options.stream !== undefined && typeof options.stream !== 'boolean') {
    throw new ConfigError('stream', `must be a boolean, got ${describe(options.stream)}`);
  }
  if (
    options.maxTokensField !== undefined &&
    !['max_completion_tokens', 'max_tokens'].includes(options.maxTokensField)
  ) {
    throw new ConfigError(
      'maxTokensField',
      `must be 'max_completion_tokens' or 'max_tokens', got ${describe(options.maxTokensField)}`,
    );
  }
  if (options.missingUsage !== undefined && !['error', 'estimate'].includes(options.missingUsage)) {
    throw new ConfigError('missingUsage', `must be 'error' or 'estimate', got ${describe(options.missingUsage)}`);
  }
  checkInteger('topLogprobs', options.topLogprobs, 0, MAX_TOP_LOGPROBS);
  checkInteger('timeoutMs', options.timeoutMs, 1);
  checkInteger('maxResponseBytes', options.maxResponseBytes, 1);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ConfigError('fetch', `must be a function, got ${describe(options.fetch)}`);
  }
  const capabilities = checkCapabilities(options.capabilities);
  const prices = checkPrices(options.prices);
  const id = options.id ?? 'openai';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  let client: OpenAI;
  if (options.client !== undefined) {
    if (!isOpenAIClient(options.client)) {
      throw new ConfigError('client', 'must be an OpenAI client (new OpenAI({...}) from the openai package)');
    }
    // The client already holds its own connection settings; two sources for one setting is a mistake.
    for (const field of ['apiKey', 'baseURL', 'fetch', 'maxResponseBytes'] as const) {
      if (options[field] !== undefined) {
        throw new ConfigError(
          field,
          `cannot be combined with client: configure the client you pass instead${field === 'maxResponseBytes' || field === 'fetch' ? ' (see limitResponseSize)' : ''}`,
        );
      }
    }
    client = options.client;
  } else {
    const envKey = process.env.OPENAI_API_KEY;
    const apiKey = options.apiKey ?? (envKey !== undefined && envKey.trim() !== '' ? envKey : undefined);
    if (apiKey === undefined) {
      throw new ConfigError(
        'apiKey',
        'is required: pass apiKey, set OPENAI_API_KEY, or pass a client (a local server that checks no key still needs a placeholder such as "unused")',
      );
    }
    client = new OpenAI({
      apiKey,
      ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
      // The engine owns retries; an SDK retry underneath would multiply them.
      maxRetries: 0,
      timeout: timeoutMs,
      fetch: limitResponseSize({
        maxBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      }),
    });
  }

  return {
    client,
    id,
    capabilities,
    stream: options.stream ?? false,
    maxTokensField: options.maxTokensField ?? 'max_completion_tokens',
    topLogprobs: options.topLogprobs,
    timeoutMs,
    prices: prices ?? (id === 'openai' ? openaiPrices.models : {}),
    missingUsage: options.missingUsage ?? 'error',
    requestIdHeader: options.requestIdHeader,
    secrets: typeof client.apiKey === 'string' ? [client.apiKey] : [],
  };
}

/**
 * A Provider on the official `openai` client, for OpenAI and any OpenAI-compatible server (vLLM, Ollama,
 * llama.cpp, OpenRouter) through `baseURL`. Chat Completions only.
 *
 * Options are checked here and a bad one throws `ConfigError` naming it. Every failure of a call is a
 * classified `ProviderError` (retryable: 408, 409, 429, 5xx, timeouts, connection errors, cut streams),
 * and the client never retries by itself: leave retries to the cascade. An aborted call rejects with the
 * signal's reason, never with a retryable error.
 *
 * Declare what your server supports in `capabilities` (see `serverPresets`): a capability declared but not
 * delivered (a server ignoring `logprobs`) makes gates fail rather than pass.
 */
export function openaiProvider(options: OpenAIProviderOptions = {}): OpenAIProvider {
  const resolved = resolveOptions(options);
  const { client, capabilities } = resolved;

  async function generate(request: ProviderRequest, generateOptions: GenerateOptions): Promise<Generation> {
    const { signal } = generateOptions;
    signal.throwIfAborted();
    const context: CallContext = { providerId: resolved.id, model: request.model, secrets: resolved.secrets };
    const body = buildRequestBody(request, generateOptions, resolved);
    const timeoutMs = generateOptions.timeoutMs ?? resolved.timeoutMs;
    // The client's own timeout stops at the response headers of a stream; this deadline covers the whole
    // call, body included, for callers whose signal carries no deadline. A plain timer, cleared at the end,
    // keeps nothing alive after the call (AbortSignal.timeout would hold its timer for the full timeout).
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`deadline of ${timeoutMs} ms passed`));
    }, timeoutMs);
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const requestOptions = {
      signal: controller.signal,
      timeout: timeoutMs,
      maxRetries: 0,
      ...(resolved.requestIdHeader === undefined || request.requestId === undefined
        ? {}
        : { headers: { [resolved.requestIdHeader]: request.requestId } }),
    };
    const timeoutError = () =>
      new ProviderError(
        `provider '${context.providerId}' (model '${context.model}'): request timed out after ${timeoutMs} ms`,
        { kind: 'timeout', retryable: true, providerId: context.providerId, model: context.model },
      );
    // Whatever the client throws after the caller aborted is the abort, not a provider failure.
    const fail = (error: unknown): unknown =>
      signal.aborted ? signal.reason : timedOut ? timeoutError() : classifyError(error, context);
    // The client ends a stream quietly when its request is aborted: without this check a cancelled call
    // would look like a stream that was cut short.
    const throwIfStopped = () => {
      signal.throwIfAborted();
      if (timedOut) throw timeoutError();
    };

    try {
      if (!resolved.stream) {
        let data: unknown;
        let response: Response;
        try {
          ({ data, response } = await client.chat.completions.create(body, requestOptions).withResponse());
        } catch (error) {
          throw fail(error);
        }
        throwIfStopped();
        return parseCompletion({
          data,
          status: response.status,
          contentType: response.headers.get('content-type'),
          messages: request.messages,
          missingUsage: resolved.missingUsage,
          context,
        });
      }

      const assembly = new StreamAssembly(context);
      try {
        const { data: stream, response } = await client.chat.completions
          .create({ ...body, stream: true, stream_options: { include_usage: true } }, requestOptions)
          .withResponse();
        assembly.contentType = response.headers.get('content-type');
        for await (const chunk of stream) assembly.add(chunk);
      } catch (error) {
        throw fail(error);
      }
      throwIfStopped();
      return assembly.finish(request.messages, resolved.missingUsage);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  return {
    specificationVersion: SPECIFICATION_VERSION,
    id: resolved.id,
    capabilities,
    client,
    generate,
    priceFor: (model: string) => lookupPrice(resolved.prices, model),
  };
}
