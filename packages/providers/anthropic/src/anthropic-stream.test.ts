import { Anthropic } from '@anthropic-ai/sdk';
import { type GenerateOptions, ProviderError, type ProviderRequest } from '@llm-cascade/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anthropicProvider } from './index.ts';
import { type AnthropicWireServer, startAnthropicWireServer, type WireMessageStep, type WireStep } from './test.ts';

const KEY = 'sk-ant-test-stream-0123456789';
const MODEL = 'claude-sonnet-4-20250514';
const REQUEST: ProviderRequest = {
  model: MODEL,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Name a prime.' },
  ],
  temperature: 0,
  maxOutputTokens: 64,
};

function call(): GenerateOptions {
  return { signal: new AbortController().signal, timeoutMs: 10_000 };
}

let server: AnthropicWireServer;
beforeEach(async () => {
  server = await startAnthropicWireServer({ apiKey: KEY });
});
afterEach(async () => {
  await server.close();
});

async function both(step: WireMessageStep) {
  server.setScript([step]);
  const plain = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL });
  const streaming = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL, stream: true });
  return { json: await plain.generate(REQUEST, call()), streamed: await streaming.generate(REQUEST, call()) };
}

async function streamFailure(step: WireStep) {
  server.setScript([step]);
  const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL, stream: true });
  const error = await provider.generate(REQUEST, call()).then(
    (generation) => ({ unexpected: generation }),
    (thrown: unknown) => thrown,
  );
  if (!ProviderError.isInstance(error)) throw new Error(`expected a ProviderError, got ${JSON.stringify(error)}`);
  return error;
}

describe('streaming Messages API', () => {
  it('sends stream: true with the same body, and assembles the same Generation as a plain call', async () => {
    const { json, streamed } = await both({
      content: [
        { type: 'thinking', thinking: 'small primes...', signature: 's' },
        { type: 'text', text: 'Seven is prime, ' },
        { type: 'text', text: 'and so is eleven — ünïcödé ✓.' },
      ],
      usage: { input_tokens: 12, output_tokens: 9, cache_read_input_tokens: 100 },
      chunkSize: 3,
    });
    expect(streamed).toEqual(json);
    expect(streamed).toEqual({
      candidates: [{ text: 'Seven is prime, and so is eleven — ünïcödé ✓.', finishReason: 'stop' }],
      usage: { inputTokens: 112, outputTokens: 9, cachedInputTokens: 100 },
      model: MODEL,
    });
    const [plainBody, streamBody] = server.requests.map((r) => r.body);
    expect(plainBody?.stream).toBe(false);
    expect(streamBody).toEqual({
      ...plainBody,
      stream: true,
    });
    expect(streamBody).toMatchObject({ system: 'Be brief.', max_tokens: 64, temperature: 0 });
    expect(server.requests[1]?.stream).toBe(true);
  });

  it('takes stop_reason, stop_details and the output count from message_delta', async () => {
    const { streamed } = await both({
      text: 'I can’t help with that.',
      stopReason: 'refusal',
      stopDetails: { type: 'refusal', category: 'bio', explanation: null },
      usage: { input_tokens: 5, output_tokens: 7 },
    });
    expect(streamed).toEqual({
      candidates: [{ text: 'I can’t help with that.', finishReason: 'refusal', refusal: 'refused (bio)' }],
      usage: { inputTokens: 5, outputTokens: 7 },
      model: MODEL,
    });
    const { streamed: cut } = await both({ text: 'long', stopReason: 'max_tokens' });
    expect(cut.candidates[0]?.finishReason).toBe('length');
  });

  it.each<[string, WireStep, RegExp]>([
    ['a stream that ends after one delta', { text: 'Seven is prime.', cut: 'end-early' }, /without message_stop/],
    ['a stream without message_stop', { text: 'Seven is prime.', cut: 'no-message-stop' }, /without message_stop/],
    ['a connection reset mid-stream', { text: 'Seven is prime.', cut: 'reset' }, /broke off mid-way/],
    [
      'an empty event stream',
      { kind: 'raw', headers: { 'content-type': 'text/event-stream' }, body: '' },
      /ended before message_start/,
    ],
    [
      'a JSON body where events were expected',
      { kind: 'raw', body: '{"type":"message","content":[]}' },
      /ended before message_start/,
    ],
    [
      'a delta for a block never started',
      {
        kind: 'raw',
        headers: { 'content-type': 'text/event-stream' },
        body:
          'event: message_start\ndata: {"type":"message_start","message":{"model":"m","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}\n\n' +
          'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}\n\n',
      },
      /never started/,
    ],
  ])('%s is a retryable malformed-response error, never a partial answer', async (_, step, message) => {
    const error = await streamFailure(step);
    expect(error).toMatchObject({ kind: 'malformed-response', retryable: true, providerId: 'anthropic' });
    expect(error.message).toMatch(message);
  });

  it('an event whose data is not JSON is a malformed-response error', async () => {
    server.setScript([
      {
        kind: 'raw',
        headers: { 'content-type': 'text/event-stream' },
        body: 'event: message_start\ndata: {not json\n\n',
      },
    ]);
    // A client of our own with the SDK's logger off: it logs unparsable event data at error level.
    const client = new Anthropic({ apiKey: KEY, baseURL: server.baseURL, maxRetries: 0, logLevel: 'off' });
    const provider = anthropicProvider({ client, stream: true });
    const error = await provider.generate(REQUEST, call()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'malformed-response', retryable: true });
  });

  it('a stream that closes with no content blocks is an error, not an empty answer', async () => {
    const error = await streamFailure({ content: [] });
    expect(error).toMatchObject({ kind: 'malformed-response', retryable: false });
    expect(error.message).toMatch(/no content blocks/);
  });

  it('classifies an error event inside the stream by its type', async () => {
    const overloaded = await streamFailure({
      text: 'Seven',
      streamError: { type: 'overloaded_error', message: 'Overloaded' },
    });
    expect(overloaded).toMatchObject({ kind: 'server', retryable: true, status: undefined });
    expect(overloaded.message).toBe('anthropic stream error overloaded_error: Overloaded');
    const invalid = await streamFailure({
      text: 'Seven',
      streamError: { type: 'invalid_request_error', message: 'bad' },
    });
    expect(invalid).toMatchObject({ kind: 'bad-request', retryable: false });
  });

  it('classifies an HTTP error before the stream starts like a plain call', async () => {
    const error = await streamFailure({ kind: 'error', status: 429, headers: { 'retry-after': '3' } });
    expect(error).toMatchObject({ kind: 'rate-limit', retryable: true, status: 429, retryAfterMs: 3000 });
  });
});
