import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBudgetLedger } from './redis-budget-ledger.ts';
import { connectClient, type TestClient, testRedis, uniquePrefix } from './testing/redis-client.ts';

const { url, skip } = testRedis();

describe.skipIf(skip !== '')('RedisBudgetLedger', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(url);
  });
  afterAll(() => client.destroy());

  function ledger(now: () => number = Date.now): { ledger: RedisBudgetLedger; prefix: string } {
    const prefix = uniquePrefix('budget');
    return { ledger: new RedisBudgetLedger({ client, prefix, now }), prefix };
  }

  it('grants while the window has room and refuses the estimate that would pass the cap', async () => {
    const { ledger: store } = ledger();
    const first = await store.reserve('tenant:acme', 0.4, 1, 60_000);
    expect(first).toMatchObject({ granted: true, leftUsd: 0.6 });
    expect((await store.reserve('tenant:acme', 0.5, 1, 60_000)).granted).toBe(true);
    const refused = await store.reserve('tenant:acme', 0.2, 1, 60_000);
    expect(refused.granted).toBe(false);
    expect(refused.leftUsd).toBeCloseTo(0.1, 10);
    expect(await store.spent('tenant:acme', 60_000)).toBeCloseTo(0.9, 10);
    expect(await store.spent('tenant:other', 60_000)).toBe(0);
  });

  it('settles a hold to the real cost', async () => {
    const { ledger: store } = ledger();
    const result = await store.reserve('k', 0.5, 1, 60_000);
    if (!result.granted) throw new Error('expected a grant');
    await store.settle(result.reservation, 0.125);
    expect(await store.spent('k', 60_000)).toBeCloseTo(0.125, 10);
    expect((await store.reserve('k', 0.875, 1, 60_000)).granted).toBe(true);
  });

  it('lets spend slide out of the window and expires the key', async () => {
    let now = 1_000_000_000_000;
    const { ledger: store, prefix } = ledger(() => now);
    expect((await store.reserve('k', 1, 1, 60_000)).granted).toBe(true);
    expect((await store.reserve('k', 0.01, 1, 60_000)).granted).toBe(false);
    now += 61_000;
    expect(await store.spent('k', 60_000)).toBe(0);
    expect((await store.reserve('k', 0.01, 1, 60_000)).granted).toBe(true);
    // The old bucket was dropped by the script, and the hash carries a TTL of about a window.
    expect(await client.hLen(`${prefix}budget:k`)).toBe(1);
    const ttl = await client.pTTL(`${prefix}budget:k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(61_000);
  });

  it('never grants more than the cap under concurrent reservations', async () => {
    const { ledger: store } = ledger();
    const results = await Promise.all(Array.from({ length: 200 }, () => store.reserve('k', 0.01, 1, 60_000)));
    expect(results.filter((result) => result.granted)).toHaveLength(100);
    expect(await store.spent('k', 60_000)).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('reloads its scripts after the server forgot them (SCRIPT FLUSH)', async () => {
    const { ledger: store } = ledger();
    await store.reserve('k', 0.1, 1, 60_000);
    await client.scriptFlush();
    expect((await store.reserve('k', 0.1, 1, 60_000)).granted).toBe(true);
    expect(await store.spent('k', 60_000)).toBeCloseTo(0.2, 10);
  });
});
