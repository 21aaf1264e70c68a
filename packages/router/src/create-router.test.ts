import { ConfigError, createCascade } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { describe, expect, it, vi } from 'vitest';
import { decisionAttributes, toCascadeRouter } from './cascade-router.ts';
import { createRouter } from './create-router.ts';
import { DENSE } from './structure-features.ts';
import { handFile, logit } from './testing/hand-file.ts';

const TIERS = ['small', 'medium', 'large'];
const easy = (session?: string) => ({ prompt: 'hello', metadata: session === undefined ? {} : { session } });
const hard = (session?: string) => ({
  prompt: 'hello',
  metadata: session === undefined ? { feature: 'hard' } : { feature: 'hard', session },
});

// small: 0.8 on easy requests, 0.2 on hard ones; medium: 0.9 easy, 0.7 hard.
const file = handFile(TIERS, [
  { bias: logit(0.8), hard: logit(0.2) - logit(0.8) },
  { bias: logit(0.9), hard: logit(0.7) - logit(0.9) },
]);

describe('createRouter decisions', () => {
  const router = createRouter({ model: file, thresholds: 0.6 });

  it('starts at the cheapest tier whose probability clears its threshold', () => {
    const decision = router.decide(easy());
    expect(decision).toMatchObject({ tier: 'small', tierIndex: 0, reason: 'cleared', explainedTier: 'small' });
    expect(decision.probabilities.map((p) => [p.tier, Number(p.probability.toFixed(6)), p.threshold])).toEqual([
      ['small', 0.8, 0.6],
      ['medium', 0.9, 0.6],
    ]);
    expect(router.decide(hard())).toMatchObject({ tier: 'medium', reason: 'cleared' });
  });

  it('falls back to the last tier when none clears, and explains the last one passed over', () => {
    const strict = createRouter({ model: file, thresholds: { small: 0.95, medium: 0.95 } });
    expect(strict.decide(easy())).toMatchObject({ tier: 'large', reason: 'fallback', explainedTier: 'medium' });
  });

  it('rounds up to the stronger tier when the probability clears by less than the margin', () => {
    const threshold = { small: 0.75, medium: 0.6 };
    expect(createRouter({ model: file, thresholds: threshold, margin: 0.04 }).decide(easy()).tier).toBe('small');
    const unsure = createRouter({ model: file, thresholds: threshold, margin: 0.06 }).decide(easy());
    expect(unsure).toMatchObject({ tier: 'medium', reason: 'rounded-up', explainedTier: 'small' });
  });

  it('applies the quality floor', () => {
    expect(router.decide(easy(), { minTier: 'medium' }).tier).toBe('medium');
    expect(router.decide(easy(), { minTier: 2 }).tier).toBe('large');
    expect(() => router.decide(easy(), { minTier: 'huge' })).toThrow(/minTier/);
  });

  it('is deterministic: the same request always gets the same decision', () => {
    const other = createRouter({ model: file, thresholds: 0.6 });
    for (const request of [easy(), hard(), { prompt: 'x'.repeat(5000) }]) {
      expect(router.decide(request)).toEqual(router.decide(request));
      expect(other.decide(request)).toEqual(router.decide(request));
    }
  });

  it('carries the top feature contributions', () => {
    const decision = router.decide(hard());
    expect(decision.contributions).toEqual([
      { feature: 'meta:feature=hard', contribution: expect.closeTo(logit(0.7) - logit(0.9), 4) },
    ]);
    expect(createRouter({ model: file, explain: 0 }).decide(hard()).contributions).toEqual([]);
  });

  it('bounds a dense feature that barely varied in training to five standard deviations', () => {
    const narrow = handFile(TIERS, [{ bias: 0 }, { bias: 0 }]);
    const tokens = DENSE.log_tokens;
    const dense = narrow.models[0]?.learner === 'logistic' ? [...narrow.models[0].dense] : [];
    dense[tokens] = 1;
    const model = {
      ...narrow,
      standardization: {
        mean: narrow.standardization.mean.map((m, j) => (j === tokens ? 3 : m)),
        scale: narrow.standardization.scale.map((s, j) => (j === tokens ? 0.001 : s)),
      },
      models: narrow.models.map((m) => ({ ...m, dense })),
    };
    const decision = createRouter({ model }).decide({ prompt: 'word '.repeat(2000) });
    expect(decision.contributions[0]).toEqual({ feature: 'log_tokens', contribution: 5 });
  });

  it('rejects bad options, naming the field', () => {
    expect(() => createRouter({ model: file, margn: 0.1 } as never)).toThrow(/margn: unknown option/);
    expect(() => createRouter({ model: file, margin: 1 })).toThrow(/margin/);
    expect(() => createRouter({ model: file, thresholds: { tiny: 0.5 } })).toThrow(/thresholds\.tiny/);
    expect(() => createRouter({ model: file, file })).toThrow(/exactly one/);
    expect(() => createRouter({ file: '/nonexistent/router.json' })).toThrow(ConfigError);
  });
});

