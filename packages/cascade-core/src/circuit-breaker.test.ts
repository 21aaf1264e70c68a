import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitSnapshot, type CircuitStore } from './circuit-breaker.ts';
import { NoTierAvailableError, ProviderError } from './errors.ts';
import { createCascade } from './index.ts';
import type { CascadeEvent } from './options.ts';
import { scriptedProvider } from './test.ts';

const serverError = new ProviderError('500', { kind: 'server', retryable: true, status: 500 });
const badRequest = new ProviderError('400', { kind: 'bad-request', retryable: false, status: 400 });
const price = { inputPerMTok: 1, outputPerMTok: 1 };

function clock() {
  let now = 1_000;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function fail(breaker: CircuitBreaker, times: number, error = serverError) {
  for (let i = 0; i < times; i += 1) await breaker.record('allow', error);
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, and a success resets the count', async () => {
    const breaker = new CircuitBreaker('t', { failureThreshold: 3, minimumCalls: 100 });
    await fail(breaker, 2);
    await breaker.record('allow', undefined);
    await fail(breaker, 2);
    expect((await breaker.snapshot()).state).toBe('closed');
    const transition = await breaker.record('allow', serverError);
    expect(transition).toEqual({ from: 'closed', to: 'open' });
    expect((await breaker.acquire()).decision).toBe('reject');
  });

  it('opens on an error rate over the sliding window once it holds enough calls', async () => {
    const breaker = new CircuitBreaker('t', {
      failureThreshold: 100,
      errorRateThreshold: 0.5,
      windowSize: 10,
      minimumCalls: 10,
    });
    for (let i = 0; i < 9; i += 1) await breaker.record('allow', i % 3 === 0 ? undefined : serverError);
    expect((await breaker.snapshot()).state).toBe('closed'); // 9 calls: below the minimum
    await breaker.record('allow', serverError);
    expect((await breaker.snapshot()).state).toBe('open'); // 7 of 10 failed
  });

  it('goes half-open after the cooldown, lets a limited number of probes through, and closes on success', async () => {
    const time = clock();
    const breaker = new CircuitBreaker('t', {
      failureThreshold: 1,
      cooldownMs: 1_000,
      halfOpenProbes: 1,
      now: time.now,
    });
    await fail(breaker, 1);
    time.advance(999);
    expect((await breaker.acquire()).decision).toBe('reject');
    time.advance(1);
    expect(await breaker.acquire()).toEqual({ decision: 'probe', transition: { from: 'open', to: 'half-open' } });
    expect((await breaker.acquire()).decision).toBe('reject'); // one probe at a time
    expect(await breaker.record('probe', undefined)).toEqual({ from: 'half-open', to: 'closed' });
    expect((await breaker.acquire()).decision).toBe('allow');
  });

  it('reopens when a probe fails, restarting the cooldown', async () => {
    const time = clock();
    const breaker = new CircuitBreaker('t', { failureThreshold: 1, cooldownMs: 1_000, now: time.now });
    await fail(breaker, 1);
    time.advance(1_000);
    await breaker.acquire();
    expect(await breaker.record('probe', serverError)).toEqual({ from: 'half-open', to: 'open' });
    time.advance(500);
    expect((await breaker.acquire()).decision).toBe('reject');
  });

  it('ignores errors about the request itself', async () => {
    const breaker = new CircuitBreaker('t', { failureThreshold: 1 });
    await fail(breaker, 5, badRequest);
    expect((await breaker.snapshot()).state).toBe('closed');
  });

  it('keeps its state in the store it is given', async () => {
    const saved = new Map<string, CircuitSnapshot>();
    const store: CircuitStore = {
      load: async (key) => saved.get(key),
      save: async (key, snapshot) => {
        saved.set(key, snapshot);
      },
    };
    const one = new CircuitBreaker('shared', { failureThreshold: 2, store });
    const two = new CircuitBreaker('shared', { failureThreshold: 2, store });
    await fail(one, 1);
    await fail(two, 1);
    expect(saved.get('shared')?.state).toBe('open');
    expect((await one.acquire()).decision).toBe('reject');
  });
});

describe('circuit breaker in a cascade', () => {
  it('passes an open tier over, and says which tiers were open when none is left', async () => {
    const provider = scriptedProvider({ script: { s: [{ error: { status: 503 } }], l: [{ text: 'ok' }] } });
    const events: CascadeEvent[] = [];
    const cascade = createCascade({
      name: 'cb',
      tiers: [
        { name: 'small', provider, model: 's', price, retries: 0 },
        { name: 'large', provider, model: 'l', price },
      ],
      circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000 },
      onEvent: (e) => events.push(e),
    });
    await cascade.run({ prompt: '1' });
    await cascade.run({ prompt: '2' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.filter((e) => e.type === 'circuit')).toEqual([
      expect.objectContaining({ tier: 'small', from: 'closed', to: 'open' }),
    ]);
    const third = await cascade.run({ prompt: '3' });
    expect(third.attempts.map((a) => a.tier)).toEqual(['large']);
    expect(provider.calls.filter((c) => c.request.model === 's')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'tier-skipped').at(-1)).toMatchObject({
      tier: 'small',
      reason: 'circuit open',
    });
    const health = await cascade.health();
    expect(health.map((h) => [h.tier, h.circuit?.state])).toEqual([
      ['small', 'open'],
      ['large', 'closed'],
    ]);
    expect(health[1]?.latency.samples).toBe(3);

    const onlySmall = createCascade({
      tiers: [{ name: 'small', provider, model: 's', price, retries: 0 }],
      circuitBreaker: { failureThreshold: 1 },
    });
    await onlySmall.run({ prompt: 'x' }).catch(() => {});
    await new Promise((resolve) => setImmediate(resolve));
    const error = await onlySmall.run({ prompt: 'y' }).catch((e: unknown) => e);
    expect(NoTierAvailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('small (circuit open)');
  });

  it('stops retrying a tier whose circuit opened during the retries', async () => {
    const provider = scriptedProvider({ script: { s: [{ error: { status: 500 } }], l: [{ text: 'ok' }] } });
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 's', price, retries: 5 },
        { name: 'large', provider, model: 'l', price },
      ],
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
      circuitBreaker: { failureThreshold: 2 },
    });
    const result = await cascade.run({ prompt: 'x' });
    expect(result.attempts.filter((a) => a.tier === 'small')).toHaveLength(2);
  });
});

describe('an aborted probe', () => {
  it('gives its half-open slot back, so the next request can probe', async () => {
    const time = clock();
    const provider = scriptedProvider({
      script: {
        s: [{ error: { status: 500 } }, { text: 'slow', delayMs: 60_000 }, { text: 'ok' }],
        l: [{ text: 'ok' }],
      },
    });
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 's', price, retries: 0 },
        { name: 'large', provider, model: 'l', price },
      ],
      circuitBreaker: { failureThreshold: 1, cooldownMs: 1_000, now: time.now },
    });
    await cascade.run({ prompt: 'opens the circuit' });
    await new Promise((resolve) => setImmediate(resolve));
    time.advance(1_000);
    const controller = new AbortController();
    const probe = cascade.run({ prompt: 'probe' }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await probe.catch(() => {});
    const next = await cascade.run({ prompt: 'next probe' });
    expect(next.attempts.map((a) => a.tier)).toEqual(['small']);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await cascade.health())[0]?.circuit?.state).toBe('closed');
  });
});
