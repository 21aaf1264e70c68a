import { CircuitBreaker } from '@llm-cascade/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCircuitStore } from './redis-circuit-store.ts';
import { connectClient, type TestClient, testRedis, uniquePrefix } from './testing/redis-client.ts';

const { url, skip } = testRedis();

describe.skipIf(skip !== '')('RedisCircuitStore', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(url);
  });
  afterAll(() => client.destroy());

  it('round-trips a snapshot compactly, with a TTL', async () => {
    const prefix = uniquePrefix('circuit');
    const store = new RedisCircuitStore({ client, prefix, ttlMs: 10_000 });
    expect(await store.load('small')).toBeUndefined();
    const snapshot = { state: 'open' as const, consecutiveFailures: 3, recent: [false, true, true], openedAt: 1234 };
    await store.save('small', snapshot);
    expect(await store.load('small')).toEqual(snapshot);
    expect(await client.get(`${prefix}circuit:small`)).toBe('{"s":"open","c":3,"r":"011","o":1234}');
    expect(await client.pTTL(`${prefix}circuit:small`)).toBeGreaterThan(0);
  });

  it('reads a malformed entry as no state', async () => {
    const prefix = uniquePrefix('circuit');
    await client.set(`${prefix}circuit:small`, '{"s":"sideways"}');
    expect(await new RedisCircuitStore({ client, prefix }).load('small')).toBeUndefined();
  });

  it('shares one breaker state between two breakers (as two processes would)', async () => {
    const prefix = uniquePrefix('circuit');
    const options = { failureThreshold: 2, store: new RedisCircuitStore({ client, prefix }) };
    const first = new CircuitBreaker('small', options);
    const second = new CircuitBreaker('small', { ...options, store: new RedisCircuitStore({ client, prefix }) });
    const failure = new Error('boom');
    await first.record('allow', failure as never);
    await first.record('allow', failure as never);
    expect((await second.acquire()).decision).toBe('reject');
  });
});
