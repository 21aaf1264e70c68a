import { APICallError } from '@ai-sdk/provider';
import { ProviderError, type ProviderErrorKind } from '@llm-cascade/core';

/** Who failed: named in every message and carried on the ProviderError. */
export interface CallContext {
  readonly providerId: string;
  readonly model: string;
}

const MAX_MESSAGE_CHARS = 300;

interface StatusRule {
  readonly kind: ProviderErrorKind;
  readonly retryable: boolean;
}

/** How an HTTP status is classified. The engine retries what is retryable; the rest escalates. */
export function classifyStatus(status: number): StatusRule {
  if (status === 408) return { kind: 'timeout', retryable: true };
  if (status === 409) return { kind: 'conflict', retryable: true };
  if (status === 429) return { kind: 'rate-limit', retryable: true };
  if (status >= 500) return { kind: 'server', retryable: true };
  if (status === 401 || status === 403) return { kind: 'auth', retryable: false };
  if (status === 404) return { kind: 'not-found', retryable: false };
  if (status === 400 || status === 413 || status === 422) return { kind: 'bad-request', retryable: false };
  return { kind: 'unknown', retryable: false };
}

/**
 * Milliseconds the server asked us to wait, from `retry-after-ms` or `retry-after` (seconds or an HTTP
 * date). AI SDK errors carry response headers as a plain record with lower-case names.
 */
export function parseRetryAfter(
  headers: Readonly<Record<string, string>> | undefined,
  now: number = Date.now(),
): number | undefined {
  if (headers === undefined) return undefined;
  const millis = headers['retry-after-ms']?.trim();
  if (millis !== undefined && /^\d+(\.\d+)?$/.test(millis)) return Math.ceil(Number(millis));
  const value = headers['retry-after']?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function shorten(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_MESSAGE_CHARS
    ? `${trimmed.slice(0, MAX_MESSAGE_CHARS)}... (${trimmed.length} chars)`
    : trimmed;
}

function prefix(context: CallContext): string {
  return `provider '${context.providerId}' (model '${context.model}')`;
}

/** Network-level failures (refused, reset, DNS, cut body) as undici and Node report them. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** The first system error code found along an error's `cause` chain (bounded: causes can loop). */
function systemCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isTimeout(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { name?: unknown }).name === 'TimeoutError' ||
      (error as { code?: unknown }).code === 'UND_ERR_HEADERS_TIMEOUT' ||
      (error as { code?: unknown }).code === 'UND_ERR_BODY_TIMEOUT')
  );
}

/**
 * Turns whatever an AI SDK model threw into a classified ProviderError: `APICallError` by its status
 * (429, 408, 409 and 5xx retryable; 400, 401, 403, 404, 422 not), timeouts and connection failures
 * retryable, anything else not. The caller's abort is not handled here: the provider checks its signal
 * first and rethrows the signal's reason.
 */
export function classifyError(error: unknown, context: CallContext): ProviderError {
  if (ProviderError.isInstance(error)) return error;
  const base = { providerId: context.providerId, model: context.model, cause: error };
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const retryAfterMs = parseRetryAfter(error.responseHeaders);
    if (status === undefined) {
      // No HTTP answer at all: the request never got through (the AI SDK wraps fetch failures this way).
      const code = systemCode(error);
      const timedOut = isTimeout(error.cause) || code === 'ETIMEDOUT' || code?.endsWith('_TIMEOUT') === true;
      return new ProviderError(
        `${prefix(context)}: ${timedOut ? 'request timed out' : 'connection failed'}: ${shorten(error.message)}`,
        { ...base, kind: timedOut ? 'timeout' : 'connection', retryable: true },
      );
    }
    const rule = classifyStatus(status);
    const shouldRetry = error.responseHeaders?.['x-should-retry'];
    const retryable = shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : rule.retryable;
    return new ProviderError(`${prefix(context)} failed with HTTP ${status}: ${shorten(error.message)}`, {
      ...base,
      kind: rule.kind,
      retryable,
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (isTimeout(error)) {
    return new ProviderError(`${prefix(context)}: request timed out`, { ...base, kind: 'timeout', retryable: true });
  }
  const code = systemCode(error);
  if (code !== undefined) {
    return new ProviderError(`${prefix(context)}: connection failed (${code})`, {
      ...base,
      kind: 'connection',
      retryable: true,
    });
  }
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  if (name === 'AI_JSONParseError' || name === 'AI_TypeValidationError' || name === 'AI_EmptyResponseBodyError') {
    // The server answered 2xx with a body the model's parser could not read: a fresh call may do better.
    return new ProviderError(
      `${prefix(context)} returned a malformed response: ${shorten(String((error as Error).message))}`,
      {
        ...base,
        kind: 'malformed-response',
        retryable: true,
      },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(`${prefix(context)} failed: ${shorten(message)}`, {
    ...base,
    kind: 'unknown',
    retryable: false,
  });
}
