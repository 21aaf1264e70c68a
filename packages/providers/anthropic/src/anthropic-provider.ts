import { Anthropic, type OpenTelemetryOptions } from '@anthropic-ai/sdk';
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
import { lookupPrice } from './anthropic-prices.ts';
import { buildMessagesBody } from './build-request.ts';
import { classifyError } from './classify-error.ts';
import { readMessageStream } from './read-stream.ts';
import { responseSizeLimit } from './response-size-limit.ts';
import { readMessageBody } from './to-generation.ts';

/** Defaults, exported so docs and tests quote the real values. */
export const ANTHROPIC_DEFAULTS = Object.freeze({
  defaultMaxOutputTokens: 1024,
  timeoutMs: 60_000,
  maxResponseBytes: 16 * 1024 * 1024,
});

/** Options of `anthropicProvider`; all optional when ANTHROPIC_API_KEY is set. */
export interface AnthropicProviderOptions {
  /**
   * A client you built yourself (proxies, custom fetch, a subclass). Calls still go out with
   * `maxRetries: 0`, the tier's timeout and the size cap as per-request options. Its own OpenTelemetry
   * setting is kept: build it with `openTelemetry: false` so its spans do not double the cascade's.
   * Cannot be combined with `apiKey`, `baseURL` or `openTelemetry`.
   */
  readonly client?: Anthropic;
  /** Default: `ANTHROPIC_API_KEY`. Never logged, and removed from error messages. */
  readonly apiKey?: string;
  /** Default: `ANTHROPIC_BASE_URL`, else https://api.anthropic.com. */
  readonly baseURL?: string;
  /** `max_tokens` for requests that set no `maxOutputTokens` (Anthropic requires one). Default 1024. */
  readonly defaultMaxOutputTokens?: number;
  /** Use the streaming Messages API; the answer is assembled whole before gates see it. Default false. */
  readonly stream?: boolean;
  /** Per-request timeout when the caller gives none (the engine always gives the tier's). Default 60,000. */
  readonly timeoutMs?: number;
  /** A response body larger than this fails the call instead of filling memory. Default 16 MiB. */
  readonly maxResponseBytes?: number;
  /** Prices by model id or alias; win over the built-in `anthropicPrices` table. USD per million tokens. */
  readonly prices?: { readonly [model: string]: Price };
  /**
   * Send a request's JSON schema as `output_config.format` (Anthropic structured outputs). Default true.
   * Turn off for models or gateways without structured outputs: the API would reject those requests.
   */
  readonly structuredOutput?: boolean;
  /**
   * The SDK's own OpenTelemetry spans and `traceparent` header. Default `false`: the cascade already
   * emits a `chat {model}` span per call, so SDK spans would double them. `true` or an options object
   * turns them on.
   */
  readonly openTelemetry?: boolean | OpenTelemetryOptions;
}

/** The Anthropic provider: a core `Provider` with a `priceFor` that knows published Claude prices. */
export interface AnthropicProvider extends Provider {
  readonly id: 'anthropic';
  /** The SDK client calls go through (yours, or the one built from the options). */
  readonly client: Anthropic;
  priceFor(model: string): Price | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return typeof value === 'object' ? 'an object' : String(value);
}

function checkInteger(field: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(field, `must be a whole number at least ${min}, got ${describe(value)}`);
  }
}

function checkBoolean(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ConfigError(field, `must be true or false, got ${describe(value)}`);
  }
}

function checkPrices(prices: unknown): { readonly [model: string]: Price } | undefined {
  if (prices === undefined) return undefined;
  if (!isRecord(prices))
    throw new ConfigError('prices', `must be an object of prices by model, got ${describe(prices)}`);
  for (const [model, price] of Object.entries(prices)) {
    const field = `prices.${model}`;
    if (!isRecord(price)) throw new ConfigError(field, `must be a price object, got ${describe(price)}`);
    for (const key of ['inputPerMTok', 'outputPerMTok', 'cachedInputPerMTok', 'cacheWritePerMTok']) {
      const value = price[key];
      const required = key === 'inputPerMTok' || key === 'outputPerMTok';
      if (value === undefined && !required) continue;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new ConfigError(
          `${field}.${key}`,
          `must be a finite number at least 0 (USD per million tokens), got ${describe(value)}`,
        );
      }
    }
  }
  return prices as { readonly [model: string]: Price };
}

function resolveTelemetry(value: unknown): OpenTelemetryOptions | false {
  if (value === undefined || value === false) return false;
  if (value === true) return {};
  if (isRecord(value)) return value as OpenTelemetryOptions;
  throw new ConfigError(
    'openTelemetry',
    `must be true, false or an OpenTelemetry options object, got ${describe(value)}`,
  );
}

function buildClient(options: AnthropicProviderOptions, timeoutMs: number): { client: Anthropic; apiKey: string } {
  const apiKey = options.apiKey ?? process.env.ANTHROPIC_API_KEY;
  if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || options.apiKey.trim().length === 0)) {
    throw new ConfigError('apiKey', 'must be a non-empty string');
  }
  if (apiKey === undefined || apiKey.trim().length === 0) {
    throw new ConfigError('apiKey', 'is required: pass `apiKey`, set ANTHROPIC_API_KEY, or pass a `client`');
  }
  if (options.baseURL !== undefined) {
    let url: URL | undefined;
    try {
      url = typeof options.baseURL === 'string' ? new URL(options.baseURL) : undefined;
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new ConfigError('baseURL', `must be an http(s) URL, got ${describe(options.baseURL)}`);
    }
  }
  const client = new Anthropic({
    apiKey,
    ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    // The engine owns retries; two retrying layers multiply each other.
    maxRetries: 0,
    timeout: timeoutMs,
    openTelemetry: resolveTelemetry(options.openTelemetry),
  });
  return { client, apiKey };
}