describe('sticky sessions', () => {
  it('raise: a session never moves down, but may move up', () => {
    const router = createRouter({ model: file, thresholds: 0.6, sticky: true });
    expect(router.decide(hard('s1')).tier).toBe('medium');
    expect(router.decide(easy('s1'))).toMatchObject({ tier: 'medium', reason: 'sticky', session: 's1' });
    expect(router.decide(easy('s2')).tier).toBe('small');
    router.forget('s1');
    expect(router.decide(easy('s1')).tier).toBe('small');
    expect(router.decide(easy()).session).toBeUndefined();
  });

  it('fixed: the first decision holds, above the floor', () => {
    const router = createRouter({ model: file, thresholds: 0.6, sticky: { mode: 'fixed', key: (r) => r.id } });
    expect(router.decide({ ...easy(), id: 'conv' }).tier).toBe('small');
    expect(router.decide({ ...hard(), id: 'conv' })).toMatchObject({ tier: 'small' });
    expect(router.decide({ ...easy(), id: 'conv' }, { minTier: 'large' }).tier).toBe('large');
  });

  it('forgets the least recently used session past its capacity', () => {
    const router = createRouter({ model: file, thresholds: 0.6, sticky: { capacity: 2 } });
    router.decide(hard('a'));
    router.decide(hard('b'));
    router.decide(hard('c')); // evicts a
    expect(router.decide(easy('a')).tier).toBe('small');
    expect(router.decide(easy('c')).tier).toBe('medium');
  });

  it('rejects bad sticky options', () => {
    expect(() => createRouter({ model: file, sticky: { capacity: 0 } })).toThrow(/sticky\.capacity/);
    expect(() => createRouter({ model: file, sticky: { mod: 'raise' } as never })).toThrow(/sticky\.mod/);
  });
});

