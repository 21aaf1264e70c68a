import { afterEach, describe, expect, it, vi } from 'vitest';
import { InMemoryAuditStore } from './audit-store.ts';
import { InMemoryBudgetLedger } from './budget-ledger.ts';
import { CircuitBreaker, type CircuitStore } from './circuit-breaker.ts';
import { ConfigError, ProviderError } from './errors.ts';
import { createCascade } from './index.ts';
import type { CascadeEvent } from './options.ts';
import { InMemoryResponseCache } from './response-cache.ts';
import { storeErrorMessage } from './stores.ts';
import { scriptedProvider } from './test.ts';

const price = { inputPerMTok: 1, outputPerMTok: 1 };
const HOUR = 3_600_000;

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function brokenCircuitStore(): CircuitStore {
  return {
    load: () => Promise.reject(new Error('connect ECONNREFUSED redis://app:hunter2secret@cache:6379')),
    save: () => Promise.reject(new Error('connection closed')),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('InMemoryBudgetLedger', () => {
  it('grants while the window has room and refuses past the cap, saying what is left', () => {
    const ledger = new InMemoryBudgetLedger({ now: clock().now });
    const first = ledger.reserve('tenant:acme', 0.6, 1, HOUR);
    expect(first).toMatchObject({ granted: true, leftUsd: expect.closeTo(0.4, 9) });
    expect(ledger.reserve('tenant:acme', 0.6, 1, HOUR)).toEqual({ granted: false, leftUsd: expect.closeTo(0.4, 9) });
    expect(ledger.reserve('tenant:other', 0.6, 1, HOUR).granted).toBe(true);
    expect(ledger.spent('tenant:acme', HOUR)).toBeCloseTo(0.6, 9);
  });

  it('settles a reservation to its real cost', () => {
    const ledger = new InMemoryBudgetLedger({ now: clock().now });
    const held = ledger.reserve('k', 0.8, 1, HOUR);
    if (!held.granted) throw new Error('expected a grant');
    expect(ledger.reserve('k', 0.5, 1, HOUR).granted).toBe(false);
    ledger.settle(held.reservation, 0.1);
    expect(ledger.spent('k', HOUR)).toBeCloseTo(0.1, 9);
    expect(ledger.reserve('k', 0.5, 1, HOUR).granted).toBe(true);
  });

  it('forgets spend once it leaves the window', () => {
    const time = clock();
    const ledger = new InMemoryBudgetLedger({ now: time.now });
    expect(ledger.reserve('k', 1, 1, HOUR).granted).toBe(true);
    time.advance(HOUR / 2);
    expect(ledger.reserve('k', 0.01, 1, HOUR).granted).toBe(false);
    // One bucket (a sixtieth of the window) of slack: spend leaves late, never early.
    time.advance(HOUR / 2 + HOUR / 60);
    expect(ledger.spent('k', HOUR)).toBe(0);
    expect(ledger.reserve('k', 1, 1, HOUR).granted).toBe(true);
  });

  it('never grants two reservations that only one could afford', async () => {
    const ledger = new InMemoryBudgetLedger();
    const results = await Promise.all([1, 2, 3, 4].map(async () => ledger.reserve('k', 0.4, 1, HOUR)));
    expect(results.filter((r) => r.granted)).toHaveLength(2);
  });
});

describe('InMemoryResponseCache', () => {
  it('expires entries after their TTL and evicts the least recently used past maxEntries', () => {
    const time = clock();
    const cache = new InMemoryResponseCache({ maxEntries: 2, now: time.now });
    const answer = {
      tier: 'small',
      model: 's',
      candidate: { text: 'ok', finishReason: 'stop' as const },
      usage: { inputTokens: 1, outputTokens: 1 },
      costUsd: 0,
      storedAt: 0,
    };
    cache.set('a', answer, 1_000);
    cache.set('b', answer, 10_000);
    expect(cache.get('a')).toEqual(answer);
    cache.set('c', answer, 10_000);
    expect(cache.get('b')).toBeUndefined(); // 'a' was read more recently
    time.advance(1_001);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toEqual(answer);
  });
});

describe('InMemoryAuditStore', () => {
  it('counts agreement over a rolling window, by key', () => {
    const time = clock();
    const audits = new InMemoryAuditStore({ now: time.now });
    audits.record('tier:small', true, HOUR);
    audits.record('tier:small', false, HOUR);
    audits.record('feature:faq', true, HOUR);
    expect(audits.counts('tier:small', HOUR)).toEqual({ agreed: 1, total: 2 });
    expect([...audits.keys()].sort()).toEqual(['feature:faq', 'tier:small']);
    time.advance(HOUR + HOUR / 60);
    audits.record('tier:small', true, HOUR);
    expect(audits.counts('tier:small', HOUR)).toEqual({ agreed: 1, total: 1 });
    expect(audits.counts('feature:faq', HOUR)).toEqual({ agreed: 0, total: 0 });
  });
});

describe('a failing circuit store', () => {
  it('leaves the breaker on the state this process last saw, reporting each failure', async () => {
    const failures: string[] = [];
    const breaker = new CircuitBreaker('t', { failureThreshold: 1, store: brokenCircuitStore() });
    const report = (operation: string) => failures.push(operation);
    await breaker.record('allow', new ProviderError('500', { kind: 'server', retryable: true }), report);
    expect((await breaker.snapshot(report)).state).toBe('open');
    expect((await breaker.acquire(report)).decision).toBe('reject');
    expect(failures).toEqual(['load', 'save', 'load', 'load']);
  });

  it('never fails a run, even when it fails while a provider error is being retried', async () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const events: CascadeEvent[] = [];
    const provider = scriptedProvider({ script: { s: [{ error: { status: 500 } }, { text: 'ok' }] } });
    const cascade = createCascade({
      tiers: [{ name: 'small', provider, model: 's', price, retries: 2 }],
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
      circuitBreaker: { failureThreshold: 5 },
      stores: { circuit: brokenCircuitStore() },
      onEvent: (event) => events.push(event),
    });
    const result = await cascade.run({ prompt: 'x' });
    expect(result.text).toBe('ok');
    await cascade.run({ prompt: 'y' });
    const fallbacks = events.filter((e) => e.type === 'store-fallback');
    expect(fallbacks.length).toBeGreaterThan(0);
    expect(fallbacks[0]).toMatchObject({ store: 'circuit', operation: 'load' });
    expect(JSON.stringify(fallbacks)).not.toContain('hunter2secret');
    expect(warning).toHaveBeenCalledTimes(1);
    expect(String(warning.mock.calls[0]?.[0])).not.toContain('hunter2secret');
    expect((await cascade.health())[0]?.circuit?.state).toBe('closed');
  });

  it('uses stores.circuit for the breakers, unless circuitBreaker.store is set', async () => {
    const saved: string[] = [];
    const store: CircuitStore = { load: () => undefined, save: (key) => void saved.push(key) };
    const provider = scriptedProvider({ script: { s: [{ error: { status: 500 } }], l: [{ text: 'ok' }] } });
    const tiers = [
      { name: 'small', provider, model: 's', price, retries: 0 },
      { name: 'large', provider, model: 'l', price },
    ];
    await createCascade({ name: 'c', tiers, circuitBreaker: {}, stores: { circuit: store } }).run({ prompt: 'x' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(saved).toContain('c:small');
    saved.length = 0;
    const own: CircuitStore = { load: () => undefined, save: () => {} };
    await createCascade({ tiers, circuitBreaker: { store: own }, stores: { circuit: store } }).run({ prompt: 'x' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(saved).toEqual([]);
  });
});

describe('stores configuration', () => {
  const tiers = [{ name: 'small', provider: scriptedProvider({ script: {} }), model: 's', price }];

  it('rejects an unknown store and one missing a method, naming the field', () => {
    const unknown = () => createCascade({ tiers, stores: { breaker: {} } as never });
    expect(unknown).toThrow(ConfigError);
    expect(unknown).toThrow('stores.breaker');
    const missing = () =>
      createCascade({ tiers, stores: { budget: { reserve: () => ({ granted: false, leftUsd: 0 }) } as never } });
    expect(missing).toThrow('stores.budget');
    expect(missing).toThrow('missing settle, spent');
  });
});

describe('storeErrorMessage', () => {
  it('scrubs a connection URL password', () => {
    expect(storeErrorMessage(new Error('redis://user:pa55word@host:6379 refused'))).toBe(
      'redis://user:[redacted]@host:6379 refused',
    );
  });
});
