import { ATTR, type CascadeEvent } from '@llm-cascade/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { redisStores } from './redis-stores.ts';
import { fleetCascade, HOUR } from './testing/fleet.ts';
import { uniquePrefix } from './testing/redis-client.ts';
import { redisServerMissing, startRedisServer } from './testing/redis-server.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

// This test stops its server, so it starts its own rather than using the shared one.
describe.skipIf(redisServerMissing() !== undefined)('a cascade whose Redis goes down', { timeout: 30_000 }, () => {
  it('keeps serving from its own state and reports the fallback in an event, a span attribute and one warning', async () => {
    const server = await startRedisServer();
    const exporter = new InMemorySpanExporter();
    const tracing = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const events: CascadeEvent[] = [];
    const { cascade, stores } = fleetCascade(server.url, uniquePrefix('down'), {
      spendCaps: [{ key: 'tenant', limitUsd: 1, windowMs: HOUR }],
      onEvent: (event) => events.push(event),
      tracer: tracing.getTracer('test'),
    });
    const request = { prompt: 'x', metadata: { tenant: 'acme' } };
    try {
      const first = await cascade.run(request);
      expect(first.attempts.map((a) => a.tier)).toEqual(['small', 'large']);
      expect(events.filter((e) => e.type === 'store-fallback')).toEqual([]);
      // Let the breaker's save of the first failure land, then take Redis away.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await server.stop();

      const second = await cascade.run(request);
      expect(second.text).toBe('ok');
      // The second failure of `small` opens its circuit in this process's own state...
      const third = await cascade.run(request);
      expect(third.text).toBe('ok');
      // ...so the third run passes it over, with Redis still down.
      expect(third.attempts.map((a) => a.tier)).toEqual(['large']);

      const fallbacks = events.filter((e) => e.type === 'store-fallback');
      expect(new Set(fallbacks.map((e) => e.store))).toEqual(new Set(['circuit', 'budget']));
      const fallbackSpans = exporter
        .getFinishedSpans()
        .filter((span) => span.attributes[ATTR.storeFallback] !== undefined);
      expect(fallbackSpans.length).toBeGreaterThanOrEqual(2);
      const codes = warning.mock.calls.map((call) => (call[1] as { code?: string } | undefined)?.code);
      expect(codes.filter((code) => code === 'LLM_CASCADE_STORE_FALLBACK').length).toBe(2); // once per store
    } finally {
      await stores.close();
      await server.stop();
    }
  });

  it('rejects while Redis is unreachable, without hanging, and works once it is back', async () => {
    const first = await startRedisServer();
    const port = first.port;
    await first.stop();
    const stores = redisStores({ url: first.url, prefix: uniquePrefix('reconnect') });
    try {
      // Nothing listens: the first call waits for the first connection attempt, then rejects.
      await expect(stores.cache.get('k')).rejects.toThrow();
      await expect(stores.budget.reserve('k', 0.1, 1, HOUR)).rejects.toThrow();
      const back = await startRedisServer({ port });
      try {
        await vi.waitFor(
          async () => {
            expect((await stores.budget.reserve('k', 0.1, 1, HOUR)).granted).toBe(true);
          },
          { timeout: 15_000, interval: 200 },
        );
      } finally {
        await stores.close();
        await back.stop();
      }
    } finally {
      await stores.close();
    }
  });
});
