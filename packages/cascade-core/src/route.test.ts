import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { type CascadeOptions, createCascade, type Router } from './index.ts';
import type { CascadeEvent } from './options.ts';
import { scriptedProvider } from './test.ts';

const price = { inputPerMTok: 1, outputPerMTok: 1 };

function build(overrides: Partial<CascadeOptions>) {
  const provider = scriptedProvider({ script: { s: [{ text: 's' }], m: [{ text: 'm' }], l: [{ text: 'l' }] } });
  return createCascade({
    tiers: [
      { name: 'small', provider, model: 's', price },
      { name: 'medium', provider, model: 'm', price },
      { name: 'large', provider, model: 'l', price },
    ],
    ...overrides,
  });
}

/** Shaped like @llm-cascade/router's decision: more fields than core's RouteDecision, which pass through. */
const richDecision = {
  tier: 'medium',
  tierIndex: 1,
  lane: 'classifier',
  reason: 'long legal text',
  probabilities: [
    { tier: 'small', probability: 0.2 },
    { tier: 'medium', probability: 0.7 },
    { tier: 'large', probability: 0.1 },
  ],
  contributions: [{ feature: 'length', contribution: 0.4 }],
  explainedTier: 'medium',
  session: undefined,
};

describe('router decisions', () => {
  it('takes an async decision object whole into the result, a route event and the run span', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const events: CascadeEvent[] = [];
    const router: Router = async () => richDecision;
    const cascade = build({ router, onEvent: (e) => events.push(e), tracer: tracerProvider.getTracer('t') });
    const result = await cascade.run({ prompt: 'x' });
    expect(result.tier).toBe('medium');
    expect(result.route).toBe(richDecision);
    expect(events.find((e) => e.type === 'route')).toMatchObject({ route: richDecision, startTier: 'medium' });
    const run = exporter.getFinishedSpans().find((s) => s.name === 'cascade.run');
    expect(run?.attributes).toMatchObject({
      'cascade.route.tier': 'medium',
      'cascade.route.lane': 'classifier',
      'cascade.route.reason': 'long legal text',
    });
    await tracerProvider.shutdown();
  });

  it('keeps accepting a bare tier name or index, recorded as { tier }', async () => {
    expect((await build({ router: () => 'large' }).run({ prompt: 'x' })).route).toEqual({ tier: 'large' });
    const byIndex = await build({ router: () => 1 }).run({ prompt: 'x' });
    expect([byIndex.tier, byIndex.route]).toEqual(['medium', { tier: 1 }]);
    const none = await build({ router: () => undefined }).run({ prompt: 'x' });
    expect([none.tier, none.route]).toEqual(['small', undefined]);
    expect((await build({}).run({ prompt: 'x' })).route).toBeUndefined();
  });

  it('never lowers a floor or minTier: they win, and the decision is still recorded', async () => {
    const events: CascadeEvent[] = [];
    const cascade = build({
      router: async () => ({ tier: 'small', reason: 'looks easy' }),
      floors: [{ match: { feature: 'legal' }, minTier: 'large' }],
      onEvent: (e) => events.push(e),
    });
    const result = await cascade.run({ prompt: 'x', metadata: { feature: 'legal' } });
    expect(result.tier).toBe('large');
    expect(result.route).toEqual({ tier: 'small', reason: 'looks easy' });
    expect(events.find((e) => e.type === 'route')).toMatchObject({ startTier: 'large' });
    expect((await cascade.run({ prompt: 'x' }, { minTier: 'medium' })).tier).toBe('medium');
  });

  it('rejects a decision naming no tier, or shaped wrong, with a ConfigError on router', async () => {
    const unknown = await build({ router: async () => ({ tier: 'huge' }) })
      .run({ prompt: 'x' })
      .catch((e: unknown) => e);
    expect(ConfigError.isInstance(unknown)).toBe(true);
    expect((unknown as ConfigError).field).toBe('router');
    const shapeless = await build({ router: (() => ({ lane: 'a' })) as unknown as Router })
      .run({ prompt: 'x' })
      .catch((e: unknown) => e);
    expect((shapeless as ConfigError).field).toBe('router');
  });
});
