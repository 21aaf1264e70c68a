import { createServer } from 'node:net';
import { type GenerateOptions, ProviderError, type ProviderErrorKind, type ProviderRequest } from '@llm-cascade/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { anthropicProvider } from './index.ts';
import { type AnthropicWireServer, startAnthropicWireServer, type WireStep } from './test.ts';

const KEY = 'sk-ant-test-errors-0123456789';
const MODEL = 'claude-haiku-4-5';
const REQUEST: ProviderRequest = { model: MODEL, messages: [{ role: 'user', content: 'hi' }] };

function call(overrides: Partial<GenerateOptions> = {}): GenerateOptions {
  return { signal: new AbortController().signal, timeoutMs: 10_000, ...overrides };
}

let server: AnthropicWireServer;
beforeEach(async () => {
  server = await startAnthropicWireServer();
});
afterEach(async () => {
  await server.close();
});

async function failure(step: WireStep, options: { stream?: boolean; maxResponseBytes?: number } = {}) {
  server.setScript([step]);
  const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL, ...options });
  const error = await provider.generate(REQUEST, call()).then(
    (generation) => ({ unexpected: generation }),
    (thrown: unknown) => thrown,
  );
  if (!ProviderError.isInstance(error)) throw new Error(`expected a ProviderError, got ${JSON.stringify(error)}`);
  return error;
}

