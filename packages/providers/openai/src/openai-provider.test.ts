import { ConfigError, type GenerateOptions, type ProviderRequest } from '@llm-cascade/core';
import { OpenAI } from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type OpenAIProviderOptions, openaiProvider, serverPresets } from './index.ts';
import { type OpenAIWireServer, startOpenAIWireServer, type WireScript } from './test.ts';

const servers: OpenAIWireServer[] = [];

async function serve(script: WireScript): Promise<OpenAIWireServer> {
  const server = await startOpenAIWireServer({ script });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  vi.unstubAllEnvs();
});

function providerFor(server: OpenAIWireServer, options: OpenAIProviderOptions = {}) {
  return openaiProvider({ apiKey: 'sk-test', baseURL: server.baseURL, ...options });
}

const request: ProviderRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Capital of France?' },
    { role: 'assistant', content: 'Lyon.' },
    { role: 'user', content: 'Wrong, try again.' },
  ],
};

function call(overrides: Partial<GenerateOptions> = {}): GenerateOptions {
  return { signal: new AbortController().signal, timeoutMs: 10_000, ...overrides };
}

describe('openaiProvider: building', () => {
  it('is a v1 provider named openai with every capability on by default', () => {
    const provider = openaiProvider({ apiKey: 'sk-test' });
    expect(provider.specificationVersion).toBe('v1');
    expect(provider.id).toBe('openai');
    expect(provider.capabilities).toEqual({ logprobs: true, multipleSamples: true, structuredOutput: true });
  });

  it('takes its id and capabilities from a server preset, and per-field overrides', () => {
    const provider = openaiProvider({
      apiKey: 'unused',
      baseURL: 'http://127.0.0.1:11434/v1',
      ...serverPresets.ollama,
      capabilities: { ...serverPresets.ollama.capabilities, logprobs: true },
    });
    expect(provider.id).toBe('ollama');
    expect(provider.capabilities).toEqual({ logprobs: true, multipleSamples: false, structuredOutput: true });
  });

  it('builds its client with maxRetries 0 and the timeout', () => {
    const provider = openaiProvider({ apiKey: 'sk-test', timeoutMs: 1234 });
    expect(provider.client.maxRetries).toBe(0);
    expect(provider.client.timeout).toBe(1234);
  });

  it('uses an injected client as is', () => {
    const client = new OpenAI({ apiKey: 'sk-injected', maxRetries: 0 });
    expect(openaiProvider({ client }).client).toBe(client);
  });

  it.each([
    ['apiKey', { apiKey: 'sk-other' }],
    ['baseURL', { baseURL: 'http://127.0.0.1:1/v1' }],
    ['maxResponseBytes', { maxResponseBytes: 1000 }],
    ['fetch', { fetch: globalThis.fetch }],
  ] as const)('rejects a client together with %s, naming the field', (field, extra) => {
    const client = new OpenAI({ apiKey: 'sk-injected' });
    const build = () => openaiProvider({ client, ...extra });
    expect(build).toThrow(ConfigError);
    try {
      build();
    } catch (error) {
      expect(ConfigError.isInstance(error) && error.field).toBe(field);
    }
  });

  it('reads OPENAI_API_KEY, and rejects a missing key when no client is given', async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    expect(() => openaiProvider({})).toThrow(/apiKey: is required/);

    vi.stubEnv('OPENAI_API_KEY', 'sk-from-env');
    const server = await serve([{ type: 'completion', text: 'Paris.' }]);
    await openaiProvider({ baseURL: server.baseURL }).generate(request, call());
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-from-env');
  });

  it.each([
    ['id', { id: '' }],
    ['apiKey', { apiKey: ' ' }],
    ['baseURL', { baseURL: 'not a url' }],
    ['baseURL', { baseURL: 'ftp://example.com/v1' }],
    ['stream', { stream: 'yes' }],
    ['maxTokensField', { maxTokensField: 'max_output_tokens' }],
    ['topLogprobs', { topLogprobs: 21 }],
    ['timeoutMs', { timeoutMs: 0 }],
    ['maxResponseBytes', { maxResponseBytes: 1.5 }],
    ['capabilities.logprobs', { capabilities: { logprobs: 'yes' } }],
    ['capabilities', { capabilities: [] }],
    ['prices', { prices: 'cheap' }],
    ["prices['m'].outputPerMTok", { prices: { m: { inputPerMTok: 1 } } }],
    ["prices['m'].inputPerMTok", { prices: { m: { inputPerMTok: -1, outputPerMTok: 1 } } }],
    ['missingUsage', { missingUsage: 'guess' }],
    ['client', { client: { chat: {} } }],
  ])('rejects a bad %s when built', (field, options) => {
    let caught: unknown;
    try {
      openaiProvider({ apiKey: 'sk-test', ...(options as OpenAIProviderOptions) });
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    expect((caught as ConfigError).field).toBe(field);
  });
});

