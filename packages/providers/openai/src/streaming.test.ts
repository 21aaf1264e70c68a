import { type GenerateOptions, ProviderError, type ProviderRequest } from '@llm-cascade/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpenAIProviderOptions, openaiProvider } from './index.ts';
import { type CompletionReply, type OpenAIWireServer, startOpenAIWireServer, type WireScript } from './test.ts';

const servers: OpenAIWireServer[] = [];

async function serve(script: WireScript): Promise<OpenAIWireServer> {
  const server = await startOpenAIWireServer({ script });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function streaming(server: OpenAIWireServer, options: OpenAIProviderOptions = {}) {
  return openaiProvider({ apiKey: 'sk-test', baseURL: server.baseURL, stream: true, ...options });
}

const request: ProviderRequest = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Name a prime.' }] };

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

const threeChoices: CompletionReply = {
  type: 'completion',
  model: 'gpt-4.1-mini-2025-04-14',
  choices: [
    {
      tokens: [
        {
          token: 'Seven',
          logprob: -0.2,
          topLogprobs: [
            { token: 'Seven', logprob: -0.2 },
            { token: 'Five', logprob: -1.9 },
          ],
        },
        { token: ' is', logprob: -0.01, topLogprobs: [{ token: ' is', logprob: -0.01 }] },
        { token: ' prime.', logprob: -0.05, topLogprobs: [{ token: ' prime.', logprob: -0.05 }] },
      ],
    },
    {
      tokens: [
        { token: 'Two', logprob: -1.1 },
        { token: '.', logprob: -0.3 },
      ],
    },
    { tokens: [{ token: '13', logprob: -2.5 }], finishReason: 'length' },
  ],
  usage: { promptTokens: 11, completionTokens: 6, cachedTokens: 0 },
};

describe('openaiProvider: streaming', () => {
  it('assembles per-index deltas, per-token logprobs and the usage chunk into the same Generation', async () => {
    const server = await serve([threeChoices, threeChoices]);
    const options = call({ samples: 3, logprobs: true, topLogprobs: 2 });
    const streamed = await streaming(server).generate(request, options);
    const whole = await streaming(server, { stream: false }).generate(request, options);

    expect(server.requests.map((r) => r.body?.stream)).toEqual([true, undefined]);
    expect(streamed).toEqual(whole);
    expect(streamed).toEqual({
      candidates: [
        {
          text: 'Seven is prime.',
          finishReason: 'stop',
          logprobs: [
            {
              token: 'Seven',
              logprob: -0.2,
              topLogprobs: [
                { token: 'Seven', logprob: -0.2 },
                { token: 'Five', logprob: -1.9 },
              ],
            },
            { token: ' is', logprob: -0.01, topLogprobs: [{ token: ' is', logprob: -0.01 }] },
            { token: ' prime.', logprob: -0.05, topLogprobs: [{ token: ' prime.', logprob: -0.05 }] },
          ],
        },
        {
          text: 'Two.',
          finishReason: 'stop',
          logprobs: [
            { token: 'Two', logprob: -1.1 },
            { token: '.', logprob: -0.3 },
          ],
        },
        { text: '13', finishReason: 'length', logprobs: [{ token: '13', logprob: -2.5 }] },
      ],
      usage: { inputTokens: 11, outputTokens: 6 },
      model: 'gpt-4.1-mini-2025-04-14',
    });
  });

  it('streams a refusal into Candidate.refusal', async () => {
    const server = await serve([{ type: 'completion', choices: [{ text: null, refusal: "I can't help with that." }] }]);
    const generation = await streaming(server).generate(request, call());
    expect(generation.candidates).toEqual([{ text: '', finishReason: 'stop', refusal: "I can't help with that." }]);
  });

  it('fails a stream whose connection is reset mid-way: retryable, never a partial answer', async () => {
    const server = await serve([{ ...threeChoices, cut: { afterEvents: 5, how: 'destroy' } }]);
    const error = await failure(streaming(server).generate(request, call({ samples: 3 })));
    expect(error.kind).toBe('malformed-response');
    expect(error.retryable).toBe(true);
    expect(error.providerId).toBe('openai');
    expect(error.model).toBe('gpt-4.1-mini');
  });

  it('fails a stream that ends cleanly before every choice finished', async () => {
    const server = await serve([{ ...threeChoices, cut: { afterEvents: 6, how: 'end' } }]);
    const error = await failure(streaming(server).generate(request, call({ samples: 3 })));
    expect(error.kind).toBe('malformed-response');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/ended before choice \d finished/);
  });

  it('fails a stream with no finish_reason even when it ends with [DONE]', async () => {
    const server = await serve([{ type: 'completion', choices: [{ text: 'Seven', finishReason: null }] }]);
    const error = await failure(streaming(server).generate(request, call()));
    expect(error.message).toMatch(/no finish_reason/);
    expect(error.retryable).toBe(true);
  });

  it('fails a stream that carries no chunks at all', async () => {
    const server = await serve([{ type: 'raw', contentType: 'text/event-stream', body: 'data: [DONE]\n\n' }]);
    const error = await failure(streaming(server).generate(request, call()));
    expect(error.kind).toBe('malformed-response');
    expect(error.message).toMatch(/before its first chunk/);
  });

  it('fails an event that is not JSON', async () => {
    const server = await serve([{ type: 'raw', contentType: 'text/event-stream', body: 'data: {"choices": [\n\n' }]);
    const error = await failure(streaming(server).generate(request, call()));
    expect(error.kind).toBe('malformed-response');
    expect(error.retryable).toBe(true);
  });

  it('classifies an error event sent inside the stream', async () => {
    const event = {
      error: { message: 'Rate limit reached for gpt-4.1-mini', type: 'requests', code: 'rate_limit_exceeded' },
    };
    const server = await serve([
      { type: 'raw', contentType: 'text/event-stream', body: `data: ${JSON.stringify(event)}\n\n` },
    ]);
    const error = await failure(streaming(server).generate(request, call()));
    expect(error.kind).toBe('rate-limit');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/Rate limit reached/);
  });

  it('fails a stream without usage unless told to estimate', async () => {
    const server = await serve([{ type: 'completion', text: 'Seven is prime.', usage: null }]);
    const error = await failure(streaming(server).generate(request, call()));
    expect(error.message).toMatch(/no token usage/);
    expect(error.retryable).toBe(false);
    const generation = await streaming(server, { missingUsage: 'estimate' }).generate(request, call());
    expect(generation.usage.outputTokens).toBe(Math.ceil('Seven is prime.'.length / 4));
  });

  it('rejects with the signal reason when aborted mid-stream, and the HTTP request is really closed', async () => {
    const server = await serve([
      { type: 'completion', text: 'one two three four five six seven eight', eventDelayMs: 50 },
    ]);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const work = streaming(server).generate(request, call({ signal: controller.signal }));
    // Abort once the stream is flowing (the server has received the request).
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 60));
    controller.abort(reason);
    await expect(work).rejects.toBe(reason);
    while (!server.requests[0]?.closedEarly) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.requests[0]?.closedEarly).toBe(true);
  });

  it('times out a stream that keeps going past the call timeout, and closes the request', async () => {
    const server = await serve([
      { type: 'completion', text: 'one two three four five six seven eight', eventDelayMs: 40 },
    ]);
    const error = await failure(streaming(server).generate(request, call({ timeoutMs: 150 })));
    expect(error.kind).toBe('timeout');
    expect(error.retryable).toBe(true);
    while (!server.requests[0]?.closedEarly) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.requests[0]?.closedEarly).toBe(true);
  });

  it('counts streamed bytes against the size cap', async () => {
    const server = await serve([{ type: 'completion', text: 'word '.repeat(2000) }]);
    const error = await failure(streaming(server, { maxResponseBytes: 4096 }).generate(request, call()));
    expect(error.kind).toBe('malformed-response');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/4096-byte cap/);
  });
});