describe('HTTP errors', () => {
  it.each<[number, ProviderErrorKind, boolean]>([
    [400, 'bad-request', false],
    [401, 'auth', false],
    [403, 'auth', false],
    [404, 'not-found', false],
    [413, 'bad-request', false],
    [422, 'bad-request', false],
    [408, 'timeout', true],
    [409, 'conflict', true],
    [429, 'rate-limit', true],
    [500, 'server', true],
    [503, 'server', true],
    [529, 'server', true],
  ])('status %i is %s, retryable %s', async (status, kind, retryable) => {
    const error = await failure({ kind: 'error', status, message: 'details from the API' });
    expect(error).toMatchObject({ kind, retryable, status, providerId: 'anthropic', model: MODEL });
    expect(error.message).toContain(`anthropic ${status}`);
    expect(error.message).toContain('details from the API');
  });

  it('carries Retry-After as seconds, as retry-after-ms, and as an HTTP date', async () => {
    expect((await failure({ kind: 'error', status: 429, headers: { 'retry-after': '2' } })).retryAfterMs).toBe(2000);
    const precise = await failure({
      kind: 'error',
      status: 529,
      headers: { 'retry-after-ms': '150.5', 'retry-after': '9' },
    });
    expect(precise.retryAfterMs).toBe(151);
    const date = new Date(Date.now() + 20_000).toUTCString();
    const dated = await failure({ kind: 'error', status: 503, headers: { 'retry-after': date } });
    expect(dated.retryAfterMs).toBeGreaterThan(15_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(20_000);
    // Not retryable: a Retry-After on a 400 is no reason to wait.
    expect(
      (await failure({ kind: 'error', status: 400, headers: { 'retry-after': '5' } })).retryAfterMs,
    ).toBeUndefined();
  });

  it('says "an HTML error page" for a gateway page, still retryable by status', async () => {
    const error = await failure({
      kind: 'raw',
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>',
    });
    expect(error).toMatchObject({ kind: 'server', retryable: true, status: 502 });
    expect(error.message).toBe('anthropic 502: an HTML error page');
  });

  it('a connection refused is a retryable connection error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const provider = anthropicProvider({ apiKey: KEY, baseURL: `http://127.0.0.1:${port}` });
    const error = await provider.generate(REQUEST, call()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', kind: 'connection', retryable: true });
  });
});

describe('malformed bodies', () => {
  it.each<[string, WireStep, boolean, RegExp]>([
    ['an empty JSON body', { kind: 'raw', body: '' }, true, /body is empty|not valid JSON/],
    ['an empty text body', { kind: 'raw', headers: { 'content-type': 'text/plain' }, body: '' }, true, /body is empty/],
    ['a body declared empty', { kind: 'raw', headers: { 'content-length': '0' }, body: '' }, true, /body is empty/],
    [
      'text that is not JSON',
      { kind: 'raw', headers: { 'content-type': 'text/plain' }, body: 'upstream busy' },
      false,
      /not JSON/,
    ],
    [
      'an HTML page with status 200',
      { kind: 'raw', headers: { 'content-type': 'text/html' }, body: '<html><body>Welcome</body></html>' },
      false,
      /HTML page/,
    ],
    ['broken JSON', { kind: 'raw', body: '{"type":"message","content":[{"ty' }, true, /not valid JSON/],
    [
      'JSON that is not a message',
      { kind: 'raw', body: '{"type":"completion","completion":"hi"}' },
      false,
      /not a message/,
    ],
    ['JSON with no content array', { kind: 'raw', body: '{"type":"message","usage":{}}' }, false, /no content array/],
    ['a message with no content blocks', { content: [] }, false, /no content blocks/],
    [
      'a message without usage',
      { kind: 'raw', body: '{"type":"message","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn"}' },
      false,
      /no usage/,
    ],
    [
      'a body cut off by a connection reset',
      { text: 'a long enough answer to cut', cut: 'reset' },
      true,
      /broke off|not valid JSON/,
    ],
  ])('%s is a malformed-response error, never an answer', async (_, step, retryable, message) => {
    const error = await failure(step);
    expect(error).toMatchObject({ kind: 'malformed-response', retryable, providerId: 'anthropic' });
    expect(error.message).toMatch(message);
  });

  it('stops reading a body over maxResponseBytes, declared or not', async () => {
    const declared = await failure({ text: 'big', padBytes: 5000 }, { maxResponseBytes: 2048 });
    expect(declared).toMatchObject({ kind: 'malformed-response', retryable: false });
    expect(declared.message).toContain('maxResponseBytes (2048 bytes)');
    const streamed = await failure({ text: 'big', padBytes: 5000 }, { maxResponseBytes: 2048, stream: true });
    expect(streamed).toMatchObject({ kind: 'malformed-response', retryable: false });
    expect(streamed.message).toContain('maxResponseBytes');
    // The same answer under the cap goes through.
    server.setScript([{ text: 'big', padBytes: 500 }]);
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL, maxResponseBytes: 2048 });
    expect((await provider.generate(REQUEST, call())).candidates[0]?.text).toHaveLength(503);
  });

  it('caps an error body too, keeping its status classification', async () => {
    const error = await failure(
      {
        kind: 'raw',
        status: 503,
        headers: { 'content-type': 'text/html' },
        body: `<html>${'x'.repeat(10_000)}</html>`,
      },
      { maxResponseBytes: 1024 },
    );
    expect(error).toMatchObject({ kind: 'server', retryable: true, status: 503 });
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('abort and timeout', () => {
  it('rethrows the caller’s abort reason, and the HTTP request is closed', async () => {
    server.setScript([{ kind: 'hang' }]);
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const pending = provider.generate(REQUEST, call({ signal: controller.signal }));
    await server.nextRequest(0);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await vi.waitFor(() => expect(server.requests[0]?.aborted).toBe(true));
  });

  it('rethrows the abort reason mid-stream too', async () => {
    server.setScript([{ text: 'a slow streamed answer', eventDelayMs: 50, chunkSize: 1 }]);
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL, stream: true });
    const controller = new AbortController();
    const pending = provider.generate(REQUEST, call({ signal: controller.signal }));
    await server.nextRequest(0);
    controller.abort('stop now');
    await expect(pending).rejects.toBe('stop now');
    await vi.waitFor(() => expect(server.requests[0]?.aborted).toBe(true));
  });

  it('does not call at all when the signal is already aborted', async () => {
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL });
    const controller = new AbortController();
    controller.abort('too late');
    await expect(provider.generate(REQUEST, call({ signal: controller.signal }))).rejects.toBe('too late');
    expect(server.requests).toHaveLength(0);
  });

  it('a stream that stalls after its headers also times out, though the SDK timeout stops at headers', async () => {
    server.setScript([{ text: 'stalls after the first event', eventDelayMs: 60_000 }]);
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL, stream: true });
    const error = await provider.generate(REQUEST, call({ timeoutMs: 100 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', kind: 'timeout', retryable: true });
    expect((error as Error).message).toBe('anthropic: no complete answer within 100 ms');
    await vi.waitFor(() => expect(server.requests[0]?.aborted).toBe(true));
  });

  it('a response slower than the timeout is a retryable timeout', async () => {
    server.setScript([{ kind: 'hang' }]);
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL });
    const error = await provider.generate(REQUEST, call({ timeoutMs: 50 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', kind: 'timeout', retryable: true });
  });
});
