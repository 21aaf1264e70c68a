import { describe, expect, it } from 'vitest';
import type { Gate, GateContext, GateResult } from './contracts.ts';
import { ConfigError } from './errors.ts';
import { createCascade } from './index.ts';
import type { CascadeEvent } from './options.ts';
import { DEFAULT_GATE_TIMEOUT_MS } from './resolve-options.ts';
import { scriptedGate, scriptedProvider } from './test.ts';

const price = { inputPerMTok: 1, outputPerMTok: 1 };

/** Two tiers answering 'small' and 'large'; `repairs` stays at its default, so a repair would be possible. */
function ladder() {
  const provider = scriptedProvider({ script: { s: [{ text: 'small' }], l: [{ text: 'large' }] } });
  return {
    provider,
    tiers: [
      { name: 'small', provider, model: 's', price },
      { name: 'large', provider, model: 'l', price },
    ],
  };
}

/** Blocks the event loop for `ms`, as a backtracking regex or a slow format check on a long answer would. */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

/** A gate that never answers on the small tier (and ignores its signal), and passes on the large one. */
function hangsOnSmall(seen: { signal?: AbortSignal }): Gate {
  return {
    name: 'hangs',
    evaluate: (context: GateContext): GateResult | Promise<GateResult> => {
      if (context.tier.name !== 'small') return { status: 'pass', reason: 'ok' };
      seen.signal = context.signal;
      return new Promise<GateResult>(() => {});
    },
  };
}

