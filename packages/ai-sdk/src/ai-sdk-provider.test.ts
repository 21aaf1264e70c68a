import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { CascadeExhaustedError, ConfigError, createCascade, type Gate, ProviderError } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { type OpenAIWireServer, startOpenAIWireServer, type WireScript } from '@llm-cascade/provider-openai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { aiSdkProvider } from './index.ts';

let server: OpenAIWireServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function localModel(script: WireScript, modelId = 'small-model', structured = false) {
  server = await startOpenAIWireServer({ script });
  const local = createOpenAICompatible({
    name: 'local',
    baseURL: server.baseURL,
    apiKey: 'test-key',
    includeUsage: true,
    supportsStructuredOutputs: structured,
  });
  return local.chatModel(modelId);
}

const signal = () => new AbortController().signal;

describe('aiSdkProvider over real HTTP (@ai-sdk/openai-compatible against a local wire server)', () => {
  it('maps messages, max tokens, temperature, text, finish reason, usage and cached tokens', async () => {
    const model = await localModel([
      {
        type: 'completion',
        text: 'Paris',
        model: 'small-model-2026',
        usage: { promptTokens: 20, completionTokens: 3, cachedTokens: 8 },
      },
    ]);
    const provider = aiSdkProvider({ model });
    expect(provider.id).toBe('local.chat');
    expect(provider.capabilities).toEqual({ logprobs: false, multipleSamples: false, structuredOutput: false });
    const generation = await provider.generate(
      {
        model: 'small-model',
        messages: [
          { role: 'system', content: 'Answer briefly.' },
          { role: 'user', content: 'Capital of France?' },
          { role: 'assistant', content: 'Lyon' },
          { role: 'user', content: 'Wrong, again.' },
        ],
        maxOutputTokens: 50,
        temperature: 0.2,
      },
      { signal: signal() },
    );
    expect(generation).toEqual({
      candidates: [{ text: 'Paris', finishReason: 'stop' }],
      usage: { inputTokens: 20, outputTokens: 3, cachedInputTokens: 8 },
      model: 'small-model-2026',
    });
    const body = server?.requests[0]?.body;
    expect(body?.messages).toEqual([
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'Capital of France?' },
      { role: 'assistant', content: 'Lyon' },
      { role: 'user', content: 'Wrong, again.' },
    ]);
    expect(body?.max_tokens).toBe(50);
    expect(body?.temperature).toBe(0.2);
    expect(body?.stream).not.toBe(true);
  });

  it('maps a length finish', async () => {
    const model = await localModel([{ type: 'completion', choices: [{ text: 'Par', finishReason: 'length' }] }]);
    const generation = await aiSdkProvider({ model }).generate(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      { signal: signal() },
    );
    expect(generation.candidates[0]?.finishReason).toBe('length');
  });

  it('sends the JSON schema only when structured output is declared', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
    const request = {
      model: 'm',
      messages: [{ role: 'user' as const, content: 'x' }],
      responseFormat: { type: 'json_schema' as const, schema, name: 'answer' },
    };
    const structured = aiSdkProvider({
      model: await localModel([{ type: 'completion', text: '{"answer":1}' }], 'm', true),
      structuredOutput: true,
    });
    expect(structured.capabilities.structuredOutput).toBe(true);
    await structured.generate(request, { signal: signal() });
    expect(server?.requests[0]?.body?.response_format).toEqual({
      type: 'json_schema',
      json_schema: { schema, name: 'answer', strict: expect.anything() },
    });
    await server?.close();
    const plain = aiSdkProvider({ model: await localModel([{ type: 'completion', text: '{"answer":1}' }]) });
    await plain.generate(request, { signal: signal() });
    expect(server?.requests[0]?.body?.response_format).toBeUndefined();
  });

  it.each([
    [429, 'rate-limit', true],
    [500, 'server', true],
    [503, 'server', true],
    [400, 'bad-request', false],
    [401, 'auth', false],
    [403, 'auth', false],
  ] as const)('classifies HTTP %i as %s (retryable: %s)', async (status, kind, retryable) => {
    const model = await localModel([
      { type: 'error', status, message: 'nope', headers: status === 429 ? { 'retry-after-ms': '1234' } : {} },
    ]);
    const error = await aiSdkProvider({ model })
      .generate({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { signal: signal() })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(ProviderError.isInstance(error)).toBe(true);
    const providerError = error as ProviderError;
    expect(providerError.kind).toBe(kind);
    expect(providerError.retryable).toBe(retryable);
    expect(providerError.status).toBe(status);
    if (status === 429) expect(providerError.retryAfterMs).toBe(1234);
    // One call per generate: doGenerate never retries on its own, the engine does.
    expect(server?.requests).toHaveLength(1);
  });

  it('classifies a refused connection as retryable', async () => {
    const model = await localModel([{ type: 'completion', text: 'x' }]);
    await server?.close();
    const error = await aiSdkProvider({ model })
      .generate({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { signal: signal() })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(ProviderError.isInstance(error)).toBe(true);
    expect((error as ProviderError).kind).toBe('connection');
    expect((error as ProviderError).retryable).toBe(true);
  });

  it('rethrows the caller abort, not a provider error, and closes the request', async () => {
    const model = await localModel([{ type: 'hang' }]);
    const controller = new AbortController();
    const pending = aiSdkProvider({ model }).generate(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      { signal: controller.signal },
    );
    await expect.poll(() => server?.requests.length).toBe(1);
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('reads logprobs only through a declared reader', async () => {
    const model = await localModel([{ type: 'completion', text: 'yes' }]);
    const provider = aiSdkProvider({
      model,
      readLogprobs: (result) => (result.content.length > 0 ? [{ token: 'yes', logprob: -0.1 }] : undefined),
      logprobsOptions: (top) => ({ local: { logprobs: true, top_logprobs: top ?? 0 } }),
    });
    expect(provider.capabilities.logprobs).toBe(true);
    const generation = await provider.generate(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      { signal: signal(), logprobs: true, topLogprobs: 2 },
    );
    expect(generation.candidates[0]?.logprobs).toEqual([{ token: 'yes', logprob: -0.1 }]);
  });

  it('rejects bad configuration with a ConfigError naming the field', () => {
    expect(() => aiSdkProvider({ model: {} as never })).toThrow(ConfigError);
    expect(() => aiSdkProvider({ model: { specificationVersion: 'v3', doGenerate() {} } as never })).toThrow(/'v3'/);
    const model = { specificationVersion: 'v4', provider: 'p', modelId: 'm', doGenerate() {} } as never;
    expect(() => aiSdkProvider({ model, strucuredOutput: true } as never)).toThrow(/strucuredOutput: unknown option/);
    expect(() => aiSdkProvider({ model, logprobsOptions: () => ({}) })).toThrow(/logprobsOptions/);
  });
});

describe('a three-tier cascade with an AI SDK model as the middle tier', () => {
  const answerIs42: Gate = {
    name: 'answer-is-42',
    evaluate: ({ candidate }) =>
      candidate.text.includes('42') ? { status: 'pass', reason: 'ok' } : { status: 'fail', reason: 'wrong-answer' },
  };

  it('escalates from a scripted tier to the AI SDK tier, which is retried by the engine after a 429', async () => {
    const model = await localModel(
      {
        'mid-model': [
          { type: 'error', status: 429, message: 'slow down', headers: { 'retry-after-ms': '10' } },
          { type: 'completion', text: 'It is 42.', usage: { promptTokens: 10, completionTokens: 4 } },
        ],
      },
      'mid-model',
    );
    const cheap = scriptedProvider({ script: [{ text: 'It is 41.' }] });
    const strong = scriptedProvider({ script: [{ text: 'It is 42.' }] });
    const price = { inputPerMTok: 1, outputPerMTok: 2 };
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider: cheap, model: 'small', price },
        { name: 'middle', provider: aiSdkProvider({ model }), model: 'mid-model', price },
        { name: 'large', provider: strong, model: 'large', price },
      ],
      gates: [answerIs42],
    });
    const result = await cascade.run({ prompt: 'What is six times seven?' });
    expect(result.tier).toBe('middle');
    expect(result.text).toBe('It is 42.');
    expect(result.attempts.map((attempt) => `${attempt.tier}:${attempt.outcome}`)).toEqual([
      'small:gate-failed',
      'middle:provider-error',
      'middle:accepted',
    ]);
    expect(server?.requests).toHaveLength(2);
    expect(strong.calls).toHaveLength(0);
    await cascade.close();
  });

  it('retries the AI SDK tier after the tier timeout cuts a hung request', async () => {
    const model = await localModel([{ type: 'hang' }, { type: 'completion', text: 'It is 42.' }], 'mid-model');
    const price = { inputPerMTok: 1, outputPerMTok: 1 };
    const cascade = createCascade({
      tiers: [
        { name: 'middle', provider: aiSdkProvider({ model }), model: 'mid-model', price, timeoutMs: 1_000, retries: 4 },
        { name: 'large', provider: scriptedProvider({ script: [{ text: 'It is 42.' }] }), model: 'large', price },
      ],
      gates: [answerIs42],
    });
    const result = await cascade.run({ prompt: 'q' });
    expect(result.tier).toBe('middle');
    // The first attempt hung and was cut by the timeout; a retry on the same tier answered (on a loaded
    // machine a later answer may also miss the timeout and be retried again, hence no exact count).
    expect(result.attempts[0]?.outcome).toBe('provider-error');
    expect(result.attempts[0]?.error?.message).toMatch(/time/i);
    expect(result.attempts.at(-1)?.outcome).toBe('accepted');
    await expect.poll(() => server?.requests[0]?.closedEarly).toBe(true);
    await cascade.close();
  });

  it('escalates past the AI SDK tier on a non-retryable 401 without retrying it', async () => {
    const model = await localModel([{ type: 'error', status: 401, message: 'bad key' }], 'mid-model');
    const cascade = createCascade({
      tiers: [
        {
          name: 'small',
          provider: scriptedProvider({ script: [{ text: 'no' }] }),
          model: 'small',
          price: { inputPerMTok: 1, outputPerMTok: 1 },
        },
        {
          name: 'middle',
          provider: aiSdkProvider({ model }),
          model: 'mid-model',
          price: { inputPerMTok: 1, outputPerMTok: 1 },
        },
        {
          name: 'large',
          provider: scriptedProvider({ script: [{ text: 'no' }] }),
          model: 'large',
          price: { inputPerMTok: 1, outputPerMTok: 1 },
        },
      ],
      gates: [answerIs42],
    });
    const error = await cascade.run({ prompt: 'q' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(CascadeExhaustedError.isInstance(error)).toBe(true);
    expect(server?.requests).toHaveLength(1);
    await cascade.close();
  });
});
