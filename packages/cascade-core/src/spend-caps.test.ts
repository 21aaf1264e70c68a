import { afterEach, describe, expect, it, vi } from 'vitest';
import { InMemoryBudgetLedger } from './budget-ledger.ts';
import { BudgetExceededError, ConfigError } from './errors.ts';
import { type CascadeOptions, createCascade } from './index.ts';
import type { CascadeEvent } from './options.ts';
import { scriptedGate, scriptedProvider } from './test.ts';

// $1 a token: each call is estimated at $10 (5 input + 5 output tokens) and costs $2 (1 + 1).
const price = { inputPerMTok: 1_000_000, outputPerMTok: 1_000_000 };
const DAY = 86_400_000;
const answer = { text: 'ok', usage: { inputTokens: 1, outputTokens: 1 } };

function options(overrides: Partial<CascadeOptions> = {}): CascadeOptions {
  const provider = scriptedProvider({ script: { s: [answer], l: [answer] } });
  return {
    tiers: [
      { name: 'small', provider, model: 's', price, maxOutputTokens: 5 },
      { name: 'large', provider, model: 'l', price, maxOutputTokens: 5 },
    ],
    estimateInputTokens: () => 5,
    spendCaps: [{ key: 'tenant', limitUsd: 15, windowMs: DAY }],
    ...overrides,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('spend caps', () => {
  it('holds each estimate and settles the real cost, stopping the run the cap cannot afford', async () => {
    const events: CascadeEvent[] = [];
    const cascade = createCascade(options({ onEvent: (event) => events.push(event) }));
    const acme = { prompt: 'x', metadata: { tenant: 'acme' } };
    // Settled at $2 each, three runs fit under $15; held at their $10 estimates, only one would.
    for (let i = 0; i < 3; i += 1) expect((await cascade.run(acme)).text).toBe('ok');
    const error = await cascade.run(acme).catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    const stop = error as BudgetExceededError;
    expect(stop.message).toContain("spend cap 'tenant'");
    expect(stop.message).toContain("tenant 'acme'");
    expect(stop.cap).toMatchObject({ name: 'tenant', value: 'acme', limitUsd: 15, leftUsd: 9 });
    expect(stop.budgetUsd).toBe(15);
    expect(stop.spentUsd).toBe(6);
    expect(stop.attempts.map((a) => a.outcome)).toEqual(['budget']);
    expect(events.filter((e) => e.type === 'budget')).toEqual([
      expect.objectContaining({ tier: 'small', cap: 'tenant', leftUsd: 9, estimatedUsd: 10 }),
    ]);
    // Another tenant, and a request with no tenant, are not held back by acme's spend.
    expect((await cascade.run({ prompt: 'x', metadata: { tenant: 'globex' } })).text).toBe('ok');
    expect((await cascade.run({ prompt: 'x' })).text).toBe('ok');
  });

  it("returns the best answer so far with onBudgetExceeded: 'best'", async () => {
    const gate = scriptedGate({ name: 'strict', results: [{ status: 'fail', reason: 'no' }] });
    const cascade = createCascade(
      options({
        gates: [gate],
        onBudgetExceeded: 'best',
        spendCaps: [{ key: 'feature', name: 'faq-daily', limitUsd: 11, windowMs: DAY }],
        tiers: options().tiers.map((tier) => ({ ...tier, repairs: 0 })),
      }),
    );
    const result = await cascade.run({ prompt: 'x', metadata: { feature: 'faq' } });
    expect(result.outcome).toBe('budget');
    expect(result.attempts.map((a) => [a.tier, a.outcome])).toEqual([
      ['small', 'gate-failed'],
      ['large', 'budget'],
    ]);
  });

  it('frees the window as time passes', async () => {
    let now = 1_000_000;
    const ledger = new InMemoryBudgetLedger({ now: () => now });
    const cascade = createCascade(
      options({ stores: { budget: ledger }, spendCaps: [{ key: 'tenant', limitUsd: 10, windowMs: DAY }] }),
    );
    const acme = { prompt: 'x', metadata: { tenant: 'acme' } };
    await cascade.run(acme);
    await expect(cascade.run(acme)).rejects.toThrow("spend cap 'tenant'");
    expect(ledger.spent(`spend:tenant:${DAY}:acme`, DAY)).toBe(2);
    now += DAY + DAY / 60;
    expect((await cascade.run(acme)).text).toBe('ok');
  });

  it('lets two cascades sharing a ledger pass only the calls the cap affords, run at once', async () => {
    const ledger = new InMemoryBudgetLedger();
    const slow = { ...answer, delayMs: 5 };
    const make = () =>
      createCascade(
        options({
          stores: { budget: ledger },
          spendCaps: [{ key: 'tenant', limitUsd: 25, windowMs: DAY }],
          tiers: [
            {
              name: 'small',
              provider: scriptedProvider({ script: { s: [slow] } }),
              model: 's',
              price,
              maxOutputTokens: 5,
            },
          ],
        }),
      );
    const [one, two] = [make(), make()];
    const runs = [one, two, one, two].map((c) => c.run({ prompt: 'x', metadata: { tenant: 'acme' } }));
    const settled = await Promise.allSettled(runs);
    // $25 holds two $10 estimates at once, not three.
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(2);
  });

  it('falls back on an in-memory ledger when the shared one fails, and says so', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const events: CascadeEvent[] = [];
    const broken = {
      reserve: () => Promise.reject(new Error('redis down')),
      settle: () => Promise.reject(new Error('redis down')),
      spent: () => Promise.reject(new Error('redis down')),
    };
    const cascade = createCascade(
      options({
        stores: { budget: broken },
        spendCaps: [{ key: 'tenant', limitUsd: 10, windowMs: DAY }],
        onEvent: (e) => events.push(e),
      }),
    );
    const acme = { prompt: 'x', metadata: { tenant: 'acme' } };
    expect((await cascade.run(acme)).text).toBe('ok');
    expect(events.find((e) => e.type === 'store-fallback')).toMatchObject({ store: 'budget', operation: 'reserve' });
    // The local ledger still enforces the cap in this process.
    await expect(cascade.run(acme)).rejects.toThrow("spend cap 'tenant'");
  });

  it('rejects bad caps when the cascade is built, naming the field', () => {
    expect(() => createCascade(options({ spendCaps: [{ key: '', limitUsd: 1, windowMs: 1 }] }))).toThrow(
      'spendCaps[0].key',
    );
    expect(() => createCascade(options({ spendCaps: [{ key: 'tenant', limitUsd: -1, windowMs: 1 }] }))).toThrow(
      'spendCaps[0].limitUsd',
    );
    expect(() => createCascade(options({ spendCaps: [{ key: 'tenant', limitUsd: 1, windowMs: 0 }] }))).toThrow(
      'spendCaps[0].windowMs',
    );
    const misspelt = () =>
      createCascade(options({ spendCaps: [{ key: 'tenant', limitUsd: 1, windowMs: 1, limit: 2 } as never] }));
    expect(misspelt).toThrow(ConfigError);
    expect(misspelt).toThrow('spendCaps[0].limit');
  });
});
