import { describe, expect, it } from 'vitest';
import type { Gate } from './contracts.ts';
import { ConfigError } from './errors.ts';
import { type CascadeOptions, createCascade } from './index.ts';
import { scriptedGate, scriptedProvider } from './test.ts';

const provider = scriptedProvider({ script: [{ text: 'x' }] });
const price = { inputPerMTok: 1, outputPerMTok: 1 };
const tier = { name: 't', provider, model: 'm', price };

function fieldOf(options: unknown): string | undefined {
  try {
    createCascade(options as CascadeOptions);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.field;
    throw error;
  }
  return undefined;
}

describe('configuration errors name the field', () => {
  const logprobGate: Gate = {
    ...scriptedGate({ name: 'logprob', results: [{ status: 'pass', reason: 'ok' }] }),
    requires: { logprobs: true },
  };
  const noLogprobs = scriptedProvider({
    script: [{ text: 'x' }],
    capabilities: { logprobs: false },
    id: 'anthropic-like',
  });
  const cases: [string, unknown, string][] = [
    ['no options', undefined, 'options'],
    ['no tiers', { tiers: [] }, 'tiers'],
    ['tiers not an array', { tiers: {} }, 'tiers'],
    ['duplicate tier names', { tiers: [tier, tier] }, 'tiers[1].name'],
    ['missing tier name', { tiers: [{ ...tier, name: '' }] }, 'tiers[0].name'],
    ['missing model', { tiers: [{ ...tier, model: undefined }] }, 'tiers[0].model'],
    ['missing price without a provider table', { tiers: [{ ...tier, price: undefined }] }, 'tiers[0].price'],
    [
      'negative price',
      { tiers: [{ ...tier, price: { inputPerMTok: -1, outputPerMTok: 1 } }] },
      'tiers[0].price.inputPerMTok',
    ],
    ['missing output price', { tiers: [{ ...tier, price: { inputPerMTok: 1 } }] }, 'tiers[0].price.outputPerMTok'],
    [
      'NaN price',
      { tiers: [{ ...tier, price: { inputPerMTok: Number.NaN, outputPerMTok: 1 } }] },
      'tiers[0].price.inputPerMTok',
    ],
    ['zero timeout', { tiers: [{ ...tier, timeoutMs: 0 }] }, 'tiers[0].timeoutMs'],
    ['fractional retries', { tiers: [{ ...tier, retries: 1.5 }] }, 'tiers[0].retries'],
    ['negative repairs', { tiers: [{ ...tier, repairs: -1 }] }, 'tiers[0].repairs'],
    ['zero concurrency', { tiers: [{ ...tier, maxConcurrency: 0 }] }, 'tiers[0].maxConcurrency'],
    // Past setTimeout's largest delay a timer fires at once: the tier would time out every call.
    ['timeout beyond a timer', { tiers: [{ ...tier, timeoutMs: 2 ** 31 }] }, 'tiers[0].timeoutMs'],
    [
      'error rate threshold above 1',
      { tiers: [tier], circuitBreaker: { errorRateThreshold: 1.5 } },
      'circuitBreaker.errorRateThreshold',
    ],
    ['not a provider', { tiers: [{ ...tier, provider: {} }] }, 'tiers[0].provider.specificationVersion'],
    [
      'provider of another version',
      { tiers: [{ ...tier, provider: { ...provider, specificationVersion: 'v2' } }] },
      'tiers[0].provider.specificationVersion',
    ],
    ['gate without evaluate', { tiers: [tier], gates: [{ name: 'g' }] }, 'gates[0].evaluate'],
    ['duplicate gate names', { tiers: [tier], gates: [logprobGate, logprobGate] }, 'gates[1].name'],
    [
      'zero samples',
      { tiers: [tier], gates: [{ name: 'g', evaluate: () => ({}), requires: { samples: 0 } }] },
      'gates[0].requires.samples',
    ],
    ['tier gate without name', { tiers: [{ ...tier, gates: [{ evaluate: () => ({}) }] }] }, 'tiers[0].gates[0].name'],
    ['negative budget', { tiers: [tier], budgetUsd: -1 }, 'budgetUsd'],
    ['unknown exhausted behaviour', { tiers: [tier], onExhausted: 'panic' }, 'onExhausted'],
    ['router not a function', { tiers: [tier], router: 'fast' }, 'router'],
    ['negative retry delay', { tiers: [tier], retry: { baseDelayMs: -5 } }, 'retry.baseDelayMs'],
    [
      'fractional min output tokens',
      { tiers: [tier], builtinGates: { minOutputTokens: 0.5 } },
      'builtinGates.minOutputTokens',
    ],
    [
      'strict mode and a logprob gate on a tier without logprobs',
      { tiers: [tier, { ...tier, name: 'u', provider: noLogprobs }], gates: [logprobGate], strict: true },
      'gates[0]',
    ],
  ];
  it.each(cases)('%s', (_, options, field) => {
    expect(fieldOf(options)).toBe(field);
  });

  it('says what is wrong in the message', () => {
    expect(() => createCascade({ tiers: [{ ...tier, price: undefined as never }] })).toThrow(
      "tiers[0].price: is required: provider 'scripted' publishes no price for model 'm'",
    );
    expect(() =>
      createCascade({
        tiers: [tier, { ...tier, name: 'u', provider: noLogprobs }],
        gates: [logprobGate],
        strict: true,
      }),
    ).toThrow(/gate 'logprob' requires logprobs, which provider 'anthropic-like' cannot return on tier 'u'/);
  });

  it('reports an unmet requirement as skipped, never passed, outside strict mode', async () => {
    const cascade = createCascade({ tiers: [{ ...tier, provider: noLogprobs }], gates: [logprobGate] });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.attempts[0]?.gates.at(-1)).toMatchObject({
      name: 'logprob',
      status: 'skipped',
      reason: "requires logprobs, which provider 'anthropic-like' cannot return",
    });
  });

  it('accepts a valid configuration with every option set', () => {
    expect(
      fieldOf({
        name: 'full',
        tiers: [
          {
            ...tier,
            timeoutMs: 1000,
            retries: 0,
            repairs: 2,
            maxConcurrency: Infinity,
            maxOutputTokens: 256,
            dataClasses: ['public'],
          },
        ],
        gates: [scriptedGate({ name: 'g', results: [{ status: 'pass', reason: 'ok' }] })],
        builtinGates: { refusal: { phrases: ['nope'] }, minOutputTokens: false },
        strict: true,
        onExhausted: 'best',
        budgetUsd: 1,
        onBudgetExceeded: 'best',
        retry: { baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 1000 },
        router: () => undefined,
        recordContent: false,
        onEvent: () => {},
      }),
    ).toBeUndefined();
  });
});