describe('gate time budget', () => {
  it('fails a gate that never answers as gate-timeout, aborts its signal, and escalates instead of hanging', async () => {
    const { tiers } = ladder();
    const seen: { signal?: AbortSignal } = {};
    const cascade = createCascade({ tiers, gates: [hangsOnSmall(seen)], gateTimeoutMs: 30 });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.tier).toBe('large');
    const first = result.attempts[0];
    expect(first?.outcome).toBe('gate-failed');
    expect(first?.failedGate).toBe('hangs');
    expect(first?.gates.at(-1)).toMatchObject({ status: 'fail', reason: 'gate-timeout', details: { timeoutMs: 30 } });
    // No feedback, so the small tier's repair is not used: the answer may not be what made the gate slow.
    expect(result.repairs).toBe(0);
    expect(seen.signal?.aborted).toBe(true);
    expect((seen.signal?.reason as DOMException | undefined)?.name).toBe('TimeoutError');
  });

  it('turns the verdict of a synchronous gate that blocked past its budget into gate-timeout', async () => {
    const { tiers } = ladder();
    const slowPass = scriptedGate({
      name: 'blocks',
      results: (context) => {
        if (context.tier.name === 'small') blockFor(60);
        return { status: 'pass', reason: 'ok' };
      },
    });
    const cascade = createCascade({ tiers, gates: [slowPass], gateTimeoutMs: 20 });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.attempts[0]?.gates.at(-1)).toMatchObject({ name: 'blocks', reason: 'gate-timeout' });
    expect(result.tier).toBe('large');
  });

  it('reports an overrun as gate-timeout even when the slow gate then throws', async () => {
    const { tiers } = ladder();
    const gate = scriptedGate({
      name: 'blocks-then-throws',
      results: (context) => {
        if (context.tier.name !== 'small') return { status: 'pass', reason: 'ok' };
        blockFor(40);
        throw new Error('gave up');
      },
    });
    const cascade = createCascade({ tiers, gates: [gate], gateTimeoutMs: 10 });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.attempts[0]?.gates.at(-1)?.reason).toBe('gate-timeout');
  });

  it('uses the tier budget over the cascade one, and the gate budget over both', async () => {
    const events: CascadeEvent[] = [];
    const { tiers } = ladder();
    const slow: Gate = {
      name: 'slow',
      evaluate: () =>
        new Promise<GateResult>((resolve) => setTimeout(() => resolve({ status: 'pass', reason: 'ok' }), 40)),
    };
    // The cascade budget (5 s) would let the gate finish; the small tier's own 5 ms does not.
    const tierLevel = createCascade({
      tiers: [{ ...(tiers[0] as (typeof tiers)[0]), gateTimeoutMs: 5 }, tiers[1] as (typeof tiers)[1]],
      gates: [slow],
      gateTimeoutMs: 5_000,
      onEvent: (e) => events.push(e),
    });
    const viaTier = await tierLevel.run({ prompt: 'hi' });
    expect(viaTier.attempts.map((a) => [a.tier, a.gates.at(-1)?.reason])).toEqual([
      ['small', 'gate-timeout'],
      ['large', 'ok'],
    ]);
    expect(events.some((e) => e.type === 'escalation' && e.reason === 'gate-failed: slow')).toBe(true);

    // The gate's own 5 s wins over a cascade budget of 5 ms.
    const gateLevel = createCascade({ tiers, gates: [{ ...slow, timeoutMs: 5_000 }], gateTimeoutMs: 5 });
    const viaGate = await gateLevel.run({ prompt: 'hi' });
    expect(viaGate.tier).toBe('small');
    expect(viaGate.attempts[0]?.gates.at(-1)?.reason).toBe('ok');
  });

  it('still lets the caller abort a run while a gate is pending', async () => {
    const { tiers } = ladder();
    const controller = new AbortController();
    const seen: { signal?: AbortSignal } = {};
    const cascade = createCascade({ tiers, gates: [hangsOnSmall(seen)] });
    const running = cascade.run({ prompt: 'hi' }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await expect(running).rejects.toMatchObject({ code: 'ABORTED' });
    expect(seen.signal?.aborted).toBe(true);
    expect((seen.signal?.reason as Error | undefined)?.message).toBe('stop');
  });

  it('defaults to a budget that leaves a quick asynchronous gate alone', async () => {
    expect(DEFAULT_GATE_TIMEOUT_MS).toBe(30_000);
    const { tiers } = ladder();
    const quick: Gate = { name: 'quick', evaluate: async () => ({ status: 'pass', reason: 'ok' }) };
    const result = await createCascade({ tiers, gates: [quick] }).run({ prompt: 'hi' });
    expect(result.tier).toBe('small');
  });

  it.each([
    ['gateTimeoutMs', { gateTimeoutMs: 0 }],
    ['gateTimeoutMs', { gateTimeoutMs: -5 }],
    ['gateTimeoutMs', { gateTimeoutMs: Number.NaN }],
    ['gateTimeoutMs', { gateTimeoutMs: '10' }],
    ['gateTimeoutMs', { gateTimeoutMs: 2 ** 31 }],
    ['tiers[0].gateTimeoutMs', { tierGateTimeoutMs: 0 }],
    ['gates[0].timeoutMs', { gateOwnTimeoutMs: Infinity }],
    ['tiers[0].timeoutMs', { tierTimeoutMs: 2 ** 31 }],
  ])('rejects a bad %s when the cascade is built (%o)', (field, bad) => {
    const { tiers } = ladder();
    const { gateTimeoutMs, tierGateTimeoutMs, gateOwnTimeoutMs, tierTimeoutMs } = bad as Record<string, unknown>;
    const build = () =>
      createCascade({
        tiers: [
          {
            ...(tiers[0] as (typeof tiers)[0]),
            ...(tierGateTimeoutMs === undefined ? {} : { gateTimeoutMs: tierGateTimeoutMs as number }),
            ...(tierTimeoutMs === undefined ? {} : { timeoutMs: tierTimeoutMs as number }),
          },
        ],
        gates: [
          {
            name: 'g',
            evaluate: () => ({ status: 'pass', reason: 'ok' }),
            ...(gateOwnTimeoutMs === undefined ? {} : { timeoutMs: gateOwnTimeoutMs as number }),
          },
        ],
        ...(gateTimeoutMs === undefined ? {} : { gateTimeoutMs: gateTimeoutMs as number }),
      });
    expect(build).toThrow(ConfigError);
    try {
      build();
    } catch (error) {
      expect((error as ConfigError).field).toBe(field);
    }
  });
});
