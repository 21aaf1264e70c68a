import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { ProviderError, type ProviderErrorKind } from '@llm-cascade/core';
import { ResponseTooLargeError } from './response-size-limit.ts';
import { parseRetryAfter } from './retry-after.ts';
import { malformed } from './to-generation.ts';

const BY_STATUS: { readonly [status: number]: readonly [ProviderErrorKind, boolean] } = {
  400: ['bad-request', false],
  401: ['auth', false],
  // Billing: the account cannot pay; asking again will not change that.
  402: ['auth', false],
  403: ['auth', false],
  404: ['not-found', false],
  408: ['timeout', true],
  409: ['conflict', true],
  413: ['bad-request', false],
  422: ['bad-request', false],
  429: ['rate-limit', true],
};

// Errors sent inside a 200 event stream carry a type but no status.
const BY_TYPE: { readonly [type: string]: readonly [ProviderErrorKind, boolean] } = {
  overloaded_error: ['server', true],
  api_error: ['server', true],
  rate_limit_error: ['rate-limit', true],
  timeout_error: ['timeout', true],
  invalid_request_error: ['bad-request', false],
  request_too_large: ['bad-request', false],
  authentication_error: ['auth', false],
  permission_error: ['auth', false],
  billing_error: ['auth', false],
  not_found_error: ['not-found', false],
};

export interface ClassifyContext {
  readonly model: string;
  readonly signal: AbortSignal;
  /** Strings that must never appear in an error, its message or its cause (the API key). */
  readonly secrets: readonly string[];
}

function describeBody(error: APIError): string {
  if (typeof error.apiMessage === 'string' && error.apiMessage.length > 0) return error.apiMessage;
  const text = error.message.replace(/^\d{3} /, '');
  if (/^\s*<(!doctype|html|head|body)/i.test(text)) return 'an HTML error page';
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/**
 * Turns whatever a call threw into what the engine expects: the caller's abort reason as is (so the run
 * ends as aborted, not retried), or a classified ProviderError. Retryable: 408, 409, 429, 5xx (529
 * overloaded included), connection failures, timeouts and bodies cut off mid-way. Not retryable: 400,
 * 401, 403, 404, 413, 422, bodies that are not a Messages API answer, and bodies over the size cap.
 */
export function classifyError(error: unknown, context: ClassifyContext): unknown {
  const { model, signal, secrets } = context;
  if (signal.aborted) return signal.reason;
  if (ProviderError.isInstance(error)) return error;
  // Core's ProviderError scrubs `secrets` (and key-like shapes) from the message and the cause it keeps.
  const base = { providerId: 'anthropic', model, cause: error, secrets };
  const tooLarge = ResponseTooLargeError.find(error);
  if (tooLarge !== undefined) return malformed(tooLarge.message, model, false, error, secrets);
  if (error instanceof APIUserAbortError) {
    return new ProviderError('anthropic: the request was aborted by the client', {
      kind: 'unknown',
      retryable: false,
      ...base,
    });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderError('anthropic: the request timed out', { kind: 'timeout', retryable: true, ...base });
  }
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new ProviderError(`anthropic: connection failed${cause}`, {
      kind: 'connection',
      retryable: true,
      ...base,
    });
  }
  if (error instanceof APIError) {
    const status = typeof error.status === 'number' ? error.status : undefined;
    const type = typeof error.type === 'string' ? error.type : undefined;
    const [kind, retryable] =
      status !== undefined
        ? (BY_STATUS[status] ?? (status >= 500 ? ['server', true] : ['unknown', false]))
        : (BY_TYPE[type ?? ''] ?? ['unknown', false]);
    const retryAfterMs = retryable ? parseRetryAfter(error.headers) : undefined;
    const where = status !== undefined ? `${status}` : 'stream error';
    return new ProviderError(`anthropic ${where}${type === undefined ? '' : ` ${type}`}: ${describeBody(error)}`, {
      kind,
      retryable,
      ...(status === undefined ? {} : { status }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...base,
    });
  }
  if (error instanceof SyntaxError) {
    return malformed(`the response body is not valid JSON (cut off?): ${error.message}`, model, true, error, secrets);
  }
  if (
    error instanceof TypeError &&
    /terminated|aborted|socket|closed/i.test(`${error.message} ${String(error.cause)}`)
  ) {
    return malformed(`the response body broke off mid-way (${error.message})`, model, true, error, secrets);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(`anthropic: ${message}`, { kind: 'unknown', retryable: false, ...base });
}
