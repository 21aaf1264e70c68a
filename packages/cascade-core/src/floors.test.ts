import { describe, expect, it } from 'vitest';
import { BudgetExceededError, ConfigError } from './errors.ts';
import { type CascadeOptions, createCascade } from './index.ts';
import { scriptedProvider } from './test.ts';

const price = { inputPerMTok: 1, outputPerMTok: 1 };

function tiers() {
  const provider = scriptedProvider({ script: { s: [{ text: 's' }], m: [{ text: 'm' }], l: [{ text: 'l' }] } });
  return [
    { name: 'small', provider, model: 's', price },
    { name: 'medium', provider, model: 'm', price },
    { name: 'large', provider, model: 'l', price },
  ];
}

function build(overrides: Partial<CascadeOptions>) {
  return createCascade({ tiers: tiers(), ...overrides });
}

describe('quality floors', () => {
  it('starts a matching request at its floor, and others at the bottom', async () => {
    const cascade = build({ floors: [{ match: { feature: 'contract-review' }, minTier: 'large' }] });
    expect((await cascade.run({ prompt: 'x', metadata: { feature: 'contract-review' } })).tier).toBe('large');
    expect((await cascade.run({ prompt: 'x', metadata: { feature: 'faq' } })).tier).toBe('small');
    expect((await cascade.run({ prompt: 'x' })).tier).toBe('small');
    // run()'s metadata counts too.
    expect((await cascade.run({ prompt: 'x' }, { metadata: { feature: 'contract-review' } })).tier).toBe('large');
  });

  it('needs every field of match, takes any of listed values, and the highest matching floor', async () => {
    const cascade = build({
      floors: [
        { match: { feature: 'support', userTier: ['gold', 'platinum'] }, minTier: 'medium' },
        { match: { userTier: 'platinum' }, minTier: 2 },
      ],
    });
    const run = async (metadata: Record<string, string>) => (await cascade.run({ prompt: 'x', metadata })).tier;
    expect(await run({ feature: 'support', userTier: 'gold' })).toBe('medium');
    expect(await run({ feature: 'support', userTier: 'silver' })).toBe('small');
    expect(await run({ userTier: 'gold' })).toBe('small');
    expect(await run({ feature: 'support', userTier: 'platinum' })).toBe('large');
  });

  it('is never lowered by a router or minTier, which can still raise it', async () => {
    const cascade = build({
      floors: [{ match: { feature: 'legal' }, minTier: 'medium' }],
      router: () => 'small',
    });
    expect((await cascade.run({ prompt: 'x', metadata: { feature: 'legal' } })).tier).toBe('medium');
    expect((await cascade.run({ prompt: 'x', metadata: { feature: 'legal' } }, { minTier: 0 })).tier).toBe('medium');
    expect((await cascade.run({ prompt: 'x', metadata: { feature: 'legal' } }, { minTier: 'large' })).tier).toBe(
      'large',
    );
  });

  it("gives a matching request the floor's budget, unless run() sets one", async () => {
    const cascade = build({ budgetUsd: 1, floors: [{ match: { feature: 'cheap' }, budgetUsd: 0 }] });
    const error = await cascade.run({ prompt: 'x', metadata: { feature: 'cheap' } }).catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect((error as BudgetExceededError).budgetUsd).toBe(0);
    expect((await cascade.run({ prompt: 'x', metadata: { feature: 'cheap' } }, { budgetUsd: 1 })).text).toBe('s');
    expect((await cascade.run({ prompt: 'x' })).text).toBe('s');
  });

  it('rejects a bad floor when the cascade is built, naming the field', () => {
    const cases: [unknown, string][] = [
      [{ match: { feature: 'x' }, minTier: 'huge' }, 'floors[0].minTier'],
      [{ match: {}, minTier: 'large' }, 'floors[0].match'],
      [{ match: { feature: { nested: true } }, minTier: 'large' }, 'floors[0].match.feature'],
      [{ match: { feature: 'x' } }, 'floors[0]'],
      [{ match: { feature: 'x' }, minTier: 'large', budget: 1 }, 'floors[0].budget'],
      [{ match: { feature: 'x' }, budgetUsd: -1 }, 'floors[0].budgetUsd'],
    ];
    for (const [floor, field] of cases) {
      const make = () => build({ floors: [floor as never] });
      expect(make).toThrow(ConfigError);
      expect(make).toThrow(field);
    }
  });
});
