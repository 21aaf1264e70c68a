import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisAuditStore } from './redis-audit-store.ts';
import { connectClient, type TestClient, testRedis, uniquePrefix } from './testing/redis-client.ts';

const { url, skip } = testRedis();

describe.skipIf(skip !== '')('RedisAuditStore', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(url);
  });
  afterAll(() => client.destroy());

  it('counts audits and agreements per key over the window, and lists live keys', async () => {
    let now = 1_000_000_000_000;
    const store = new RedisAuditStore({ client, prefix: uniquePrefix('audit'), now: () => now });
    await store.record('small', true, 60_000);
    await store.record('small', false, 60_000);
    await store.record('small', true, 60_000);
    await store.record('medium', false, 60_000);
    expect(await store.counts('small', 60_000)).toEqual({ agreed: 2, total: 3 });
    expect(await store.counts('medium', 60_000)).toEqual({ agreed: 0, total: 1 });
    expect(await store.counts('large', 60_000)).toEqual({ agreed: 0, total: 0 });
    expect([...(await store.keys())].sort()).toEqual(['medium', 'small']);
    now += 30_000;
    await store.record('small', true, 60_000);
    now += 40_000;
    // The first three left the window; the one 40 s ago stays.
    expect(await store.counts('small', 60_000)).toEqual({ agreed: 1, total: 1 });
    expect(await store.keys()).toEqual(['small']);
  });

  it('keeps every concurrent record', async () => {
    const store = new RedisAuditStore({ client, prefix: uniquePrefix('audit') });
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.record('k', i % 4 === 0, 3_600_000)));
    expect(await store.counts('k', 3_600_000)).toEqual({ agreed: 25, total: 100 });
  });
});
