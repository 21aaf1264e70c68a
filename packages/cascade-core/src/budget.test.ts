import { describe, expect, it } from 'vitest';
import { BudgetExceededError } from './errors.ts';
import { createCascade } from './index.ts';
import { costOf } from './pricing.ts';
import { scriptedGate, scriptedProvider } from './test.ts';

const cheap = { inputPerMTok: 1, outputPerMTok: 1 };
const dear = { inputPerMTok: 1000, outputPerMTok: 1000 };
const failing = scriptedGate({ name: 'never', results: [{ status: 'fail', reason: 'no' }] });

describe('cost accounting', () => {
  it('costs each attempt from its tier prices and sums the run', async () => {
    const provider = scriptedProvider({
      script: {
        s: [{ text: 'bad', usage: { inputTokens: 1000, outputTokens: 100 } }],
        l: [{ text: 'good', usage: { inputTokens: 1000, outputTokens: 200, cachedInputTokens: 400 } }],
      },
    });
    const gate = scriptedGate({
      name: 'g',
      results: (c) =>
        c.candidate.text === 'good' ? { status: 'pass', reason: 'ok' } : { status: 'fail', reason: 'no' },
    });
    const cascade = createCascade({
      tiers: [
        { name: 's', provider, model: 's', price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
        { name: 'l', provider, model: 'l', price: { inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25 } },
      ],
      gates: [gate],
    });
    const result = await cascade.run({ prompt: 'hi' });
    const small = (1000 * 0.15 + 100 * 0.6) / 1e6;
    const large = (600 * 2.5 + 400 * 1.25 + 200 * 10) / 1e6;
    expect(result.attempts[0]?.costUsd).toBeCloseTo(small, 12);
    expect(result.attempts[1]?.costUsd).toBeCloseTo(large, 12);
    expect(result.costUsd).toBeCloseTo(small + large, 12);
    expect(result.usage).toEqual({ inputTokens: 2000, outputTokens: 300, cachedInputTokens: 400 });
    expect(result.topTierCost).toEqual({ usd: result.attempts[1]?.costUsd, estimated: false });
  });

  it('labels the top-tier cost an estimate when the top tier never ran', async () => {
    const provider = scriptedProvider({ script: [{ text: 'good', usage: { inputTokens: 500, outputTokens: 50 } }] });
    const cascade = createCascade({
      tiers: [
        { name: 's', provider, model: 's', price: cheap },
        { name: 'l', provider, model: 'l', price: { inputPerMTok: 10, outputPerMTok: 30 } },
      ],
    });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.topTierCost.estimated).toBe(true);
    expect(result.topTierCost.usd).toBeCloseTo((500 * 10 + 50 * 30) / 1e6, 12);
  });

  it('uses the provider price table when the tier gives none', async () => {
    const provider = scriptedProvider({
      script: [{ text: 'x', usage: { inputTokens: 1e6, outputTokens: 0 } }],
      prices: { m: { inputPerMTok: 3, outputPerMTok: 4 } },
    });
    const cascade = createCascade({ tiers: [{ name: 't', provider, model: 'm' }], builtinGates: false });
    expect((await cascade.run({ prompt: 'hi' })).costUsd).toBeCloseTo(3, 12);
  });

  it('bills cache writes at their own price', () => {
    expect(
      costOf(
        { inputTokens: 1000, outputTokens: 0, cacheWriteInputTokens: 1000 },
        { inputPerMTok: 3, outputPerMTok: 15, cacheWritePerMTok: 3.75 },
      ),
    ).toBeCloseTo(0.00375, 12);
  });
});

describe('budget', () => {
  it('stops before a tier it cannot afford, with every attempt so far', async () => {
    const provider = scriptedProvider({ script: [{ text: 'x' }] });
    const cascade = createCascade({
      tiers: [
        { name: 's', provider, model: 's', price: cheap, repairs: 0 },
        { name: 'l', provider, model: 'l', price: dear },
      ],
      gates: [failing],
    });
    const error = (await cascade
      .run({ prompt: 'hi', maxOutputTokens: 100 }, { budgetUsd: 0.01 })
      .catch((e: unknown) => e)) as BudgetExceededError;
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect(provider.calls.map((c) => c.request.model)).toEqual(['s']);
    expect(error.attempts.map((a) => [a.tier, a.outcome])).toEqual([
      ['s', 'gate-failed'],
      ['l', 'budget'],
    ]);
    expect(error.attempts[1]?.estimatedCostUsd).toBeGreaterThan(0.01);
    expect(error.message).toMatch(/tier 'l' would cost about/);
  });

  it("returns the best answer so far with onBudgetExceeded: 'best'", async () => {
    const provider = scriptedProvider({ script: [{ text: 'cheap answer' }] });
    const cascade = createCascade({
      tiers: [
        { name: 's', provider, model: 's', price: cheap, repairs: 0 },
        { name: 'l', provider, model: 'l', price: dear },
      ],
      gates: [failing],
      budgetUsd: 0.01,
      onBudgetExceeded: 'best',
    });
    const result = await cascade.run({ prompt: 'hi', maxOutputTokens: 100 });
    expect(result).toMatchObject({ accepted: false, outcome: 'budget', text: 'cheap answer', tier: 's' });
  });

  it('estimates with the output cap it sends, so the spend stays within the budget', async () => {
    const provider = scriptedProvider({ script: [{ text: 'x' }] });
    const cascade = createCascade({ tiers: [{ name: 's', provider, model: 's', price: cheap }], budgetUsd: 1 });
    await cascade.run({ prompt: 'hi' });
    expect(provider.calls[0]?.request.maxOutputTokens).toBe(1024);
  });

  it('counts every sample in the estimate when the provider cannot do n', async () => {
    const single = scriptedProvider({ script: [{ text: 'x' }], capabilities: { multipleSamples: false } });
    const multi = scriptedProvider({ script: [{ text: 'x' }] });
    const sampler = scriptedGate({ name: 'k', requires: { samples: 4 }, results: [{ status: 'pass', reason: 'ok' }] });
    const estimates: number[] = [];
    for (const provider of [single, multi]) {
      const cascade = createCascade({ tiers: [{ name: 's', provider, model: 's', price: cheap }], gates: [sampler] });
      const result = await cascade.run({ prompt: 'a'.repeat(300), maxOutputTokens: 10 });
      estimates.push(result.attempts[0]?.estimatedCostUsd ?? 0);
    }
    // Four calls bill the input four times; one call with n = 4 bills it once. Output is four samples either way.
    const input = Math.ceil(300 / 3) + 4;
    expect(estimates[0]).toBeCloseTo((4 * input + 40) / 1e6, 12);
    expect(estimates[1]).toBeCloseTo((input + 40) / 1e6, 12);
  });
});

describe('estimateCalls', () => {
  it('bills the input once per call the provider says it makes', async () => {
    const base = scriptedProvider({ script: [{ text: 'x' }] });
    const pooled = { ...base, estimateCalls: (samples: number) => Math.min(samples, 2) };
    const sampler = scriptedGate({ name: 'k', requires: { samples: 4 }, results: [{ status: 'pass', reason: 'ok' }] });
    const cascade = createCascade({
      tiers: [{ name: 's', provider: pooled, model: 's', price: cheap }],
      gates: [sampler],
    });
    const result = await cascade.run({ prompt: 'a'.repeat(300), maxOutputTokens: 10 });
    const input = Math.ceil(300 / 3) + 4;
    expect(result.attempts[0]?.estimatedCostUsd).toBeCloseTo((2 * input + 40) / 1e6, 12);
  });
});
