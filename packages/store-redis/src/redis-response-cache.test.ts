import type { CachedAnswer } from '@llm-cascade/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisResponseCache } from './redis-response-cache.ts';
import { connectClient, type TestClient, testRedis, uniquePrefix } from './testing/redis-client.ts';

const { url, skip } = testRedis();

const answer: CachedAnswer = {
  tier: 'small',
  model: 'mini',
  candidate: { text: '{"answer":42}', finishReason: 'stop' },
  value: { answer: 42 },
  usage: { inputTokens: 10, outputTokens: 4 },
  costUsd: 0.0001,
  storedAt: 1_700_000_000_000,
};

describe.skipIf(skip !== '')('RedisResponseCache', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(url);
  });
  afterAll(() => client.destroy());

  it('stores an answer with its TTL and reads it back', async () => {
    const prefix = uniquePrefix('cache');
    const cache = new RedisResponseCache({ client, prefix });
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', answer, 5_000);
    expect(await cache.get('k')).toEqual(answer);
    const ttl = await client.pTTL(`${prefix}cache:k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });

  it('does not keep an answer with no time to live', async () => {
    const prefix = uniquePrefix('cache');
    const cache = new RedisResponseCache({ client, prefix });
    await cache.set('k', answer, 0);
    expect(await client.exists(`${prefix}cache:k`)).toBe(0);
  });

  it('reads a malformed entry as a miss', async () => {
    const prefix = uniquePrefix('cache');
    await client.set(`${prefix}cache:a`, 'not json');
    await client.set(`${prefix}cache:b`, '{"tier":"small"}');
    const cache = new RedisResponseCache({ client, prefix });
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('b')).toBeUndefined();
  });
});
