import { APICallError } from '@ai-sdk/provider';
import { ProviderError } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { classifyError, parseRetryAfter } from './classify-error.ts';

const context = { providerId: 'local.chat', model: 'm' };

function apiError(options: { statusCode?: number; headers?: Record<string, string>; cause?: unknown }) {
  return new APICallError({
    message: 'failed',
    url: 'http://127.0.0.1:1/v1/chat/completions',
    requestBodyValues: {},
    ...(options.statusCode === undefined ? {} : { statusCode: options.statusCode }),
    ...(options.headers === undefined ? {} : { responseHeaders: options.headers }),
    ...(options.cause === undefined ? {} : { cause: options.cause }),
  });
}

describe('classifyError', () => {
  it('honours x-should-retry over the status rule', () => {
    expect(classifyError(apiError({ statusCode: 400, headers: { 'x-should-retry': 'true' } }), context).retryable).toBe(
      true,
    );
    expect(
      classifyError(apiError({ statusCode: 503, headers: { 'x-should-retry': 'false' } }), context).retryable,
    ).toBe(false);
  });

  it('classifies an APICallError without a status as a retryable connection failure, or timeout', () => {
    const refused = classifyError(
      apiError({ cause: Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }) }),
      context,
    );
    expect(refused.kind).toBe('connection');
    expect(refused.retryable).toBe(true);
    const timedOut = classifyError(apiError({ cause: new DOMException('timed out', 'TimeoutError') }), context);
    expect(timedOut.kind).toBe('timeout');
    expect(timedOut.retryable).toBe(true);
  });

  it('classifies an unreadable 2xx body as a retryable malformed response and anything unknown as not retryable', () => {
    const parse = Object.assign(new Error('bad json'), { name: 'AI_JSONParseError' });
    expect(classifyError(parse, context)).toMatchObject({ kind: 'malformed-response', retryable: true });
    expect(classifyError(new Error('odd'), context)).toMatchObject({ kind: 'unknown', retryable: false });
    expect(classifyError('a string', context)).toMatchObject({ kind: 'unknown', retryable: false });
  });

  it('passes a ProviderError through unchanged and keeps the original as cause', () => {
    const original = new ProviderError('x', { kind: 'server', retryable: true });
    expect(classifyError(original, context)).toBe(original);
    const wrapped = apiError({ statusCode: 500 });
    expect(classifyError(wrapped, context).cause).toBe(wrapped);
  });

  it('ends a cause chain that loops', () => {
    const looped: { cause?: unknown; message: string } = { message: 'loop' };
    looped.cause = looped;
    expect(classifyError(looped, context).kind).toBe('unknown');
  });
});

describe('parseRetryAfter', () => {
  it('reads retry-after-ms, retry-after seconds and dates', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250' })).toBe(250);
    expect(parseRetryAfter({ 'retry-after': '2' })).toBe(2000);
    expect(parseRetryAfter({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6000);
    expect(parseRetryAfter({ 'retry-after': 'soon' })).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
