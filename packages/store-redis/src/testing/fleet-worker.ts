// The second process of the two-process tests: `node --conditions=source fleet-worker.ts <scenario> <url> <prefix>`.
// It waits for a line on stdin before starting (so both processes work at once), then prints one JSON line.
import { once } from 'node:events';
import { RedisAuditStore } from '../redis-audit-store.ts';
import { RedisResponseCache } from '../redis-response-cache.ts';
import { cappedCascade, fleetCascade, HOUR, spendConcurrently } from './fleet.ts';

const [scenario, url, prefix] = process.argv.slice(2);
if (scenario === undefined || url === undefined || prefix === undefined)
  throw new Error('usage: <scenario> <url> <prefix>');

async function main(scenario: string, url: string, prefix: string): Promise<unknown> {
  switch (scenario) {
    case 'open-breaker': {
      const { cascade, stores } = fleetCascade(url, prefix);
      const answers = [];
      for (let i = 0; i < 2; i += 1) answers.push((await cascade.run({ prompt: `p${i}` })).tier);
      // The breaker saves just after a run returns: wait (up to 10 s) for the write to land in Redis.
      let small: string | undefined;
      for (let i = 0; i < 500 && small !== 'open'; i += 1) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 20));
        small = (await cascade.health()).find((h) => h.tier === 'small')?.circuit?.state;
      }
      await stores.close();
      return { answers, small };
    }
    case 'spend': {
      const { cascade, stores } = cappedCascade(url, prefix);
      const result = await spendConcurrently(cascade, 50);
      await stores.close();
      return result;
    }
    case 'fill-cache': {
      const { createClient } = await import('redis');
      const client = createClient({ url, disableOfflineQueue: true });
      await client.connect();
      const cache = new RedisResponseCache({ client, prefix });
      await cache.set(
        'question',
        {
          tier: 'large',
          model: 'steady',
          candidate: { text: 'forty-two', finishReason: 'stop' },
          value: { answer: 42 },
          usage: { inputTokens: 3, outputTokens: 2 },
          costUsd: 0.5,
          storedAt: Date.now(),
        },
        60_000,
      );
      client.destroy();
      return { stored: true };
    }
    case 'audit': {
      const { createClient } = await import('redis');
      const client = createClient({ url, disableOfflineQueue: true });
      await client.connect();
      const audits = new RedisAuditStore({ client, prefix });
      await Promise.all(Array.from({ length: 30 }, (_, i) => audits.record('tier:small', i % 3 === 0, HOUR)));
      client.destroy();
      return { recorded: 30 };
    }
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

process.stdin.resume();
await once(process.stdin, 'data');
process.stdin.pause();
const result = await main(scenario, url, prefix);
process.stdout.write(`${JSON.stringify(result)}\n`);
