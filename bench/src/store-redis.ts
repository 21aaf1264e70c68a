import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import {
  type CachedAnswer,
  type CascadeStores,
  createCascade,
  type Generation,
  InMemoryResponseCache,
  type Provider,
  SPECIFICATION_VERSION,
} from '@llm-cascade/core';
import { redisStores } from '@llm-cascade/store-redis';
import { type BenchResult, saveResult } from './result-file.ts';
import { format, median, quantile } from './stats.ts';

// A provider that answers at once: what a run costs beyond it is the engine's work plus the stores'.
const generation: Generation = {
  candidates: [{ text: '{"answer": 42}', finishReason: 'stop' }],
  usage: { inputTokens: 20, outputTokens: 5 },
  model: 'zero-latency',
};
const provider: Provider = {
  specificationVersion: SPECIFICATION_VERSION,
  id: 'zero-latency',
  capabilities: { logprobs: false, multipleSamples: true, structuredOutput: false },
  generate: async () => generation,
};

const answer: CachedAnswer = {
  tier: 'only',
  model: 'zero-latency',
  candidate: { text: '{"answer": 42}', finishReason: 'stop' },
  value: { answer: 42 },
  usage: { inputTokens: 20, outputTokens: 5 },
  costUsd: 0.00003,
  storedAt: 0,
};

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A loopback redis-server for this run only, persistence off. */
async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not on PATH');
  const port = await freePort();
  const child = spawn('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

function cascadeOn(stores: CascadeStores | undefined) {
  return createCascade({
    tiers: [{ name: 'only', provider, model: 'm', price: { inputPerMTok: 1, outputPerMTok: 2 } }],
    circuitBreaker: {},
    spendCaps: [{ key: 'tenant', limitUsd: 1e9, windowMs: 3_600_000 }],
    ...(stores === undefined ? {} : { stores }),
  });
}

/** Per-call latencies (ms) of `call`, sequentially. */
async function timeEach(iterations: number, call: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return times;
}

export async function storeRedisBench(): Promise<BenchResult> {
  const redis = await startRedis();
  const stores = redisStores({ url: redis.url, prefix: `bench:${process.pid}:` });
  const iterations = 2_000;
  const rounds = 5;
  const request = { prompt: 'What is six times seven?', metadata: { tenant: 'acme' } };
  try {
    const inMemory = cascadeOn(undefined);
    const onRedis = cascadeOn(stores);
    // Warm both (JIT, the Lua scripts loaded on the server).
    await timeEach(200, () => inMemory.run(request));
    await timeEach(200, () => onRedis.run(request));
    const memoryRuns: number[] = [];
    const redisRuns: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      memoryRuns.push(...(await timeEach(iterations, () => inMemory.run(request))));
      redisRuns.push(...(await timeEach(iterations, () => onRedis.run(request))));
    }
    const memoryCache = new InMemoryResponseCache();
    memoryCache.set('k', answer, 3_600_000);
    await stores.cache.set('k', answer, 3_600_000);
    const memoryHits = await timeEach(iterations, async () => memoryCache.get('k'));
    const redisHits = await timeEach(iterations, () => stores.cache.get('k'));
    const reserves = await timeEach(iterations, () => stores.budget.reserve('bench', 0.001, 1e9, 3_600_000));

    const memoryRun = median(memoryRuns);
    const redisRun = median(redisRuns);
    const added = redisRun - memoryRun;
    const rows: [string, number, number][] = [
      ['run, in-memory stores (circuit breaker + one spend cap)', memoryRun, quantile(memoryRuns, 0.99)],
      ['run, Redis stores (same options)', redisRun, quantile(redisRuns, 0.99)],
      ['cache hit, in-memory LRU', median(memoryHits), quantile(memoryHits, 0.99)],
      ['cache hit, Redis (GET + JSON.parse)', median(redisHits), quantile(redisHits, 0.99)],
      ['budget reserve, Redis (EVALSHA)', median(reserves), quantile(reserves, 0.99)],
    ];
    const markdown = [
      `Sequential calls against a redis-server on loopback started for the run; a zero-latency provider, so`,
      `the figures are the engine plus the stores. ${rounds} alternating rounds of ${iterations.toLocaleString('en')} runs each.`,
      '',
      '| measure | median | p99 |',
      '| --- | --- | --- |',
      ...rows.map(([label, p50, p99]) => `| ${label} | ${format.us(p50)} | ${format.us(p99)} |`),
      `| added per run by the Redis stores (median difference) | ${format.us(added)} | |`,
    ].join('\n');
    return await saveResult({
      name: 'store-redis',
      title: 'Redis stores: added latency per run and cache hits',
      command: 'scripts/with-node pnpm bench store-redis',
      markdown,
      figures: {
        runInMemoryUs: memoryRun * 1000,
        runRedisUs: redisRun * 1000,
        addedPerRunUs: added * 1000,
        cacheHitInMemoryUs: median(memoryHits) * 1000,
        cacheHitRedisUs: median(redisHits) * 1000,
        reserveRedisUs: median(reserves) * 1000,
      },
    });
  } finally {
    await stores.close();
    await redis.stop();
  }
}
