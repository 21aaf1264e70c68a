import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortError, CascadeExhaustedError, ProviderError } from './errors.ts';
import { createCascade } from './index.ts';
import type { CascadeEvent } from './options.ts';
import { backoffDelay, DEFAULT_RETRY } from './retry.ts';
import { scriptedProvider } from './test.ts';

const price = { inputPerMTok: 1, outputPerMTok: 1 };
const fast = { baseDelayMs: 1, maxDelayMs: 2 };

describe('backoffDelay', () => {
  it('grows exponentially with full jitter under the cap', () => {
    expect(backoffDelay(0, undefined, DEFAULT_RETRY, () => 0.999)).toBe(249);
    expect(backoffDelay(3, undefined, DEFAULT_RETRY, () => 0.5)).toBe(1000);
    expect(backoffDelay(20, undefined, DEFAULT_RETRY, () => 0.999)).toBe(7992);
    expect(backoffDelay(2, undefined, DEFAULT_RETRY, () => 0)).toBe(0);
  });

  it('never waits less than Retry-After, and escalates rather than wait past maxRetryAfterMs', () => {
    expect(backoffDelay(0, 5_000, DEFAULT_RETRY, () => 0)).toBe(5_000);
    expect(backoffDelay(0, 30_001, DEFAULT_RETRY, () => 0)).toBeUndefined();
  });
});

describe('provider errors', () => {
  it('retries a retryable error, then escalates when retries run out', async () => {
    const provider = scriptedProvider({
      script: { s: [{ error: { status: 503 } }], l: [{ text: 'fine' }] },
    });
    const events: CascadeEvent[] = [];
    const cascade = createCascade({
      tiers: [
        { name: 's', provider, model: 's', price, retries: 2 },
        { name: 'l', provider, model: 'l', price },
      ],
      retry: fast,
      onEvent: (e) => events.push(e),
    });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.tier).toBe('l');
    expect(result.attempts.map((a) => [a.tier, a.kind, a.outcome])).toEqual([
      ['s', 'first', 'provider-error'],
      ['s', 'retry', 'provider-error'],
      ['s', 'retry', 'provider-error'],
      ['l', 'escalation', 'accepted'],
    ]);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2);
    const error = result.attempts[0]?.error;
    expect(ProviderError.isInstance(error) && error.status === 503 && error.retryable).toBe(true);
  });

  it('retries and then succeeds on the same tier', async () => {
    const provider = scriptedProvider({
      script: [{ error: { status: 429 } }, { error: { kind: 'connection' } }, { text: 'ok' }],
    });
    const cascade = createCascade({ tiers: [{ name: 's', provider, model: 's', price, retries: 2 }], retry: fast });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.accepted).toBe(true);
    expect(result.attempts.map((a) => a.outcome)).toEqual(['provider-error', 'provider-error', 'accepted']);
  });

  it('does not retry a 400: it escalates at once', async () => {
    const provider = scriptedProvider({ script: { s: [{ error: { status: 400 } }], l: [{ text: 'ok' }] } });
    const cascade = createCascade({
      tiers: [
        { name: 's', provider, model: 's', price, retries: 5 },
        { name: 'l', provider, model: 'l', price },
      ],
      retry: fast,
    });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.attempts.map((a) => [a.tier, a.outcome])).toEqual([
      ['s', 'provider-error'],
      ['l', 'accepted'],
    ]);
    expect(provider.calls).toHaveLength(2);
  });

  it('honours Retry-After: the retry waits at least that long', async () => {
    const provider = scriptedProvider({ script: [{ error: { status: 429, retryAfterMs: 40 } }, { text: 'ok' }] });
    const delays: number[] = [];
    const cascade = createCascade({
      tiers: [{ name: 's', provider, model: 's', price, retries: 1 }],
      retry: fast,
      onEvent: (e) => {
        if (e.type === 'retry') delays.push(e.delayMs);
      },
    });
    await cascade.run({ prompt: 'hi' });
    expect(delays).toEqual([40]);
    const gap = (provider.calls[1]?.startedAt ?? 0) - (provider.calls[0]?.startedAt ?? 0);
    expect(gap).toBeGreaterThanOrEqual(39);
  });

  it('escalates instead of waiting out a Retry-After past the cap', async () => {
    const provider = scriptedProvider({
      script: { s: [{ error: { status: 429, retryAfterMs: 60_000 } }], l: [{ text: 'ok' }] },
    });
    const cascade = createCascade({
      tiers: [
        { name: 's', provider, model: 's', price, retries: 3 },
        { name: 'l', provider, model: 'l', price },
      ],
      retry: { ...fast, maxRetryAfterMs: 1_000 },
    });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.attempts.map((a) => a.outcome)).toEqual(['provider-error', 'accepted']);
  });

  it('times a slow tier out as a retryable timeout, then escalates', async () => {
    const provider = scriptedProvider({ script: { s: [{ text: 'late', delayMs: 5_000 }], l: [{ text: 'ok' }] } });
    const cascade = createCascade({
      tiers: [
        { name: 's', provider, model: 's', price, timeoutMs: 20, retries: 0 },
        { name: 'l', provider, model: 'l', price },
      ],
    });
    const result = await cascade.run({ prompt: 'hi' });
    const error = result.attempts[0]?.error;
    expect(ProviderError.isInstance(error) && error.kind === 'timeout' && error.retryable).toBe(true);
    expect(error?.message).toContain("tier 's' timed out after 20 ms");
    expect(result.tier).toBe('l');
  });

  it('times out a provider that ignores its signal', async () => {
    const provider = scriptedProvider({ script: [{ text: 'late', delayMs: 300, ignoreSignal: true }] });
    const cascade = createCascade({ tiers: [{ name: 's', provider, model: 's', price, timeoutMs: 10, retries: 0 }] });
    const error = await cascade.run({ prompt: 'hi' }).catch((e: unknown) => e);
    expect(CascadeExhaustedError.isInstance(error)).toBe(true);
    expect((error as CascadeExhaustedError).attempts[0]?.error?.message).toContain('timed out');
  });

  it('normalises an unknown throw from a provider into a non-retryable ProviderError with the cause', async () => {
    const bug = new TypeError('provider bug');
    const provider = scriptedProvider({ script: [{ error: bug }] });
    const cascade = createCascade({ tiers: [{ name: 's', provider, model: 's', price, retries: 3 }], retry: fast });
    const error = (await cascade.run({ prompt: 'hi' }).catch((e: unknown) => e)) as CascadeExhaustedError;
    expect(provider.calls).toHaveLength(1);
    const attemptError = error.attempts[0]?.error;
    expect(ProviderError.isInstance(attemptError) && attemptError.kind === 'unknown' && !attemptError.retryable).toBe(
      true,
    );
    expect(attemptError?.cause).toBe(bug);
    expect(error.cause).toBe(attemptError);
  });

  it('rejects a malformed generation as a provider error instead of crashing a gate', async () => {
    const broken = {
      ...scriptedProvider({ script: [{ text: 'x' }] }),
      generate: async () => ({ candidates: [], usage: { inputTokens: 1, outputTokens: 1 }, model: 'm' }),
    };
    const cascade = createCascade({ tiers: [{ name: 's', provider: broken, model: 's', price }] });
    const error = (await cascade.run({ prompt: 'hi' }).catch((e: unknown) => e)) as CascadeExhaustedError;
    const attemptError = error.attempts[0]?.error;
    expect(ProviderError.isInstance(attemptError) && attemptError.kind).toBe('malformed-response');
  });
});

