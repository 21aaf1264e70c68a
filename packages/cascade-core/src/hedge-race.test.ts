import { describe, expect, it } from 'vitest';
import type { GateResult } from './contracts.ts';
import { createCascade } from './index.ts';
import type { CascadeEvent } from './options.ts';
import { scriptedGate, scriptedProvider } from './test.ts';

const price = (input: number) => ({ inputPerMTok: input, outputPerMTok: input });
const good = scriptedGate({
  name: 'good',
  results: (c): GateResult =>
    c.candidate.text.startsWith('good') ? { status: 'pass', reason: 'ok' } : { status: 'fail', reason: 'bad' },
});

function threeTiers(script: Record<string, { text: string; delayMs?: number }[]>) {
  const provider = scriptedProvider({ script });
  return {
    provider,
    tiers: [
      { name: 'small', provider, model: 's', price: price(1), repairs: 0 },
      { name: 'medium', provider, model: 'm', price: price(5), repairs: 0 },
      { name: 'large', provider, model: 'l', price: price(20), repairs: 0 },
    ],
  };
}

describe('hedged requests', () => {
  it('starts the next tier when a tier is slow, takes the first pass, and aborts the loser', async () => {
    const { tiers, provider } = threeTiers({
      s: [{ text: 'good small', delayMs: 400 }],
      m: [{ text: 'good medium', delayMs: 5 }],
      l: [{ text: 'good large' }],
    });
    const events: CascadeEvent[] = [];
    const cascade = createCascade({ tiers, gates: [good], hedge: { delayMs: 20 }, onEvent: (e) => events.push(e) });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.tier).toBe('medium');
    expect(result.attempts.map((a) => [a.tier, a.kind, a.outcome])).toEqual([
      ['small', 'first', 'aborted'],
      ['medium', 'hedge', 'accepted'],
    ]);
    expect(result.attempts[0]?.error?.message).toMatch(/answered first/);
    expect(events.find((e) => e.type === 'hedge')).toMatchObject({ from: 'small', to: 'medium', delayMs: 20 });
    expect(provider.calls.map((c) => c.request.model)).toEqual(['s', 'm']);
    expect(provider.inFlight).toBe(0);
    expect(result.escalations).toBe(1);
  });

  it('does not hedge a tier that answers within the delay', async () => {
    const { tiers, provider } = threeTiers({
      s: [{ text: 'good small', delayMs: 1 }],
      m: [{ text: 'good' }],
      l: [{ text: 'good' }],
    });
    const cascade = createCascade({ tiers, gates: [good], hedge: { delayMs: 200 } });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.tier).toBe('small');
    expect(provider.calls).toHaveLength(1);
  });

  it('escalates normally when a tier fails before the delay', async () => {
    const { tiers } = threeTiers({ s: [{ text: 'bad' }], m: [{ text: 'good medium' }], l: [{ text: 'good' }] });
    const cascade = createCascade({ tiers, gates: [good], hedge: { delayMs: 200 } });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.attempts.map((a) => [a.tier, a.kind])).toEqual([
      ['small', 'first'],
      ['medium', 'escalation'],
    ]);
  });

  it('keeps the slow tier when the hedge fails, and counts both costs', async () => {
    const { tiers } = threeTiers({
      s: [{ text: 'good small', delayMs: 60 }],
      m: [{ text: 'bad', delayMs: 1 }],
      l: [{ text: 'good' }],
    });
    const cascade = createCascade({ tiers, gates: [good], hedge: { delayMs: 10 } });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.tier).toBe('small');
    expect(result.attempts.map((a) => [a.tier, a.outcome])).toEqual([
      ['small', 'accepted'],
      ['medium', 'gate-failed'],
    ]);
    expect(result.costUsd).toBeCloseTo((result.attempts[0]?.costUsd ?? 0) + (result.attempts[1]?.costUsd ?? 0), 12);
    expect(result.attempts[1]?.costUsd).toBeGreaterThan(0);
  });

  it('goes on above the hedge when both hedged tiers fail', async () => {
    const { tiers } = threeTiers({
      s: [{ text: 'bad', delayMs: 40 }],
      m: [{ text: 'bad', delayMs: 1 }],
      l: [{ text: 'good large' }],
    });
    const cascade = createCascade({ tiers, gates: [good], hedge: { delayMs: 10 } });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.attempts.map((a) => [a.tier, a.kind, a.outcome])).toEqual([
      ['small', 'first', 'gate-failed'],
      ['medium', 'hedge', 'gate-failed'],
      ['large', 'escalation', 'accepted'],
    ]);
  });

  it('prefers the lower tier when both pass in the same turn', async () => {
    const { tiers } = threeTiers({
      s: [{ text: 'good small', delayMs: 15 }],
      m: [{ text: 'good medium' }],
      l: [{ text: 'good' }],
    });
    // Both tiers' gates wait at a barrier that opens once both have arrived, so both pass in one turn.
    let arrived = 0;
    let open: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      open = resolve;
    });
    const together = scriptedGate({
      name: 'together',
      results: async () => {
        arrived += 1;
        if (arrived === 2) open();
        await barrier;
        return { status: 'pass', reason: 'ok' };
      },
    });
    const cascade = createCascade({ tiers, gates: [together], hedge: { delayMs: 5 } });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.attempts.map((a) => [a.tier, a.outcome])).toEqual([
      ['small', 'accepted'],
      ['medium', 'accepted'],
    ]);
    expect(result.tier).toBe('small');
  });

  it("uses the tier's own p95 once it has enough samples", async () => {
    const quick = { text: 'good small', delayMs: 2 };
    const { tiers } = threeTiers({
      s: [quick, quick, quick, { text: 'good small', delayMs: 400 }],
      m: [{ text: 'good medium' }],
      l: [{ text: 'good' }],
    });
    const events: CascadeEvent[] = [];
    const cascade = createCascade({
      tiers,
      gates: [good],
      hedge: { delayMs: 'p95', minimumSamples: 3, fallbackDelayMs: 10_000 },
      onEvent: (e) => events.push(e),
    });
    for (let i = 0; i < 3; i += 1) expect((await cascade.run({ prompt: 'warm' })).tier).toBe('small');
    const p95 = (await cascade.health())[0]?.latency.p95Ms ?? Number.NaN;
    const slow = await cascade.run({ prompt: 'slow' });
    expect(slow.tier).toBe('medium');
    const hedge = events.find((e) => e.type === 'hedge');
    expect(hedge).toMatchObject({ from: 'small', to: 'medium', delayMs: p95 });
  });
});

