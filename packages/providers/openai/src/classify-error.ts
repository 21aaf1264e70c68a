import { ProviderError, type ProviderErrorKind } from '@llm-cascade/core';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ResponseTooLargeError } from './limit-response-size.ts';

/** Who failed: named in every message and carried on the ProviderError. */
export interface CallContext {
  readonly providerId: string;
  readonly model: string;
  /** The client's API key: scrubbed from every error built for the call, whatever its shape. */
  readonly secrets?: readonly string[];
}

const MAX_MESSAGE_CHARS = 300;

/** Minimal view of a Headers object: errors from another copy of `openai` still carry one. */
interface HeaderReader {
  get(name: string): string | null;
}

function isHeaderReader(value: unknown): value is HeaderReader {
  return typeof value === 'object' && value !== null && typeof (value as { get?: unknown }).get === 'function';
}

/**
 * Milliseconds the server asked us to wait, from `retry-after-ms` (OpenAI's own header) or `retry-after`
 * (seconds, or an HTTP date). `undefined` when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(headers: HeaderReader | undefined, now: number = Date.now()): number | undefined {
  if (headers === undefined) return undefined;
  const millis = headers.get('retry-after-ms')?.trim();
  if (millis !== undefined && millis !== '' && /^\d+(\.\d+)?$/.test(millis)) {
    return Math.ceil(Number(millis));
  }
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

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

/** Keeps messages short and never pastes an HTML error page (or a huge body) into logs and traces. */
export function summariseBody(text: string): string {
  const trimmed = text.trim();
  if (/^<!doctype html|^<html|<\/html>\s*$|<body[\s>]/i.test(trimmed)) {
    const title = /<title[^>]*>([^<]{1,120})<\/title>/i.exec(trimmed)?.[1]?.trim();
    return title === undefined || title === '' ? 'an HTML page' : `an HTML page ("${title}")`;
  }
  return trimmed.length > MAX_MESSAGE_CHARS
    ? `${trimmed.slice(0, MAX_MESSAGE_CHARS)}... (${trimmed.length} chars)`
    : trimmed;
}

function prefix(context: CallContext): string {
  return `provider '${context.providerId}' (model '${context.model}')`;
}

/** A malformed or unusable answer: the one place such errors are built, so messages stay uniform. */
export function malformed(
  context: CallContext,
  problem: string,
  options: { readonly retryable: boolean; readonly status?: number; readonly cause?: unknown },
): ProviderError {
  return new ProviderError(`${prefix(context)} returned ${problem}`, {
    kind: 'malformed-response',
    retryable: options.retryable,
    providerId: context.providerId,
    model: context.model,
    ...(context.secrets === undefined ? {} : { secrets: context.secrets }),
    ...(options.status === undefined ? {} : { status: options.status }),
    ...(options.cause === undefined ? {} : { cause: options.cause }),
  });
}

// Errors can come from another copy of `openai` (an injected client built with another version), where
// instanceof fails; the constructor name is the fallback.
function isKind(error: unknown, type: abstract new (...args: never[]) => unknown, name: string): boolean {
  if (error instanceof type) return true;
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { constructor?: { name?: unknown } }).constructor?.name === name
  );
}

interface ApiErrorView {
  readonly status: number | undefined;
  readonly headers: HeaderReader | undefined;
  readonly message: string;
  readonly error: unknown;
}

function apiErrorView(error: unknown): ApiErrorView | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  // Duck-typed as well, for errors from another copy of `openai`.
  if (!(error instanceof APIError) && !('status' in error && 'headers' in error && 'error' in error)) return undefined;
  const value = error as { status?: unknown; headers?: unknown; message?: unknown; error?: unknown };
  return {
    status: typeof value.status === 'number' ? value.status : undefined,
    headers: isHeaderReader(value.headers) ? value.headers : undefined,
    message: typeof value.message === 'string' ? value.message : '',
    error: value.error,
  };
}

