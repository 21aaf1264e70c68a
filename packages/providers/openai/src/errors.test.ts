import { gzipSync } from 'node:zlib';
import { type GenerateOptions, ProviderError, type ProviderRequest } from '@llm-cascade/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpenAIProviderOptions, openaiProvider } from './index.ts';
import { type OpenAIWireServer, startOpenAIWireServer, type WireReply, type WireScript } from './test.ts';

const servers: OpenAIWireServer[] = [];

async function serve(script: WireScript): Promise<OpenAIWireServer> {
  const server = await startOpenAIWireServer({ script });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function providerFor(server: OpenAIWireServer, options: OpenAIProviderOptions = {}) {
  return openaiProvider({ apiKey: 'sk-test', baseURL: server.baseURL, ...options });
}

const request: ProviderRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] };

function call(overrides: Partial<GenerateOptions> = {}): GenerateOptions {
  return { signal: new AbortController().signal, timeoutMs: 10_000, ...overrides };
}

async function failure(work: Promise<unknown>): Promise<ProviderError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!ProviderError.isInstance(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

async function failureFor(reply: WireReply, options: OpenAIProviderOptions = {}): Promise<ProviderError> {
  const server = await serve([reply]);
  const error = await failure(providerFor(server, options).generate(request, call()));
  // The engine owns retries: the client must have made exactly one request.
  expect(server.requests).toHaveLength(1);
  return error;
}

const HTML_PAGE = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>${'<!-- padding -->'.repeat(200)}</body></html>`;

describe('openaiProvider: HTTP errors', () => {
  it.each([
    [400, 'bad-request', false],
    [401, 'auth', false],
    [403, 'auth', false],
    [404, 'not-found', false],
    [408, 'timeout', true],
    [409, 'conflict', true],
    [413, 'bad-request', false],
    [422, 'bad-request', false],
    [429, 'rate-limit', true],
    [500, 'server', true],
    [503, 'server', true],
    [529, 'server', true],
  ] as const)('classifies HTTP %i as %s (retryable: %s), with one request only', async (status, kind, retryable) => {
    const error = await failureFor({ type: 'error', status, message: `upstream says ${status}` });
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
    expect(error.providerId).toBe('openai');
    expect(error.model).toBe('gpt-4o-mini');
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.message).toContain(`upstream says ${status}`);
  });

  it('carries retry-after-ms from a 429', async () => {
    const error = await failureFor({
      type: 'error',
      status: 429,
      headers: { 'retry-after-ms': '1500', 'retry-after': '9' },
    });
    expect(error.kind).toBe('rate-limit');
    expect(error.retryAfterMs).toBe(1500);
  });

  it('carries retry-after in seconds', async () => {
    const error = await failureFor({ type: 'error', status: 429, headers: { 'retry-after': '3' } });
    expect(error.retryAfterMs).toBe(3000);
  });

  it('carries retry-after as an HTTP date', async () => {
    const date = new Date(Date.now() + 20_000).toUTCString();
    const error = await failureFor({ type: 'error', status: 503, headers: { 'retry-after': date } });
    // HTTP dates have one-second resolution.
    expect(error.retryAfterMs).toBeGreaterThan(18_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(20_000);
  });

  it('has no retryAfterMs without the headers', async () => {
    const error = await failureFor({ type: 'error', status: 500 });
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('obeys x-should-retry: false on a 500', async () => {
    const error = await failureFor({ type: 'error', status: 500, headers: { 'x-should-retry': 'false' } });
    expect(error.retryable).toBe(false);
  });

  it('names an HTML error page by its title instead of pasting it', async () => {
    const error = await failureFor({ type: 'raw', status: 502, contentType: 'text/html', body: HTML_PAGE });
    expect(error.kind).toBe('server');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('an HTML page ("502 Bad Gateway")');
    expect(error.message).not.toContain('<html');
    expect(error.message.length).toBeLessThan(300);
  });

  it('keeps the status of an error whose body is over the size cap', async () => {
    const error = await failureFor(
      {
        type: 'raw',
        status: 500,
        contentType: 'text/html',
        body: `<html>${'x'.repeat(100_000)}</html>`,
        chunked: true,
      },
      { maxResponseBytes: 2048 },
    );
    expect(error.kind).toBe('server');
    expect(error.status).toBe(500);
    expect(error.retryable).toBe(true);
  });
});

describe('openaiProvider: connections, timeouts and aborts', () => {
  it('reports a refused connection as a retryable connection error', async () => {
    const server = await serve([]);
    const baseURL = server.baseURL;
    await server.close();
    const error = await failure(openaiProvider({ apiKey: 'sk-test', baseURL }).generate(request, call()));
    expect(error.kind).toBe('connection');
    expect(error.retryable).toBe(true);
  });

  it('reports a response slower than the timeout as a retryable timeout', async () => {
    const server = await serve([{ type: 'hang' }]);
    const error = await failure(providerFor(server).generate(request, call({ timeoutMs: 100 })));
    expect(error.kind).toBe('timeout');
    expect(error.retryable).toBe(true);
  });

  it('rejects with the signal reason when the caller aborts, and the HTTP request is really closed', async () => {
    const server = await serve([{ type: 'completion', text: 'late', delayMs: 30_000 }]);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const work = providerFor(server).generate(request, call({ signal: controller.signal, timeoutMs: 60_000 }));
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(reason);
    await expect(work).rejects.toBe(reason);
    while (!server.requests[0]?.closedEarly) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.requests[0]?.closedEarly).toBe(true);
  });

  it('does not call at all with a signal already aborted', async () => {
    const server = await serve([{ type: 'completion', text: 'never' }]);
    const controller = new AbortController();
    const reason = new Error('already gone');
    controller.abort(reason);
    await expect(providerFor(server).generate(request, call({ signal: controller.signal }))).rejects.toBe(reason);
    expect(server.requests).toHaveLength(0);
  });
});

describe('openaiProvider: malformed answers', () => {
  it.each([
    ['an empty JSON body', { type: 'raw', contentType: 'application/json', body: '' }, /an empty body/, true],
    ['an empty body with no content type', { type: 'raw', body: '' }, /an empty body/, true],
    [
      'a JSON content type with a non-JSON body',
      { type: 'raw', contentType: 'application/json', body: 'Service Unavailable' },
      /not valid JSON/,
      true,
    ],
    [
      'a plain-text body',
      { type: 'raw', contentType: 'text/plain', body: 'upstream connect error' },
      /not JSON.*upstream connect error/,
      true,
    ],
    [
      'an HTML page with status 200',
      { type: 'raw', contentType: 'text/html', body: HTML_PAGE },
      /HTML page \("502 Bad Gateway"\) instead of JSON/,
      true,
    ],
    ['a JSON array', { type: 'raw', contentType: 'application/json', body: '[1,2]' }, /not a chat completion/, false],
    [
      'a completion with no choices',
      {
        type: 'raw',
        contentType: 'application/json',
        body: '{"id":"x","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":0}}',
      },
      /no choices/,
      false,
    ],
    [
      'a completion without a choices field',
      { type: 'raw', contentType: 'application/json', body: '{"id":"x","object":"chat.completion"}' },
      /no choices/,
      false,
    ],
    [
      'null content and no refusal',
      { type: 'completion', choices: [{ text: null }] },
      /null content and no refusal/,
      false,
    ],
    [
      'a choice that is not an object',
      {
        type: 'raw',
        contentType: 'application/json',
        body: '{"choices":[7],"usage":{"prompt_tokens":1,"completion_tokens":1}}',
      },
      /choice 0 that is not an object/,
      false,
    ],
    [
      'content that is not text',
      {
        type: 'raw',
        contentType: 'application/json',
        body: '{"choices":[{"index":0,"message":{"content":{"a":1}},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}',
      },
      /content is not text/,
      false,
    ],
    ['no usage', { type: 'completion', text: 'hi', usage: null }, /no token usage/, false],
    [
      'negative usage',
      { type: 'completion', text: 'hi', usage: { promptTokens: -1, completionTokens: 2 } },
      /invalid token usage/,
      false,
    ],
    [
      'a body cut mid-way',
      { type: 'completion', text: 'a fairly long answer '.repeat(50), cut: { how: 'destroy' } },
      /cut off while it was read/,
      true,
    ],
  ] as const)('fails %s with a clear ProviderError', async (_name, reply, message, retryable) => {
    const error = await failureFor(reply as WireReply);
    expect(error.kind).toBe('malformed-response');
    expect(error.message).toMatch(message);
    expect(error.retryable).toBe(retryable);
  });

  it('accepts a JSON completion sent with a text content type', async () => {
    const body = JSON.stringify({
      choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1 },
      model: 'served-model',
    });
    const server = await serve([{ type: 'raw', contentType: 'text/plain', body }]);
    const generation = await providerFor(server).generate(request, call());
    expect(generation).toEqual({
      candidates: [{ text: 'hi', finishReason: 'stop' }],
      usage: { inputTokens: 3, outputTokens: 1 },
      model: 'served-model',
    });
  });

  it('classifies an error object sent with status 200, as gateways do', async () => {
    const body = JSON.stringify({ error: { message: 'Provider returned error', code: 429 } });
    const error = await failureFor({ type: 'raw', contentType: 'application/json', body });
    expect(error.kind).toBe('rate-limit');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('Provider returned error');
  });

  it('drops logprobs it cannot read rather than passing a partial sequence', async () => {
    const body = JSON.stringify({
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'ab' },
          logprobs: {
            content: [
              { token: 'a', logprob: -0.1 },
              { token: 'b', logprob: 'high' },
            ],
          },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    });
    const server = await serve([{ type: 'raw', contentType: 'application/json', body }]);
    const generation = await providerFor(server).generate(request, call({ logprobs: true }));
    expect(generation.candidates).toEqual([{ text: 'ab', finishReason: 'stop' }]);
  });

  it.each([
    ['declared by Content-Length', false],
    ['counted while chunked', true],
  ])('fails a body over the size cap, %s', async (_how, chunked) => {
    const body = JSON.stringify({
      choices: [{ index: 0, message: { role: 'assistant', content: 'x'.repeat(50_000) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    });
    const error = await failureFor(
      { type: 'raw', contentType: 'application/json', body, chunked },
      { maxResponseBytes: 10_000 },
    );
    expect(error.kind).toBe('malformed-response');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/10000-byte cap/);
  });

  it('counts the decoded bytes of a compressed body, whatever its Content-Length says', async () => {
    const body = JSON.stringify({
      choices: [{ index: 0, message: { role: 'assistant', content: 'x'.repeat(50_000) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    });
    const compressed = gzipSync(body);
    expect(compressed.byteLength).toBeLessThan(10_000);
    const reply: WireReply = {
      type: 'raw',
      contentType: 'application/json',
      body: compressed,
      headers: { 'content-encoding': 'gzip' },
    };
    const server = await serve([reply, reply]);
    const generation = await providerFor(server).generate(request, call());
    expect(generation.candidates[0]?.text).toHaveLength(50_000);
    const error = await failure(providerFor(server, { maxResponseBytes: 10_000 }).generate(request, call()));
    expect(error.message).toMatch(/10000-byte cap/);
  });

  it('reads a body of exactly the cap, and fails one byte over it', async () => {
    const body = JSON.stringify({
      choices: [{ index: 0, message: { role: 'assistant', content: 'fits' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1 },
    });
    const size = Buffer.byteLength(body);
    const server = await serve([{ type: 'raw', contentType: 'application/json', body, chunked: true }]);
    const generation = await providerFor(server, { maxResponseBytes: size }).generate(request, call());
    expect(generation.candidates[0]?.text).toBe('fits');
    const error = await failure(providerFor(server, { maxResponseBytes: size - 1 }).generate(request, call()));
    expect(error.message).toMatch(/cap/);
  });
});
