import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisAuditStore } from './redis-audit-store.ts';
import { RedisResponseCache } from './redis-response-cache.ts';
import { CALL_USD, cappedCascade, fleetCascade, HOUR, spendConcurrently } from './testing/fleet.ts';
import { connectClient, type TestClient, testRedis, uniquePrefix } from './testing/redis-client.ts';
import { spawnWorker } from './testing/spawn-worker.ts';

const { url, skip } = testRedis();

// Each test runs a second Node process (src/testing/fleet-worker.ts) against the same redis-server.
describe.skipIf(skip !== '')('two processes sharing Redis stores', { timeout: 60_000 }, () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(url);
  });
  afterAll(() => client.destroy());

  it('a breaker opened by one process is open for the other', async () => {
    const prefix = uniquePrefix('fleet');
    const worker = spawnWorker('open-breaker', url, prefix);
    worker.start();
    expect(await worker.result).toEqual({ answers: ['large', 'large'], small: 'open' });
    const { cascade, stores } = fleetCascade(url, prefix);
    try {
      const result = await cascade.run({ prompt: 'here' });
      // This process never saw `small` fail, yet passes it over.
      expect(result.attempts.map((attempt) => attempt.tier)).toEqual(['large']);
      const health = await cascade.health();
      expect(health.find((h) => h.tier === 'small')?.circuit?.state).toBe('open');
    } finally {
      await stores.close();
    }
  });

  it('100 concurrent runs split across both processes spend no more than a shared $1 cap', async () => {
    const prefix = uniquePrefix('fleet');
    const worker = spawnWorker('spend', url, prefix);
    const { cascade, stores } = cappedCascade(url, prefix);
    try {
      worker.start();
      const [mine, theirs] = await Promise.all([spendConcurrently(cascade, 50), worker.result]);
      const other = theirs as Awaited<ReturnType<typeof spendConcurrently>>;
      expect(mine.other).toEqual([]);
      expect(other.other).toEqual([]);
      // $1 buys exactly 64 calls at $0.015625; each process alone would have let all 50 of its runs through.
      expect(mine.answered + other.answered).toBe(64);
      expect(mine.refused + other.refused).toBe(36);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const spent = await stores.budget.spent(`spend:tenant:${HOUR}:acme`, HOUR);
      expect(spent).toBeLessThanOrEqual(1 + CALL_USD);
      expect(spent).toBeCloseTo(64 * CALL_USD, 9);
    } finally {
      await stores.close();
    }
  });

  it('a cache filled by one process serves the other', async () => {
    const prefix = uniquePrefix('fleet');
    const worker = spawnWorker('fill-cache', url, prefix);
    worker.start();
    await worker.result;
    const cached = await new RedisResponseCache({ client, prefix }).get('question');
    expect(cached).toMatchObject({ tier: 'large', candidate: { text: 'forty-two' }, value: { answer: 42 } });
  });

  it('audit counts recorded by both processes add up', async () => {
    const prefix = uniquePrefix('fleet');
    const audits = new RedisAuditStore({ client, prefix });
    const worker = spawnWorker('audit', url, prefix);
    worker.start();
    await Promise.all([
      worker.result,
      ...Array.from({ length: 20 }, (_, i) => audits.record('tier:small', i % 2 === 0, HOUR)),
    ]);
    // Worker: 30 audits, 10 agreed; here: 20 audits, 10 agreed.
    expect(await audits.counts('tier:small', HOUR)).toEqual({ agreed: 20, total: 50 });
    expect(await audits.keys()).toEqual(['tier:small']);
  });
});