describe('racing', () => {
  it("'cheapest' waits for a cheaper tier still running and returns it when it passes", async () => {
    const { tiers, provider } = threeTiers({
      s: [{ text: 'good small', delayMs: 40 }],
      m: [{ text: 'good medium', delayMs: 1 }],
      l: [{ text: 'good large', delayMs: 1 }],
    });
    const cascade = createCascade({ tiers, gates: [good], race: { tiers: ['small', 'medium', 'large'] } });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.tier).toBe('small');
    expect(result.attempts.every((a) => a.kind === 'race')).toBe(true);
    expect(provider.calls).toHaveLength(3);
    expect(result.costUsd).toBeCloseTo(
      result.attempts.reduce((sum, a) => sum + a.costUsd, 0),
      12,
    );
  });

  it("'cheapest' aborts the stronger tiers once a cheaper one passes", async () => {
    const { tiers } = threeTiers({
      s: [{ text: 'good small', delayMs: 1 }],
      m: [{ text: 'good', delayMs: 300 }],
      l: [{ text: 'good', delayMs: 300 }],
    });
    const cascade = createCascade({ tiers, gates: [good], race: { tiers: [0, 1, 2] } });
    const started = performance.now();
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.tier).toBe('small');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['accepted', 'aborted', 'aborted']);
    expect(performance.now() - started).toBeLessThan(250);
  });

  it("'first' returns the first answer that passes", async () => {
    const { tiers } = threeTiers({
      s: [{ text: 'good small', delayMs: 80 }],
      m: [{ text: 'good medium', delayMs: 1 }],
      l: [{ text: 'good large', delayMs: 40 }],
    });
    const cascade = createCascade({
      tiers,
      gates: [good],
      race: { tiers: ['small', 'medium', 'large'], prefer: 'first' },
    });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.tier).toBe('medium');
    expect(
      result.attempts
        .filter((a) => a.outcome === 'aborted')
        .map((a) => a.tier)
        .sort(),
    ).toEqual(['large', 'small']);
  });

  it('goes on up the ladder above the raced tiers when none passes, and a run can turn the race off', async () => {
    const { tiers } = threeTiers({ s: [{ text: 'bad' }], m: [{ text: 'bad' }], l: [{ text: 'good large' }] });
    const cascade = createCascade({ tiers, gates: [good], race: { tiers: ['small', 'medium'] } });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.attempts.map((a) => [a.tier, a.kind])).toEqual([
      ['small', 'race'],
      ['medium', 'race'],
      ['large', 'escalation'],
    ]);
    const plain = await cascade.run({ prompt: 'hi' }, { race: false });
    expect(plain.attempts.map((a) => a.kind)).toEqual(['first', 'escalation', 'escalation']);
  });

  it('rejects a race over unknown tiers, naming the field', () => {
    const { tiers } = threeTiers({ s: [{ text: 'x' }] });
    expect(() => createCascade({ tiers, race: { tiers: ['small', 'nope'] } })).toThrow(
      /race.tiers\[1\]: names no tier/,
    );
    expect(() => createCascade({ tiers, race: { tiers: ['small'] } })).toThrow(/race.tiers: needs at least two tiers/);
  });
});