describe('abort', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects with AbortError as soon as the signal fires during a slow call, and leaves no timer running', async () => {
    vi.useFakeTimers();
    const provider = scriptedProvider({ script: [{ text: 'slow', delayMs: 60_000 }] });
    const cascade = createCascade({ tiers: [{ name: 's', provider, model: 's', price, timeoutMs: 120_000 }] });
    const controller = new AbortController();
    const running = cascade.run({ prompt: 'hi' }, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(10);
    expect(provider.inFlight).toBe(1);
    controller.abort(new Error('user cancelled'));
    // No timer is advanced from here on: the rejection must not wait for any timer.
    const error = await running.catch((e: unknown) => e);
    expect(AbortError.isInstance(error)).toBe(true);
    expect((error as AbortError).attempts.map((a) => a.outcome)).toEqual(['aborted']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('settles promptly even when the provider ignores its signal', async () => {
    vi.useFakeTimers();
    const provider = scriptedProvider({ script: [{ text: 'slow', delayMs: 60_000, ignoreSignal: true }] });
    const cascade = createCascade({ tiers: [{ name: 's', provider, model: 's', price, timeoutMs: 120_000 }] });
    const controller = new AbortController();
    const running = cascade.run({ prompt: 'hi' }, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(1);
    controller.abort();
    await expect(running).rejects.toSatisfy(AbortError.isInstance);
    // Only the ignoring provider's own sleep is left; the engine's timeout timer was cleared.
    expect(vi.getTimerCount()).toBe(1);
  });

  it('aborts during a retry backoff and stops the ladder', async () => {
    vi.useFakeTimers();
    const provider = scriptedProvider({ script: { s: [{ error: { status: 500 } }], l: [{ text: 'ok' }] } });
    const cascade = createCascade({
      tiers: [
        { name: 's', provider, model: 's', price, retries: 3 },
        { name: 'l', provider, model: 'l', price },
      ],
      retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 },
    });
    const controller = new AbortController();
    const running = cascade.run({ prompt: 'hi' }, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(0);
    controller.abort();
    await expect(running).rejects.toSatisfy(AbortError.isInstance);
    expect(provider.calls.map((c) => c.request.model)).toEqual(['s']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once with an already-aborted signal, without calling the provider', async () => {
    const provider = scriptedProvider({ script: [{ text: 'ok' }] });
    const cascade = createCascade({ tiers: [{ name: 's', provider, model: 's', price }] });
    await expect(cascade.run({ prompt: 'hi' }, { signal: AbortSignal.abort() })).rejects.toSatisfy(
      AbortError.isInstance,
    );
    expect(provider.calls).toHaveLength(0);
  });

  it('keeps the answer of an attempt aborted while its gates ran', async () => {
    const provider = scriptedProvider({ script: [{ text: 'answer' }] });
    const controller = new AbortController();
    const slowGate = {
      name: 'slow',
      evaluate: () => {
        controller.abort();
        return new Promise<never>(() => {});
      },
    };
    const cascade = createCascade({ tiers: [{ name: 's', provider, model: 's', price }], gates: [slowGate] });
    const error = (await cascade
      .run({ prompt: 'hi' }, { signal: controller.signal })
      .catch((e: unknown) => e)) as AbortError;
    expect(AbortError.isInstance(error)).toBe(true);
    expect(error.attempts[0]).toMatchObject({ outcome: 'aborted', candidates: [{ text: 'answer' }] });
    expect(error.attempts[0]?.costUsd).toBeGreaterThan(0);
  });
});
