import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from './errors.ts';
import { type CascadeOptions, type CascadeRequest, createCascade, InMemoryResponseCache } from './index.ts';
import type { CascadeEvent } from './options.ts';
import { scriptedGate, scriptedProvider } from './test.ts';

const price = { inputPerMTok: 1, outputPerMTok: 1 };

/** A gate that passes only `right`, and gives a parsed value. */
function exact(name = 'exact') {
  return scriptedGate({
    name,
    results: (context) =>
      context.candidate.text.startsWith('right')
        ? { status: 'pass', reason: 'ok', value: { answer: context.candidate.text } }
        : { status: 'fail', reason: 'wrong' },
  });
}

function setup(overrides: Partial<CascadeOptions> = {}, script = { s: [{ text: 'right' }], l: [{ text: 'right-l' }] }) {
  const provider = scriptedProvider({ script });
  const options: CascadeOptions = {
    tiers: [
      { name: 'small', provider, model: 's', price, repairs: 0 },
      { name: 'large', provider, model: 'l', price, repairs: 0 },
    ],
    gates: [exact()],
    cache: { ttlMs: 60_000 },
    ...overrides,
  };
  return { provider, cascade: createCascade(options), options };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the response cache', () => {
  it('answers a repeated request from the cache: an accepted attempt of kind cache, at no cost', async () => {
    const { provider, cascade } = setup();
    const first = await cascade.run({ prompt: 'q', metadata: { tenant: 'a' } });
    const second = await cascade.run({ prompt: 'q', metadata: { tenant: 'b' }, id: 'other-id' });
    expect(provider.calls).toHaveLength(1);
    expect(second.attempts).toEqual([
      expect.objectContaining({ kind: 'cache', outcome: 'accepted', tier: 'small', costUsd: 0, calls: 0 }),
    ]);
    expect(second.costUsd).toBe(0);
    expect(second.text).toBe(first.text);
    expect(second.value).toEqual({ answer: 'right' });
    expect(second.accepted).toBe(true);
  });

  it('misses when anything that shapes the answer differs', async () => {
    const { provider, cascade } = setup();
    const base: CascadeRequest = { prompt: 'q' };
    await cascade.run(base);
    await cascade.run({ ...base, temperature: 0.5 });
    await cascade.run({ ...base, system: 'be brief' });
    await cascade.run({ ...base, maxOutputTokens: 10 });
    await cascade.run({ prompt: 'another' });
    expect(provider.calls).toHaveLength(5);
    await cascade.run({ ...base, temperature: 0.5 });
    expect(provider.calls).toHaveLength(5);
  });

  it('keys on the gate chain: other gate names or another cacheVersion miss', async () => {
    const store = new InMemoryResponseCache();
    const { provider, options } = setup({ cache: { ttlMs: 60_000, store } });
    await createCascade(options).run({ prompt: 'q' });
    await createCascade(options).run({ prompt: 'q' });
    expect(provider.calls).toHaveLength(1);
    await createCascade({ ...options, gates: [exact('exact-v2')] }).run({ prompt: 'q' });
    expect(provider.calls).toHaveLength(2);
    await createCascade({ ...options, cache: { ttlMs: 60_000, store, cacheVersion: '2' } }).run({ prompt: 'q' });
    expect(provider.calls).toHaveLength(3);
  });

  it('caches only accepted answers, and serves an escalated one from its own tier', async () => {
    const { provider, cascade } = setup({ onExhausted: 'best' }, { s: [{ text: 'wrong' }], l: [{ text: 'wrong' }] });
    await cascade.run({ prompt: 'q' });
    await cascade.run({ prompt: 'q' });
    expect(provider.calls).toHaveLength(4);

    const escalating = setup({}, { s: [{ text: 'wrong' }], l: [{ text: 'right-l' }] });
    await escalating.cascade.run({ prompt: 'q' });
    const again = await escalating.cascade.run({ prompt: 'q' });
    expect(again.attempts.map((a) => [a.tier, a.kind])).toEqual([['large', 'cache']]);
    expect(escalating.provider.calls).toHaveLength(2);
  });

  it('expires answers after ttlMs', async () => {
    // lru-cache reads a start time of 0 as "no TTL": start the fake clock elsewhere.
    let now = 1_000_000;
    const store = new InMemoryResponseCache({ now: () => now });
    const { provider, cascade } = setup({ cache: { ttlMs: 1_000, store } });
    await cascade.run({ prompt: 'q' });
    now += 999;
    await cascade.run({ prompt: 'q' });
    expect(provider.calls).toHaveLength(1);
    now += 2;
    await cascade.run({ prompt: 'q' });
    expect(provider.calls).toHaveLength(2);
  });

  it('is bypassed by run({ cache: false })', async () => {
    const { provider, cascade } = setup();
    await cascade.run({ prompt: 'q' }, { cache: false });
    await cascade.run({ prompt: 'q' });
    await cascade.run({ prompt: 'q' }, { cache: false });
    expect(provider.calls).toHaveLength(3);
  });

  it('traces a hit: cascade.cache.hit on the run span and a cache attempt span', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const { cascade } = setup({ tracer: tracerProvider.getTracer('test') });
    await cascade.run({ prompt: 'q' });
    exporter.reset();
    await cascade.run({ prompt: 'q' });
    const spans = exporter.getFinishedSpans();
    const run = spans.find((s) => s.name === 'cascade.run');
    const attempt = spans.find((s) => s.name === 'cascade.attempt small');
    expect(run?.attributes['cascade.cache.hit']).toBe(true);
    expect(attempt?.attributes).toMatchObject({ 'cascade.attempt.kind': 'cache', 'cascade.cache.hit': true });
    expect(spans.some((s) => s.name.startsWith('chat'))).toBe(false);
    await tracerProvider.shutdown();
  });

  it('treats a failing store as a miss, and says so', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const events: CascadeEvent[] = [];
    const broken = { get: () => Promise.reject(new Error('down')), set: () => Promise.reject(new Error('down')) };
    const { provider, cascade } = setup({ cache: { ttlMs: 1_000, store: broken }, onEvent: (e) => events.push(e) });
    expect((await cascade.run({ prompt: 'q' })).text).toBe('right');
    expect((await cascade.run({ prompt: 'q' })).text).toBe('right');
    expect(provider.calls).toHaveLength(2);
    await new Promise((resolve) => setImmediate(resolve));
    const operations = events
      .filter((e) => e.type === 'store-fallback')
      .map((e) => e.type === 'store-fallback' && e.operation);
    expect(operations).toContain('get');
    expect(operations).toContain('set');
  });

  it('rejects a bad cache option when the cascade is built', () => {
    expect(() => setup({ cache: { ttlMs: 0 } })).toThrow('cache.ttlMs');
    expect(() => setup({ cache: { ttlMs: 1, maxEntries: 0 } })).toThrow('cache.maxEntries');
    expect(() => setup({ cache: { ttlMs: 1, ttl: 5 } as never })).toThrow(ConfigError);
    expect(() => setup({ cache: { ttlMs: 1, store: {} as never } })).toThrow('cache.store');
  });
});