describe('openaiProvider: the request on the wire', () => {
  it('sends model, messages, temperature, max_completion_tokens, n, logprobs and response_format', async () => {
    const server = await serve([{ type: 'completion', text: '{"city":"Paris"}' }]);
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    };
    await providerFor(server, { topLogprobs: 3 }).generate(
      {
        ...request,
        temperature: 0.2,
        maxOutputTokens: 64,
        responseFormat: { type: 'json_schema', name: 'city', schema, strict: true },
        metadata: { tenant: 'acme' },
        requestId: 'r1',
      },
      call({ samples: 3, logprobs: true }),
    );
    const received = server.requests[0];
    expect(received?.path).toBe('/v1/chat/completions');
    expect(received?.headers.authorization).toBe('Bearer sk-test');
    // Exactly these fields: no metadata, request id or SDK defaults leak onto the wire.
    expect(received?.body).toEqual({
      model: 'gpt-4o-mini',
      messages: request.messages,
      temperature: 0.2,
      max_completion_tokens: 64,
      n: 3,
      logprobs: true,
      top_logprobs: 3,
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } },
    });
  });

  it('sends only model and messages for a plain request', async () => {
    const server = await serve([{ type: 'completion', text: 'Paris.' }]);
    await providerFor(server).generate(request, call());
    expect(server.requests[0]?.body).toEqual({ model: 'gpt-4o-mini', messages: request.messages });
  });

  it('sends the request id in a header only when asked to', async () => {
    const server = await serve([{ type: 'completion', text: 'Paris.' }]);
    await providerFor(server).generate({ ...request, requestId: 'doc-7' }, call());
    await providerFor(server, { requestIdHeader: 'x-cascade-request-id' }).generate(
      { ...request, requestId: 'doc-7' },
      call(),
    );
    expect(server.requests[0]?.headers['x-cascade-request-id']).toBeUndefined();
    expect(server.requests[1]?.headers['x-cascade-request-id']).toBe('doc-7');
    expect(() => openaiProvider({ apiKey: 'k', requestIdHeader: ' ' })).toThrow(/requestIdHeader/);
  });

  it('names the schema `response` and leaves strict out when the format does not set them', async () => {
    const server = await serve([{ type: 'completion', text: '{}' }]);
    await providerFor(server).generate(
      { ...request, responseFormat: { type: 'json_schema', schema: { type: 'object' } } },
      call(),
    );
    expect(server.requests[0]?.body?.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema: { type: 'object' } },
    });
  });

  it('sends max_tokens instead for older servers', async () => {
    const server = await serve([{ type: 'completion', text: 'Paris.' }]);
    await providerFor(server, { maxTokensField: 'max_tokens' }).generate({ ...request, maxOutputTokens: 50 }, call());
    expect(server.requests[0]?.body).toEqual({ model: 'gpt-4o-mini', messages: request.messages, max_tokens: 50 });
  });

  it('leaves out n, logprobs and response_format the server was declared not to support', async () => {
    const server = await serve([{ type: 'completion', text: 'Paris.' }]);
    const provider = providerFor(server, {
      capabilities: { logprobs: false, multipleSamples: false, structuredOutput: false },
    });
    await provider.generate(
      { ...request, responseFormat: { type: 'json_schema', schema: { type: 'object' } } },
      call({ samples: 4, logprobs: true, topLogprobs: 2 }),
    );
    expect(server.requests[0]?.body).toEqual({ model: 'gpt-4o-mini', messages: request.messages });
  });

  it('asks for a stream with usage in the last chunk when streaming', async () => {
    const server = await serve([{ type: 'completion', text: 'Paris.' }]);
    await providerFor(server, { stream: true }).generate({ ...request, maxOutputTokens: 10 }, call({ samples: 2 }));
    expect(server.requests[0]?.body).toEqual({
      model: 'gpt-4o-mini',
      messages: request.messages,
      max_completion_tokens: 10,
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});

describe('openaiProvider: the answer', () => {
  it('maps n choices in index order, usage with cached tokens, and the answering model', async () => {
    const server = await serve([
      {
        type: 'completion',
        model: 'gpt-4o-mini-2024-07-18',
        // Out of order on purpose: candidates follow `index`.
        choices: [
          { index: 2, text: 'Paris!' },
          { index: 0, text: 'Paris.' },
          { index: 1, text: 'It is Paris.', finishReason: 'length' },
        ],
        usage: { promptTokens: 30, completionTokens: 9, cachedTokens: 12 },
      },
    ]);
    const generation = await providerFor(server).generate(request, call({ samples: 3 }));
    expect(generation).toEqual({
      candidates: [
        { text: 'Paris.', finishReason: 'stop' },
        { text: 'It is Paris.', finishReason: 'length' },
        { text: 'Paris!', finishReason: 'stop' },
      ],
      usage: { inputTokens: 30, outputTokens: 9, cachedInputTokens: 12 },
      model: 'gpt-4o-mini-2024-07-18',
    });
  });

  it('maps per-token logprobs with their top alternatives', async () => {
    const server = await serve([
      {
        type: 'completion',
        choices: [
          {
            tokens: [
              {
                token: 'Par',
                logprob: -0.01,
                topLogprobs: [
                  { token: 'Par', logprob: -0.01 },
                  { token: 'Ly', logprob: -4.6 },
                ],
              },
              {
                token: 'is',
                logprob: -0.001,
                topLogprobs: [
                  { token: 'is', logprob: -0.001 },
                  { token: 'ma', logprob: -7 },
                ],
              },
            ],
          },
        ],
      },
    ]);
    const generation = await providerFor(server).generate(request, call({ logprobs: true, topLogprobs: 2 }));
    expect(generation.candidates[0]).toEqual({
      text: 'Paris',
      finishReason: 'stop',
      logprobs: [
        {
          token: 'Par',
          logprob: -0.01,
          topLogprobs: [
            { token: 'Par', logprob: -0.01 },
            { token: 'Ly', logprob: -4.6 },
          ],
        },
        {
          token: 'is',
          logprob: -0.001,
          topLogprobs: [
            { token: 'is', logprob: -0.001 },
            { token: 'ma', logprob: -7 },
          ],
        },
      ],
    });
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['content_filter', 'content_filter'],
    ['tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls'],
    ['eos_token', 'other'],
  ])('maps finish_reason %s to %s', async (wire, mapped) => {
    const server = await serve([{ type: 'completion', choices: [{ text: 'x', finishReason: wire }] }]);
    const generation = await providerFor(server).generate(request, call());
    expect(generation.candidates[0]?.finishReason).toBe(mapped);
  });

  it('reports a refusal (null content with message.refusal) as a refusal, not an error', async () => {
    const server = await serve([{ type: 'completion', choices: [{ text: null, refusal: "I can't help with that." }] }]);
    const generation = await providerFor(server).generate(request, call());
    expect(generation.candidates).toEqual([{ text: '', finishReason: 'stop', refusal: "I can't help with that." }]);
  });

  it('keeps null content cut by the output cap as an empty, length-finished answer for the gates', async () => {
    const server = await serve([{ type: 'completion', choices: [{ text: null, finishReason: 'length' }] }]);
    const generation = await providerFor(server).generate(request, call());
    expect(generation.candidates).toEqual([{ text: '', finishReason: 'length' }]);
  });

  it('returns the choices a server sent when it ignored n', async () => {
    const server = await serve([{ type: 'completion', choices: [{ text: 'Paris.' }] }]);
    const generation = await providerFor(server).generate(request, call({ samples: 5 }));
    expect(server.requests[0]?.body?.n).toBe(5);
    expect(generation.candidates.map((c) => c.text)).toEqual(['Paris.']);
  });

  it('estimates usage for a server that reports none, when told to', async () => {
    const server = await serve([{ type: 'completion', text: 'Paris is the capital.', usage: null }]);
    const generation = await providerFor(server, { missingUsage: 'estimate' }).generate(request, call());
    expect(generation.usage.outputTokens).toBe(Math.ceil('Paris is the capital.'.length / 4));
    expect(generation.usage.inputTokens).toBeGreaterThan(0);
  });
});

describe('openaiProvider: prices', () => {
  it('prices OpenAI models, dated snapshots by their base name', () => {
    const provider = openaiProvider({ apiKey: 'sk-test' });
    expect(provider.priceFor('gpt-4o-mini')).toEqual({
      inputPerMTok: 0.15,
      cachedInputPerMTok: 0.075,
      outputPerMTok: 0.6,
    });
    expect(provider.priceFor('gpt-4o-mini-2024-07-18')).toEqual(provider.priceFor('gpt-4o-mini'));
    expect(provider.priceFor('gpt-4o-2024-05-13')).toEqual({ inputPerMTok: 5, outputPerMTok: 15 });
    expect(provider.priceFor('gpt-4o-2024-08-06')).toEqual(provider.priceFor('gpt-4o'));
    expect(provider.priceFor('gpt-4o-mini-latest')).toBeUndefined();
    expect(provider.priceFor('my-finetune')).toBeUndefined();
  });

  it('uses the prices passed in instead of the table', () => {
    const provider = openaiProvider({
      apiKey: 'sk-test',
      prices: { 'my-model': { inputPerMTok: 1, outputPerMTok: 2 } },
    });
    expect(provider.priceFor('my-model')).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
    expect(provider.priceFor('gpt-4o-mini')).toBeUndefined();
  });

  it('knows no prices for another server unless given some', () => {
    const provider = openaiProvider({ apiKey: 'unused', ...serverPresets.vllm, baseURL: 'http://127.0.0.1:8000/v1' });
    expect(provider.priceFor('gpt-4o-mini')).toBeUndefined();
  });
});
