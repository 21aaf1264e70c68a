import { Anthropic } from '@anthropic-ai/sdk';
import { ConfigError, type GenerateOptions, ProviderError, type ProviderRequest } from '@llm-cascade/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANTHROPIC_DEFAULTS, anthropicProvider } from './index.ts';
import { type AnthropicWireServer, startAnthropicWireServer } from './test.ts';

const KEY = 'sk-ant-test-0123456789abcdef';
const MODEL = 'claude-haiku-4-5';

function call(overrides: Partial<GenerateOptions> = {}): GenerateOptions {
  return { signal: new AbortController().signal, timeoutMs: 10_000, ...overrides };
}

function request(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return { model: MODEL, messages: [{ role: 'user', content: 'What is 6 x 7?' }], ...overrides };
}

let server: AnthropicWireServer;
beforeEach(async () => {
  server = await startAnthropicWireServer({ apiKey: KEY });
});
afterEach(async () => {
  await server.close();
  vi.unstubAllEnvs();
});

describe('anthropicProvider over HTTP', () => {
  it('sends the system prompt, alternating messages, max_tokens and temperature the Messages API expects', async () => {
    server.setScript([{ text: '42', usage: { input_tokens: 20, output_tokens: 2 } }]);
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL });
    const generation = await provider.generate(
      request({
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Question one.' },
          { role: 'user', content: 'Question two.' },
          { role: 'system', content: 'Answer with a number.' },
          { role: 'assistant', content: 'Thinking...' },
          { role: 'user', content: 'Go on.' },
        ],
        maxOutputTokens: 300,
        temperature: 0.2,
      }),
      call(),
    );
    expect(generation).toEqual({
      candidates: [{ text: '42', finishReason: 'stop' }],
      usage: { inputTokens: 20, outputTokens: 2 },
      model: MODEL,
    });
    const [received] = server.requests;
    expect(received?.path).toBe('/v1/messages');
    expect(received?.authenticated).toBe(true);
    expect(received?.body).toEqual({
      model: MODEL,
      max_tokens: 300,
      temperature: 0.2,
      system: 'You are terse.\n\nAnswer with a number.',
      messages: [
        { role: 'user', content: 'Question one.\n\nQuestion two.' },
        { role: 'assistant', content: 'Thinking...' },
        { role: 'user', content: 'Go on.' },
      ],
      stream: false,
    });
    // One layer retries: the SDK sends its retry count, which must stay 0.
    expect(received?.headers['x-stainless-retry-count']).toBe('0');
    expect(received?.headers['x-stainless-timeout']).toBe('10');
  });

  it('defaults max_tokens from the option, and omits system and temperature when the request has none', async () => {
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL });
    await provider.generate(request(), call());
    expect(server.requests[0]?.body).toEqual({
      model: MODEL,
      max_tokens: ANTHROPIC_DEFAULTS.defaultMaxOutputTokens,
      messages: [{ role: 'user', content: 'What is 6 x 7?' }],
      stream: false,
    });
    const custom = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL, defaultMaxOutputTokens: 77 });
    await custom.generate(request(), call());
    expect(server.requests[1]?.body?.max_tokens).toBe(77);
  });

  it('drops the empty assistant turn a repair after an empty answer produces, which Anthropic would reject', async () => {
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL });
    await provider.generate(
      request({
        messages: [
          { role: 'user', content: 'Say something.' },
          { role: 'assistant', content: '   ' },
          { role: 'user', content: 'Your previous answer was empty.' },
          { role: 'assistant', content: 'Prefill ' },
        ],
      }),
      call(),
    );
    expect(server.requests[0]?.body?.messages).toEqual([
      { role: 'user', content: 'Say something.\n\nYour previous answer was empty.' },
      { role: 'assistant', content: 'Prefill' },
    ]);
  });

  it('fails without a call when no non-empty user message is left to send', async () => {
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL });
    const error = await provider
      .generate(
        request({
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: ' ' },
          ],
        }),
        call(),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', kind: 'bad-request', retryable: false });
    expect(server.requests).toHaveLength(0);
  });

  it('joins every text block, skips thinking and tool blocks, and counts cached input tokens', async () => {
    server.setScript([
      {
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig' },
          { type: 'text', text: 'Hello, ' },
          { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} },
          { type: 'text', text: 'world.' },
        ],
        model: 'claude-haiku-4-5-20251001',
        usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 300, cache_creation_input_tokens: 40 },
      },
    ]);
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL });
    const generation = await provider.generate(request(), call());
    expect(generation).toEqual({
      candidates: [{ text: 'Hello, world.', finishReason: 'stop' }],
      usage: { inputTokens: 350, outputTokens: 5, cachedInputTokens: 300, cacheWriteInputTokens: 40 },
      model: 'claude-haiku-4-5-20251001',
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['pause_turn', 'other'],
    ['some_future_reason', 'other'],
  ])('maps stop_reason %s to finish reason %s', async (stopReason, finishReason) => {
    server.setScript([{ text: 'partial', stopReason }]);
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL });
    const generation = await provider.generate(request(), call());
    expect(generation.candidates).toEqual([{ text: 'partial', finishReason }]);
  });

  it('marks a refusal with the explanation Anthropic gives, so the refusal gate fails it', async () => {
    server.setScript([
      {
        text: '',
        stopReason: 'refusal',
        stopDetails: { type: 'refusal', category: 'cyber', explanation: 'This could enable malware.' },
      },
      { text: 'I will not', stopReason: 'refusal' },
    ]);
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL });
    expect((await provider.generate(request(), call())).candidates).toEqual([
      { text: '', finishReason: 'refusal', refusal: 'This could enable malware.' },
    ]);
    expect((await provider.generate(request(), call())).candidates[0]).toMatchObject({
      finishReason: 'refusal',
      refusal: 'refused (stop_reason refusal)',
    });
  });

  it('sends a JSON schema as output_config.format, unless structured output is turned off', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
    const responseFormat = { type: 'json_schema' as const, schema };
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL });
    expect(provider.capabilities.structuredOutput).toBe(true);
    await provider.generate(request({ responseFormat }), call());
    expect(server.requests[0]?.body?.output_config).toEqual({ format: { type: 'json_schema', schema } });

    await provider.generate(request({ responseFormat: { type: 'json_schema', schema: true } }), call());
    expect(server.requests[1]?.body).not.toHaveProperty('output_config');

    const plain = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL, structuredOutput: false });
    expect(plain.capabilities.structuredOutput).toBe(false);
    await plain.generate(request({ responseFormat }), call());
    expect(server.requests[2]?.body).not.toHaveProperty('output_config');
  });

  it('declares no logprobs and no n, so the engine skips logprob gates and draws samples one call each', () => {
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL });
    expect(provider.specificationVersion).toBe('v1');
    expect(provider.id).toBe('anthropic');
    expect(provider.capabilities).toEqual({ logprobs: false, multipleSamples: false, structuredOutput: true });
  });

  it('builds its client with no SDK retries, a timeout, and the SDK spans off unless asked for', () => {
    const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL, timeoutMs: 1500.5 });
    expect(provider.client.maxRetries).toBe(0);
    expect(provider.client.timeout).toBe(1501);
    expect(provider.client.openTelemetry.traces.enabled).toBe(false);
    const traced = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL, openTelemetry: true });
    expect(traced.client.openTelemetry.traces.enabled).toBe(true);
  });

  it('reads the key from ANTHROPIC_API_KEY when none is passed', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', KEY);
    const provider = anthropicProvider({ baseURL: server.baseURL });
    await provider.generate(request(), call());
    expect(server.requests[0]?.authenticated).toBe(true);
  });

  it('uses an injected client, still with no retries: a 529 is one request, left to the engine', async () => {
    server.setScript([{ kind: 'error', status: 529 }, { text: 'late' }]);
    const client = new Anthropic({ apiKey: KEY, baseURL: server.baseURL, maxRetries: 3, logLevel: 'off' });
    const provider = anthropicProvider({ client });
    const error = await provider.generate(request(), call()).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error) && error.status).toBe(529);
    expect(server.requests).toHaveLength(1);
    expect(provider.client).toBe(client);
  });

  it('never shows the key: not in the provider, its errors, or the SDK debug log', async () => {
    server.setScript([{ kind: 'error', status: 500, message: `echo ${KEY}` }]);
    const lines: string[] = [];
    const capture = (...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    };
    const logger = { error: capture, warn: capture, info: capture, debug: capture };
    const client = new Anthropic({ apiKey: KEY, baseURL: server.baseURL, maxRetries: 0, logLevel: 'debug', logger });
    const provider = anthropicProvider({ client });
    const error = await provider.generate(request(), call()).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).not.toContain(KEY);
    expect((error as Error).message).toContain('[redacted]');
    expect(JSON.stringify(provider)).not.toContain(KEY);
    expect(lines.some((line) => line.includes('authorization'))).toBe(true);
    expect(lines.filter((line) => line.includes(KEY) && !line.includes('echo'))).toEqual([]);
    expect(JSON.stringify(server.requests)).not.toContain(KEY);
  });
});

