import {
  AbortError,
  type CascadeOptions,
  ConfigError,
  costOf,
  createCascade,
  type Gate,
  ProviderError,
} from '@llm-cascade/core';
import { scriptedGate } from '@llm-cascade/core/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anthropicPrices, anthropicProvider } from './index.ts';
import { type AnthropicWireServer, startAnthropicWireServer } from './test.ts';

const KEY = 'sk-ant-test-cascade-0123456789';
const HAIKU = 'claude-haiku-4-5';
const SONNET = 'claude-sonnet-4-20250514';
const OPUS = 'claude-opus-4-5';

let server: AnthropicWireServer;
beforeEach(async () => {
  server = await startAnthropicWireServer({ apiKey: KEY });
});
afterEach(async () => {
  await server.close();
});

/** Passes an answer that is a number. */
const numeric = scriptedGate({
  name: 'numeric',
  results: (context) =>
    /^\d+$/.test(context.candidate.text.trim())
      ? { status: 'pass', reason: 'ok', value: Number(context.candidate.text) }
      : { status: 'fail', reason: 'not-a-number' },
});

function ladder(options: { stream?: boolean; gates?: readonly Gate[]; strict?: boolean } = {}): CascadeOptions {
  const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL, stream: options.stream ?? false });
  return {
    name: 'anthropic-e2e',
    tiers: [
      { name: 'haiku', provider, model: HAIKU, repairs: 0 },
      { name: 'sonnet', provider, model: SONNET, repairs: 0 },
      { name: 'opus', provider, model: OPUS, repairs: 0 },
    ],
    gates: options.gates ?? [numeric],
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...(options.strict === undefined ? {} : { strict: options.strict }),
  };
}