describe('lanes', () => {
  const ladder = ['small', 'medium', 'coder', 'large'];
  const laneFile = handFile(ladder, [{ bias: logit(0.8) }, { bias: logit(0.9) }, { bias: logit(0.5) }]);
  const lanes = [
    { name: 'code', tiers: ['coder', 'large'], match: { pattern: /```|\bfunction\b/ } },
    { name: 'support', tiers: ['medium', 'large'], match: { metadata: { feature: ['support', 'billing'] } } },
    { name: 'legal', tiers: ['large'], match: { label: 'legal' } },
  ];
  const router = createRouter({
    model: laneFile,
    thresholds: 0.6,
    lanes,
    classify: (request) => (/contract/.test(request.prompt ?? '') ? 'legal' : undefined),
  });

  it('sends matching requests to their lane, where the router picks within it', () => {
    expect(router.decide({ prompt: 'write a function' })).toMatchObject({
      lane: 'code',
      tier: 'large',
      reason: 'fallback',
    });
    const cheaper = createRouter({ model: laneFile, thresholds: 0.4, lanes });
    expect(cheaper.decide({ prompt: '```ts\nx\n```' })).toMatchObject({ lane: 'code', tier: 'coder' });
    expect(router.decide({ prompt: 'refund?', metadata: { feature: 'billing' } })).toMatchObject({
      lane: 'support',
      tier: 'medium',
    });
    expect(router.decide({ prompt: 'review this contract' })).toMatchObject({
      lane: 'legal',
      tier: 'large',
      reason: 'lane-start',
    });
    expect(router.decide({ prompt: 'hello' })).toMatchObject({ lane: undefined, tier: 'small' });
  });

  it('applies the floor within the lane', () => {
    expect(router.decide({ prompt: 'refund?', metadata: { feature: 'support' } }, { minTier: 'coder' }).tier).toBe(
      'large',
    );
    expect(router.decide({ prompt: 'hello' }, { minTier: 'medium' }).tier).toBe('medium');
  });

  it('uses the lane without a rule as the default', () => {
    const withDefault = createRouter({
      model: laneFile,
      thresholds: 0.6,
      lanes: [...lanes, { name: 'general', tiers: ['medium', 'large'] }],
    });
    expect(withDefault.decide({ prompt: 'hello' })).toMatchObject({ lane: 'general', tier: 'medium' });
  });

  it('rejects lanes that name unknown tiers, break the ladder order or use a stateful RegExp', () => {
    expect(() => createRouter({ model: laneFile, lanes: [{ name: 'x', tiers: ['tiny'] }] })).toThrow(
      /lanes\[0\]\.tiers\[0\]/,
    );
    expect(() => createRouter({ model: laneFile, lanes: [{ name: 'x', tiers: ['large', 'small'] }] })).toThrow(
      /ladder order/,
    );
    expect(() =>
      createRouter({ model: laneFile, lanes: [{ name: 'x', tiers: ['large'], match: { pattern: /a/g } }] }),
    ).toThrow(/lanes\[0\]\.match\.pattern/);
    expect(() =>
      createRouter({ model: laneFile, lanes: [{ name: 'x', tiers: ['large'], match: { regex: /a/ } as never }] }),
    ).toThrow(/lanes\[0\]\.match\.regex: unknown option/);
  });
});

describe('toCascadeRouter', () => {
  it("starts today's cascade at the routed tier, mapping names", async () => {
    const provider = scriptedProvider({ script: () => ({ text: 'ok' }) });
    const router = createRouter({
      model: handFile(['mini-model', 'mid-model', 'big-model'], [{ bias: logit(0.8), hard: -5 }, { bias: logit(0.9) }]),
      thresholds: 0.6,
    });
    const seen = vi.fn();
    const cascade = createCascade({
      tiers: ['mini', 'mid', 'big'].map((name) => ({
        name,
        provider,
        model: name,
        repairs: 0,
        price: { inputPerMTok: 1, outputPerMTok: 1 },
      })),
      router: toCascadeRouter(router, {
        tierNames: { 'mini-model': 'mini', 'mid-model': 'mid', 'big-model': 'big' },
        onDecision: (decision) => {
          seen(decision.tier);
          throw new Error('a listener failure must not fail the run');
        },
      }),
    });
    expect((await cascade.run(easy())).tier).toBe('mini');
    const result = await cascade.run(hard());
    expect(result.tier).toBe('mid');
    expect(result.attempts.map((a) => a.tier)).toEqual(['mid']);
    expect(seen.mock.calls).toEqual([['mini-model'], ['mid-model']]);
    expect(() => toCascadeRouter(router, { tierNames: { nope: 'x' } })).toThrow(/tierNames\.nope/);
  });

  it('flattens a decision into span attributes', () => {
    const decision = createRouter({ model: file, thresholds: 0.6 }).decide(hard());
    expect(decisionAttributes(decision)).toEqual({
      'llm_cascade.router.tier': 'medium',
      'llm_cascade.router.reason': 'cleared',
      'llm_cascade.router.probability.small': 0.2,
      'llm_cascade.router.probability.medium': 0.7,
      'llm_cascade.router.contributions': [expect.stringMatching(/^meta:feature=hard=-1\.35/)],
    });
  });
});
