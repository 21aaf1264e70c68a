import { ProviderError } from '@llm-cascade/core';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, RateLimitError } from 'openai';
import { describe, expect, it } from 'vitest';
import { classifyError, classifyPayloadError, parseRetryAfter, summariseBody } from './classify-error.ts';
import { ResponseTooLargeError } from './limit-response-size.ts';

const context = { providerId: 'vllm', model: 'llama' };

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it('prefers retry-after-ms', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250.4', 'retry-after': '9' }), now)).toBe(251);
  });

  it('reads seconds, fractional too', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }), now)).toBe(500);
  });

  it('reads an HTTP date relative to now, and a past date as 0', () => {
    expect(parseRetryAfter(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now)).toBe(7000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now)).toBe(0);
  });

  it('ignores absent, negative and unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after-ms': '-5' }), now)).toBeUndefined();
    // An unreadable retry-after-ms falls back to retry-after.
    expect(parseRetryAfter(headers({ 'retry-after-ms': 'abc', 'retry-after': '1' }), now)).toBe(1000);
  });
});

describe('summariseBody', () => {
  it('names HTML pages by their title', () => {
    expect(summariseBody('<html><head><title>Gateway Timeout</title></head><body>...</body></html>')).toBe(
      'an HTML page ("Gateway Timeout")',
    );
    expect(summariseBody('<!DOCTYPE html><body>oops</body>')).toBe('an HTML page');
  });

  it('shortens long text and keeps short text', () => {
    expect(summariseBody('  model not loaded ')).toBe('model not loaded');
    const long = summariseBody('x'.repeat(5000));
    expect(long.length).toBeLessThan(400);
    expect(long).toContain('(5000 chars)');
  });
});

describe('classifyError', () => {
  it('passes a ProviderError through', () => {
    const error = new ProviderError('x', { kind: 'server', retryable: true });
    expect(classifyError(error, context)).toBe(error);
  });

  it('classifies the SDK connection errors', () => {
    const timeout = classifyError(new APIConnectionTimeoutError(), context);
    expect([timeout.kind, timeout.retryable]).toEqual(['timeout', true]);
    const connection = classifyError(new APIConnectionError({ cause: new Error('ECONNRESET') }), context);
    expect([connection.kind, connection.retryable]).toEqual(['connection', true]);
    expect(connection.message).toContain('ECONNRESET');
    expect(connection.providerId).toBe('vllm');
    expect(connection.cause).toBeInstanceOf(APIConnectionError);
  });

  it('does not retry an abort it did not ask for', () => {
    const error = classifyError(new APIUserAbortError(), context);
    expect(error.retryable).toBe(false);
  });

  it('reads status and headers from an APIError', () => {
    const error = classifyError(
      new RateLimitError(429, { message: 'slow down' }, undefined, new Headers({ 'retry-after': '4' })),
      context,
    );
    expect([error.kind, error.retryable, error.status, error.retryAfterMs]).toEqual(['rate-limit', true, 429, 4000]);
    expect(error.message).toBe("provider 'vllm' (model 'llama') failed with HTTP 429: slow down");
  });

  it('classifies an APIError from another copy of the SDK by its shape', () => {
    const foreign = Object.assign(new Error('503 overloaded'), { status: 503, headers: new Headers(), error: {} });
    const error = classifyError(foreign, context);
    expect([error.kind, error.retryable, error.status]).toEqual(['server', true, 503]);
  });

  it('classifies an in-stream error event by its type and code', () => {
    const error = classifyError(
      new APIError(undefined, { message: 'bad', type: 'invalid_request_error' }, undefined, undefined),
      context,
    );
    expect([error.kind, error.retryable]).toEqual(['bad-request', false]);
  });

  it('reports a body over the cap as malformed and not retryable', () => {
    const error = classifyError(new ResponseTooLargeError(10, 11, false), context);
    expect([error.kind, error.retryable]).toEqual(['malformed-response', false]);
  });

  it('never retries an error it does not recognise', () => {
    const error = classifyError('weird', context);
    expect([error.kind, error.retryable]).toEqual(['unknown', false]);
  });
});

describe('classifyPayloadError', () => {
  it.each([
    [{ code: 429 }, 'rate-limit', true],
    [{ code: '503' }, 'server', true],
    [{ code: 401 }, 'auth', false],
    [{ code: 'rate_limit_exceeded' }, 'rate-limit', true],
    [{ type: 'invalid_request_error' }, 'bad-request', false],
    [{ code: 'invalid_api_key' }, 'auth', false],
    [{ message: 'The server had an error while processing your request.' }, 'server', true],
    ['a string', 'server', true],
  ])('classifies %j as %s', (payload, kind, retryable) => {
    expect(classifyPayloadError(payload)).toEqual({ kind, retryable });
  });
});