/**
 * Builds the Anthropic provider on the official `@anthropic-ai/sdk` client. Options are checked here and
 * a bad one throws `ConfigError` naming the field. The provider never retries (the engine does), always
 * sends a timeout, passes the engine's AbortSignal to the HTTP request (cancellation closes the
 * connection), and turns every failure into a classified `ProviderError`. Anthropic has no logprobs
 * and no `n`: gates that need logprobs are skipped on its tiers, and samples are drawn one call each.
 *
 * @example
 * const provider = anthropicProvider({ apiKey: process.env.ANTHROPIC_API_KEY });
 * const cascade = createCascade({ tiers: [{ name: 'haiku', provider, model: 'claude-haiku-4-5' }] });
 */
export function anthropicProvider(options: AnthropicProviderOptions = {}): AnthropicProvider {
  const raw: unknown = options;
  if (!isRecord(raw)) throw new ConfigError('options', `must be an object, got ${describe(raw)}`);
  checkInteger('defaultMaxOutputTokens', options.defaultMaxOutputTokens, 1);
  checkInteger('maxResponseBytes', options.maxResponseBytes, 1);
  checkBoolean('stream', options.stream);
  checkBoolean('structuredOutput', options.structuredOutput);
  if (
    options.timeoutMs !== undefined &&
    (typeof options.timeoutMs !== 'number' || !Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0)
  ) {
    throw new ConfigError('timeoutMs', `must be a finite number greater than 0, got ${describe(options.timeoutMs)}`);
  }
  const prices = checkPrices(options.prices);
  const defaultTimeoutMs = Math.ceil(options.timeoutMs ?? ANTHROPIC_DEFAULTS.timeoutMs);

  let client: Anthropic;
  let secrets: string[];
  if (options.client !== undefined) {
    for (const field of ['apiKey', 'baseURL', 'openTelemetry'] as const) {
      if (options[field] !== undefined) {
        throw new ConfigError(field, 'cannot be combined with `client`: configure it on the client you pass');
      }
    }
    const given: unknown = options.client;
    const messages =
      isRecord(given) || typeof given === 'function' ? (given as { messages?: unknown }).messages : undefined;
    if (!isRecord(messages) || typeof (messages as { create?: unknown }).create !== 'function') {
      throw new ConfigError('client', 'must be an Anthropic client from @anthropic-ai/sdk');
    }
    client = options.client;
    secrets = typeof client.apiKey === 'string' ? [client.apiKey] : [];
  } else {
    const built = buildClient(options, defaultTimeoutMs);
    client = built.client;
    secrets = [built.apiKey];
  }

  const stream = options.stream === true;
  const structuredOutput = options.structuredOutput ?? true;
  const bodyOptions = {
    defaultMaxOutputTokens: options.defaultMaxOutputTokens ?? ANTHROPIC_DEFAULTS.defaultMaxOutputTokens,
    structuredOutput,
  };
  const sizeLimit = responseSizeLimit(options.maxResponseBytes ?? ANTHROPIC_DEFAULTS.maxResponseBytes);
  const capabilities: ProviderCapabilities = Object.freeze({
    logprobs: false,
    multipleSamples: false,
    structuredOutput,
  });

  async function generate(request: ProviderRequest, generateOptions: GenerateOptions): Promise<Generation> {
    const signal = generateOptions.signal;
    if (signal.aborted) throw signal.reason;
    const body = buildMessagesBody(request, bodyOptions);
    // The SDK rejects a fractional timeout; without one it refuses large non-streaming max_tokens.
    const timeout = Math.max(1, Math.ceil(generateOptions.timeoutMs ?? defaultTimeoutMs));
    // The SDK's timeout stops at the response headers; this deadline also covers reading the body, so
    // a stream that stalls mid-way ends even when the caller's signal never fires.
    const call = new AbortController();
    const forwardAbort = () => call.abort(signal.reason);
    signal.addEventListener('abort', forwardAbort, { once: true });
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      call.abort(new Error('deadline'));
    }, timeout);
    const requestOptions = { signal: call.signal, timeout, maxRetries: 0, middleware: [sizeLimit] };
    try {
      if (stream) {
        const events = await client.messages.create({ ...body, stream: true }, requestOptions);
        return await readMessageStream(events, request.model, call.signal);
      }
      const message: unknown = await client.messages.create({ ...body, stream: false }, requestOptions);
      return readMessageBody(message, request.model);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (timedOut) {
        throw new ProviderError(`anthropic: no complete answer within ${timeout} ms`, {
          kind: 'timeout',
          retryable: true,
          providerId: 'anthropic',
          model: request.model,
          cause: error,
          secrets,
        });
      }
      throw classifyError(error, { model: request.model, signal, secrets });
    } finally {
      clearTimeout(deadline);
      signal.removeEventListener('abort', forwardAbort);
    }
  }

  const provider = {
    specificationVersion: SPECIFICATION_VERSION,
    id: 'anthropic' as const,
    capabilities,
    generate,
    priceFor: (model: string) => lookupPrice(model, prices),
  };
  // Not enumerable: the client holds the key, and a provider logged or serialised must not print it.
  Object.defineProperty(provider, 'client', { value: client, enumerable: false });
  return provider as typeof provider & { readonly client: Anthropic };
}
