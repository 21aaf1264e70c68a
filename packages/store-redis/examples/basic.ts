/**
 * Two cascades on one Redis, standing in for two processes of a fleet: a tier one of them sees failing is
 * passed over by the other, and both draw on one $0.05 spend cap. The provider is scripted (no network,
 * no key): `small` always fails with a 503, `large` answers for $0.01 a call.
 *
 * Start a throwaway Redis, then run from the repository root:
 *   redis-server --port 6390 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes
 *   REDIS_URL=redis://127.0.0.1:6390 node --conditions=source packages/store-redis/examples/basic.ts
 *   redis-cli -p 6390 shutdown nosave
 */
import { createCascade } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { redisStores } from '@llm-cascade/store-redis';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// A fresh prefix per run, so running the example twice starts from nothing.
const prefix = `example:${Date.now()}:`;

function fleetMember(name: string) {
  const stores = redisStores({ url, prefix });
  const provider = scriptedProvider({
    script: {
      flaky: [{ error: { status: 503 } }],
      steady: [{ text: `answer from ${name}`, usage: { outputTokens: 1 } }],
    },
  });
  const price = { inputPerMTok: 0, outputPerMTok: 10_000 }; // $0.01 per output token
  const cascade = createCascade({
    name: 'support-bot', // the breakers are keyed by cascade and tier name: the same in every process
    tiers: [
      { name: 'small', provider, model: 'flaky', price, retries: 0, maxOutputTokens: 1 },
      { name: 'large', provider, model: 'steady', price, maxOutputTokens: 1 },
    ],
    estimateInputTokens: () => 0,
    circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000 },
    spendCaps: [{ key: 'tenant', limitUsd: 0.05, windowMs: 3_600_000 }],
    stores,
    onEvent: (event) => {
      if (event.type === 'store-fallback')
        console.log(`${name}: Redis unavailable (${event.message}), using local state`);
    },
  });
  return { cascade, stores };
}

const a = fleetMember('a');
const b = fleetMember('b');
const request = { prompt: 'Where is my invoice?', metadata: { tenant: 'acme' } };
try {
  for (let i = 0; i < 2; i += 1) {
    const result = await a.cascade.run(request);
    console.log(`a: ${result.text} (tiers tried: ${result.attempts.map((x) => x.tier).join(', ')})`);
  }
  // The breaker saves just after a run returns: wait until Redis has a's view of `small`.
  for (let i = 0; i < 500; i += 1) {
    const small = (await a.cascade.health()).find((h) => h.tier === 'small');
    if (small?.circuit?.state === 'open') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const result = await b.cascade.run(request);
  console.log(`b: ${result.text} (tiers tried: ${result.attempts.map((x) => x.tier).join(', ')})`);
  for (;;) {
    const outcome = await b.cascade.run(request).then(
      (r) => `answered by ${r.tier}`,
      (error: Error) => `refused: ${error.message}`,
    );
    console.log(`b: ${outcome}`);
    if (outcome.startsWith('refused')) break;
  }
  const spent = await b.stores.budget.spent('spend:tenant:3600000:acme', 3_600_000);
  console.log(`acme spent $${spent.toFixed(2)} of $0.05, across both`);
} finally {
  await a.stores.close();
  await b.stores.close();
}