describe('a three-tier Anthropic cascade over HTTP', () => {
  it('escalates when the first tier fails a gate, and prices each attempt from the published table', async () => {
    server.setScript({
      [HAIKU]: [{ text: 'forty-two', usage: { input_tokens: 30, output_tokens: 4 } }],
      [SONNET]: [{ text: '42', usage: { input_tokens: 30, output_tokens: 2 } }],
    });
    const cascade = createCascade(ladder());
    const result = await cascade.run({ system: 'Answer with digits only.', prompt: 'What is 6 x 7?' });
    expect(result).toMatchObject({ accepted: true, tier: 'sonnet', value: 42, text: '42', escalations: 1 });
    expect(result.attempts.map((a) => [a.tier, a.outcome, a.failedGate])).toEqual([
      ['haiku', 'gate-failed', 'numeric'],
      ['sonnet', 'accepted', undefined],
    ]);
    expect(server.requests.map((r) => r.model)).toEqual([HAIKU, SONNET]);
    expect(server.requests[0]?.body).toMatchObject({ system: 'Answer with digits only.', max_tokens: 1024 });
    const haikuPrice = anthropicPrices.models['claude-haiku-4-5'];
    const sonnetPrice = anthropicPrices.models['claude-sonnet-4'];
    if (haikuPrice === undefined || sonnetPrice === undefined) throw new Error('price table lost a model');
    expect(result.attempts[0]?.costUsd).toBeCloseTo(costOf({ inputTokens: 30, outputTokens: 4 }, haikuPrice), 12);
    expect(result.costUsd).toBeCloseTo(
      costOf({ inputTokens: 30, outputTokens: 4 }, haikuPrice) +
        costOf({ inputTokens: 30, outputTokens: 2 }, sonnetPrice),
      12,
    );
  });

  it('retries a 529 overloaded in the engine (not the SDK), honouring retry-after-ms, then succeeds', async () => {
    server.setScript({
      [HAIKU]: [{ kind: 'error', status: 529, headers: { 'retry-after-ms': '5' } }, { text: '7' }],
    });
    const cascade = createCascade(ladder());
    const result = await cascade.run({ prompt: 'A prime below 10?' });
    expect(result).toMatchObject({ accepted: true, tier: 'haiku', value: 7, escalations: 0 });
    expect(result.attempts.map((a) => [a.kind, a.outcome])).toEqual([
      ['first', 'provider-error'],
      ['retry', 'accepted'],
    ]);
    const error = result.attempts[0]?.error;
    expect(ProviderError.isInstance(error) && [error.kind, error.status, error.retryAfterMs]).toEqual([
      'server',
      529,
      5,
    ]);
    expect(server.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '0']);
  });

  it('escalates after a non-retryable 400 without retrying it', async () => {
    server.setScript({
      [HAIKU]: [{ kind: 'error', status: 400, message: 'prompt too long' }],
      [SONNET]: [{ text: '3' }],
    });
    const result = await createCascade(ladder()).run({ prompt: 'A prime?' });
    expect(result.tier).toBe('sonnet');
    expect(server.requests.map((r) => r.model)).toEqual([HAIKU, SONNET]);
  });

  it('draws the 3 samples a gate requires as 3 HTTP calls (Anthropic has no n)', async () => {
    server.setScript({ [HAIKU]: [{ text: '5' }, { text: '5' }, { text: '7' }] });
    const vote = scriptedGate({
      name: 'vote',
      requires: { samples: 3 },
      results: (context) =>
        context.candidates.length === 3
          ? { status: 'pass', reason: 'ok', value: context.candidates.map((c) => c.text).join(',') }
          : { status: 'fail', reason: 'too-few-samples' },
    });
    const result = await createCascade(ladder({ gates: [vote] })).run({ prompt: 'A prime below 10?' });
    expect(result.tier).toBe('haiku');
    expect(result.attempts[0]?.calls).toBe(3);
    expect(result.attempts[0]?.candidates).toHaveLength(3);
    expect((result.value as string).split(',').sort()).toEqual(['5', '5', '7']);
    expect(server.requests.filter((r) => r.model === HAIKU)).toHaveLength(3);
    expect(server.requests.every((r) => r.body?.n === undefined)).toBe(true);
  });

  it('reports a logprob gate as skipped on every Anthropic tier, and strict mode refuses to build', async () => {
    const confidence = scriptedGate({
      name: 'confidence',
      requires: { logprobs: true },
      results: [{ status: 'fail', reason: 'should never run' }],
    });
    server.setScript([{ text: '2' }]);
    const result = await createCascade(ladder({ gates: [confidence, numeric] })).run({ prompt: 'A prime?' });
    expect(result.tier).toBe('haiku');
    const record = result.attempts[0]?.gates.find((g) => g.name === 'confidence');
    expect(record).toMatchObject({ status: 'skipped' });
    expect(record?.reason).toMatch(/logprobs/);
    expect(confidence.contexts).toHaveLength(0);
    expect(server.requests[0]?.body).not.toHaveProperty('logprobs');

    let error: unknown;
    try {
      createCascade(ladder({ gates: [confidence], strict: true }));
    } catch (thrown) {
      error = thrown;
    }
    expect(ConfigError.isInstance(error) && error.field).toBe('gates[0]');
    expect((error as Error).message).toMatch(/logprobs/);
  });

  it('with streaming, a stream cut before message_stop is retried, then escalated, never accepted', async () => {
    server.setScript({
      [HAIKU]: [{ text: '11', cut: 'no-message-stop' }],
      [SONNET]: [{ text: '13' }],
    });
    const result = await createCascade(ladder({ stream: true })).run({ prompt: 'A prime above 10?' });
    expect(result).toMatchObject({ tier: 'sonnet', value: 13 });
    // First call and the default two retries on haiku, all cut; then sonnet.
    expect(result.attempts.map((a) => [a.tier, a.outcome])).toEqual([
      ['haiku', 'provider-error'],
      ['haiku', 'provider-error'],
      ['haiku', 'provider-error'],
      ['sonnet', 'accepted'],
    ]);
    expect(result.attempts[0]?.error).toMatchObject({ kind: 'malformed-response', retryable: true });
    expect(server.requests.every((r) => r.stream)).toBe(true);
  });

  it('ends the run as aborted, closing the HTTP request, when the caller aborts', async () => {
    server.setScript([{ kind: 'hang' }]);
    const controller = new AbortController();
    const pending = createCascade(ladder()).run({ prompt: 'Wait.' }, { signal: controller.signal });
    await server.nextRequest(0);
    controller.abort(new Error('user left'));
    const error = await pending.catch((e: unknown) => e);
    expect(AbortError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });
});