describe('anthropicProvider options', () => {
  it('rejects a client together with apiKey, baseURL or openTelemetry, naming the field', () => {
    const client = new Anthropic({ apiKey: KEY });
    for (const field of ['apiKey', 'baseURL', 'openTelemetry'] as const) {
      const options = { client, [field]: field === 'openTelemetry' ? true : 'x' };
      expect(() => anthropicProvider(options)).toThrowError(
        expect.objectContaining({ code: 'CONFIG_INVALID', field }) as Error,
      );
    }
  });

  it('needs a key: from apiKey, ANTHROPIC_API_KEY, or a client', () => {
    vi.stubEnv('ANTHROPIC_API_KEY', '');
    let error: unknown;
    try {
      anthropicProvider({});
    } catch (thrown) {
      error = thrown;
    }
    expect(ConfigError.isInstance(error) && error.field).toBe('apiKey');
  });

  it.each([
    [{ apiKey: KEY, baseURL: 'not a url' }, 'baseURL'],
    [{ apiKey: KEY, baseURL: 'ftp://example.com' }, 'baseURL'],
    [{ apiKey: '  ' }, 'apiKey'],
    [{ apiKey: KEY, defaultMaxOutputTokens: 0 }, 'defaultMaxOutputTokens'],
    [{ apiKey: KEY, defaultMaxOutputTokens: 1.5 }, 'defaultMaxOutputTokens'],
    [{ apiKey: KEY, timeoutMs: 0 }, 'timeoutMs'],
    [{ apiKey: KEY, maxResponseBytes: -1 }, 'maxResponseBytes'],
    [{ apiKey: KEY, stream: 'yes' }, 'stream'],
    [{ apiKey: KEY, prices: { m: { inputPerMTok: 1 } } }, 'prices.m.outputPerMTok'],
    [{ apiKey: KEY, prices: { m: { inputPerMTok: -1, outputPerMTok: 1 } } }, 'prices.m.inputPerMTok'],
    [{ client: { messages: {} } }, 'client'],
  ])('rejects %j naming %s', (options, field) => {
    let error: unknown;
    try {
      anthropicProvider(options as never);
    } catch (thrown) {
      error = thrown;
    }
    expect(ConfigError.isInstance(error) && error.field).toBe(field);
  });
});
