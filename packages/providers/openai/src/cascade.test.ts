import {
  AbortError,
  type CascadeEvent,
  costOf,
  createCascade,
  type Gate,
  type GateResult,
  ProviderError,
} from '@llm-cascade/core';
import { afterEach, describe, expect, it } from 'vitest';
import { openaiProvider } from './index.ts';
import { type OpenAIWireServer, startOpenAIWireServer, type WireScript } from './test.ts';

// End to end: the engine drives the real `openai` client over HTTP against the local wire server.

const servers: OpenAIWireServer[] = [];

async function serve(script: WireScript): Promise<OpenAIWireServer> {
  const server = await startOpenAIWireServer({ script });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const says42: Gate = {
  name: 'says-42',
  evaluate: ({ candidate }): GateResult =>
    /\b42\b/.test(candidate.text) ? { status: 'pass', reason: 'ok' } : { status: 'fail', reason: 'wrong-answer' },
};

/** Passes when at least 2 of the 3 samples agree, and carries the voted answer forward. */
const majority: Gate = {
  name: 'majority',
  requires: { samples: 3 },
  evaluate: ({ candidates }): GateResult => {
    const counts = new Map<string, number>();
    for (const candidate of candidates) counts.set(candidate.text.trim(), (counts.get(candidate.text.trim()) ?? 0) + 1);
    const [answer, votes] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    return votes >= 2
      ? { status: 'pass', reason: 'ok', score: votes / candidates.length, value: answer }
      : {
          status: 'fail',
          reason: 'no-majority',
          score: votes / Math.max(1, candidates.length),
          details: { samples: candidates.length },
        };
  },
};

const prompt = { prompt: 'What is six times seven?' };

describe('createCascade over HTTP with the openai provider', () => {
  it('escalates past a failed gate, retries a 429 after its Retry-After, and accepts at the top', async () => {
    const server = await serve({
      'gpt-4.1-nano': [{ type: 'completion', text: 'It is 41.', usage: { promptTokens: 20, completionTokens: 4 } }],
      'gpt-4.1-mini': [
        { type: 'error', status: 429, message: 'Rate limit reached', headers: { 'retry-after-ms': '20' } },
        { type: 'completion', text: 'It is 40.', usage: { promptTokens: 20, completionTokens: 4 } },
      ],
      'gpt-4.1': [
        {
          type: 'completion',
          text: 'It is 42.',
          model: 'gpt-4.1-2025-04-14',
          usage: { promptTokens: 20, completionTokens: 4, cachedTokens: 16 },
        },
      ],
    });
    const provider = openaiProvider({ apiKey: 'sk-test', baseURL: server.baseURL });
    const events: CascadeEvent[] = [];
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 'gpt-4.1-nano', repairs: 0 },
        { name: 'medium', provider, model: 'gpt-4.1-mini', repairs: 0 },
        { name: 'large', provider, model: 'gpt-4.1', repairs: 0 },
      ],
      gates: [says42],
      // Backoff jitter capped below the Retry-After, so the wait is exactly what the server asked for.
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      onEvent: (event) => events.push(event),
    });

    const result = await cascade.run(prompt);

    expect(result.accepted).toBe(true);
    expect(result.tier).toBe('large');
    expect(result.text).toBe('It is 42.');
    expect(result.model).toBe('gpt-4.1-2025-04-14');
    expect(result.escalations).toBe(2);
    expect(result.attempts.map((a) => [a.tier, a.kind, a.outcome])).toEqual([
      ['small', 'first', 'gate-failed'],
      ['medium', 'escalation', 'provider-error'],
      ['medium', 'retry', 'gate-failed'],
      ['large', 'escalation', 'accepted'],
    ]);
    const rateLimit = result.attempts[1]?.error;
    expect(ProviderError.isInstance(rateLimit) && [rateLimit.kind, rateLimit.status, rateLimit.retryAfterMs]).toEqual([
      'rate-limit',
      429,
      20,
    ]);
    const retries = events.filter((event) => event.type === 'retry');
    expect(retries.map((event) => event.delayMs)).toEqual([20]);
    // Every call went over HTTP, once each: no hidden SDK retries.
    expect(server.requests.map((r) => r.body?.model)).toEqual([
      'gpt-4.1-nano',
      'gpt-4.1-mini',
      'gpt-4.1-mini',
      'gpt-4.1',
    ]);
    expect(server.requests.every((r) => r.body?.messages?.[0]?.content === prompt.prompt)).toBe(true);
    // Priced from the provider's table: nothing was configured per tier.
    const expected =
      costOf({ inputTokens: 20, outputTokens: 4 }, provider.priceFor('gpt-4.1-nano')!) +
      costOf({ inputTokens: 20, outputTokens: 4 }, provider.priceFor('gpt-4.1-mini')!) +
      costOf({ inputTokens: 20, outputTokens: 4, cachedInputTokens: 16 }, provider.priceFor('gpt-4.1')!);
    expect(result.costUsd).toBeCloseTo(expected, 12);
    expect(result.usage).toEqual({ inputTokens: 60, outputTokens: 12, cachedInputTokens: 16 });
  });

  it('asks for n samples in one streamed call per tier for a gate that needs them', async () => {
    const server = await serve({
      'gpt-4.1-nano': [
        {
          type: 'completion',
          choices: [{ text: '42' }, { text: '48' }, { text: '36' }],
          usage: { promptTokens: 12, completionTokens: 3 },
        },
      ],
      'gpt-4.1-mini': [
        {
          type: 'completion',
          choices: [{ text: '42' }, { text: '42' }, { text: '24' }],
          usage: { promptTokens: 12, completionTokens: 3 },
        },
      ],
      'gpt-4.1': [{ type: 'completion', text: '42' }],
    });
    const provider = openaiProvider({ apiKey: 'sk-test', baseURL: server.baseURL, stream: true });
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 'gpt-4.1-nano', repairs: 0, maxOutputTokens: 8 },
        { name: 'medium', provider, model: 'gpt-4.1-mini', repairs: 0, maxOutputTokens: 8 },
        { name: 'large', provider, model: 'gpt-4.1', repairs: 0, maxOutputTokens: 8 },
      ],
      gates: [majority],
    });

    const result = await cascade.run(prompt);

    expect(result.tier).toBe('medium');
    expect(result.value).toBe('42');
    expect(result.attempts.map((a) => [a.outcome, a.candidates.length, a.calls])).toEqual([
      ['gate-failed', 3, 1],
      ['accepted', 3, 1],
    ]);
    expect(server.requests.map((r) => r.body)).toEqual(
      ['gpt-4.1-nano', 'gpt-4.1-mini'].map((model) => ({
        model,
        messages: [{ role: 'user', content: prompt.prompt }],
        max_completion_tokens: 8,
        n: 3,
        stream: true,
        stream_options: { include_usage: true },
      })),
    );
  });

  it('tops up with single calls when a server ignores n', async () => {
    // An Ollama-like server: declared able to sample (wrongly), but answers one choice a call.
    const answers = ['42', '41', '42'];
    let next = 0;
    const server = await serve(() => ({ type: 'completion', choices: [{ text: answers[next++ % 3] ?? '' }] }));
    const provider = openaiProvider({
      apiKey: 'sk-test',
      baseURL: server.baseURL,
      prices: { local: { inputPerMTok: 0, outputPerMTok: 0 } },
    });
    const cascade = createCascade({
      tiers: [{ name: 'local', provider, model: 'local', repairs: 0 }],
      gates: [majority],
    });

    const result = await cascade.run(prompt);

    expect(result.value).toBe('42');
    expect(result.attempts[0]?.calls).toBe(3);
    expect(server.requests.map((r) => r.body?.n)).toEqual([3, undefined, undefined]);
  });

  it('sends logprobs: true for a gate that reads them, and hands the gate real token logprobs', async () => {
    const server = await serve([
      {
        type: 'completion',
        choices: [
          {
            tokens: [
              { token: '4', logprob: -0.02 },
              { token: '2', logprob: -0.01 },
            ],
          },
        ],
      },
    ]);
    const provider = openaiProvider({ apiKey: 'sk-test', baseURL: server.baseURL });
    const confident: Gate = {
      name: 'confident',
      requires: { logprobs: true },
      evaluate: ({ candidate }) => {
        const logprobs = candidate.logprobs ?? [];
        const mean = logprobs.reduce((sum, t) => sum + t.logprob, 0) / Math.max(1, logprobs.length);
        return logprobs.length > 0 && mean > -0.1
          ? { status: 'pass', reason: 'ok', score: Math.exp(mean) }
          : { status: 'fail', reason: 'low-confidence' };
      },
    };
    const cascade = createCascade({ tiers: [{ name: 'only', provider, model: 'gpt-4o-mini' }], gates: [confident] });

    const result = await cascade.run(prompt);

    expect(result.text).toBe('42');
    expect(result.attempts[0]?.gates.at(-1)).toMatchObject({ name: 'confident', status: 'pass' });
    expect(server.requests[0]?.body?.logprobs).toBe(true);
  });

  it('aborts a hung HTTP call when the run is aborted', async () => {
    const server = await serve([{ type: 'hang' }]);
    const provider = openaiProvider({ apiKey: 'sk-test', baseURL: server.baseURL });
    const cascade = createCascade({ tiers: [{ name: 'only', provider, model: 'gpt-4o-mini', timeoutMs: 60_000 }] });
    const controller = new AbortController();

    const run = cascade.run(prompt, { signal: controller.signal });
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('user left'));

    await expect(run).rejects.toSatisfy((error) => AbortError.isInstance(error));
    while (!server.requests[0]?.closedEarly) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.requests).toHaveLength(1);
  });

  it('escalates when a tier times out over HTTP', async () => {
    const server = await serve({
      'gpt-4.1-nano': [{ type: 'hang' }],
      'gpt-4.1-mini': [{ type: 'completion', text: 'It is 42.' }],
    });
    const provider = openaiProvider({ apiKey: 'sk-test', baseURL: server.baseURL });
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 'gpt-4.1-nano', timeoutMs: 100, retries: 0 },
        { name: 'medium', provider, model: 'gpt-4.1-mini' },
      ],
      gates: [says42],
    });

    const result = await cascade.run(prompt);

    expect(result.tier).toBe('medium');
    const timeout = result.attempts[0]?.error;
    expect(ProviderError.isInstance(timeout) && [timeout.kind, timeout.retryable]).toEqual(['timeout', true]);
  });
});