/** Classifies an error object sent inside an otherwise successful response (a stream event, a 200 body). */
export function classifyPayloadError(payload: unknown): StatusRule {
  const record = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  // OpenRouter puts the upstream HTTP status in `code`.
  const code = record.code;
  const numeric =
    typeof code === 'number' ? code : typeof code === 'string' && /^\d{3}$/.test(code) ? Number(code) : undefined;
  if (numeric !== undefined && numeric >= 400) return classifyStatus(numeric);
  const type = typeof record.type === 'string' ? record.type : '';
  const textCode = typeof code === 'string' ? code : '';
  if (/rate_limit|rate-limit/.test(`${type} ${textCode}`)) return { kind: 'rate-limit', retryable: true };
  if (/invalid_request|bad_request/.test(`${type} ${textCode}`)) return { kind: 'bad-request', retryable: false };
  if (/authentication|permission|invalid_api_key/.test(`${type} ${textCode}`))
    return { kind: 'auth', retryable: false };
  // An error in the middle of a stream is, in practice, the server failing while generating.
  return { kind: 'server', retryable: true };
}

/**
 * Turns whatever the `openai` client threw into a classified ProviderError. The caller's abort is not
 * handled here: the provider checks its signal first and rethrows the signal's reason.
 */
export function classifyError(error: unknown, context: CallContext): ProviderError {
  if (ProviderError.isInstance(error)) return error;
  const base = {
    providerId: context.providerId,
    model: context.model,
    cause: error,
    ...(context.secrets === undefined ? {} : { secrets: context.secrets }),
  };

  const tooLarge = ResponseTooLargeError.find(error);
  const api = apiErrorView(error);
  if (tooLarge !== undefined && (api?.status === undefined || api.status < 400)) {
    return malformed(context, `a body too large to read: ${tooLarge.message}`, { retryable: false, cause: error });
  }
  if (isKind(error, APIUserAbortError, 'APIUserAbortError')) {
    // Our own signal was not aborted (that is checked first), so something else cancelled the request.
    return new ProviderError(`${prefix(context)}: the request was cancelled without the caller aborting`, {
      ...base,
      kind: 'unknown',
      retryable: false,
    });
  }
  if (isKind(error, APIConnectionTimeoutError, 'APIConnectionTimeoutError')) {
    return new ProviderError(`${prefix(context)}: request timed out`, { ...base, kind: 'timeout', retryable: true });
  }
  if (isKind(error, APIConnectionError, 'APIConnectionError')) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}${causeDetail(cause)}` : '';
    return new ProviderError(`${prefix(context)}: connection failed${detail}`, {
      ...base,
      kind: 'connection',
      retryable: true,
    });
  }
  if (api !== undefined) {
    const retryAfterMs = parseRetryAfter(api.headers);
    const rule = api.status === undefined ? classifyPayloadError(api.error) : classifyStatus(api.status);
    const shouldRetry = api.headers?.get('x-should-retry');
    const retryable = shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : rule.retryable;
    const where = api.status === undefined ? 'sent an error event' : `failed with HTTP ${api.status}`;
    const detail = summariseBody(api.message.replace(/^\d{3}\s+/, ''));
    return new ProviderError(`${prefix(context)} ${where}: ${detail}`, {
      ...base,
      kind: rule.kind,
      retryable,
      ...(api.status === undefined ? {} : { status: api.status }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (error instanceof SyntaxError) {
    return malformed(context, `a body that is not valid JSON (${error.message})`, { retryable: true, cause: error });
  }
  if (error instanceof TypeError) {
    // Reading the body failed after the headers arrived: undici reports a cut connection as "terminated".
    return malformed(context, `a response cut off while it was read (${error.message}${causeDetail(error)})`, {
      retryable: true,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(`${prefix(context)} failed: ${summariseBody(message)}`, {
    ...base,
    kind: 'unknown',
    retryable: false,
  });
}

function causeDetail(error: Error): string {
  const cause = error.cause;
  return cause instanceof Error && cause.message !== '' ? ` (${cause.message})` : '';
}
