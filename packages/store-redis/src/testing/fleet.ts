import { type CascadeOptions, createCascade } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { redisStores } from '../redis-stores.ts';

// What the two-process tests share: one cascade definition, built the same way in each process.

/** $0.0078125 a token (2^-7): each call is estimated and billed at 1 input + 1 output token, $0.015625 (2^-6), so sums are exact. */
export const CALL_USD = 0.015625;
export const HOUR = 3_600_000;
const price = { inputPerMTok: 7_812.5, outputPerMTok: 7_812.5 };

/** A cascade on the Redis stores at `url` under `prefix`: a failing `small` tier, a `large` tier, a $1 cap per tenant. */
export function fleetCascade(url: string, prefix: string, extra: Partial<CascadeOptions> = {}) {
  const stores = redisStores({ url, prefix });
  const provider = scriptedProvider({
    script: {
      flaky: [{ error: { status: 503 } }],
      steady: [{ text: 'ok', usage: { inputTokens: 1, outputTokens: 1 }, delayMs: 2 }],
    },
    recordCalls: false,
  });
  const cascade = createCascade({
    name: 'fleet',
    tiers: [
      { name: 'small', provider, model: 'flaky', price, retries: 0, maxOutputTokens: 1 },
      { name: 'large', provider, model: 'steady', price, maxOutputTokens: 1 },
    ],
    estimateInputTokens: () => 1,
    circuitBreaker: { failureThreshold: 2, cooldownMs: HOUR },
    stores,
    ...extra,
  });
  return { cascade, stores };
}

/** A cascade with one tier that always answers, under the $1 cap per tenant. */
export function cappedCascade(url: string, prefix: string) {
  const stores = redisStores({ url, prefix });
  const provider = scriptedProvider({
    script: [{ text: 'ok', usage: { inputTokens: 1, outputTokens: 1 }, delayMs: 2 }],
    recordCalls: false,
  });
  const cascade = createCascade({
    name: 'capped',
    tiers: [{ name: 'only', provider, model: 'm', price, maxOutputTokens: 1 }],
    estimateInputTokens: () => 1,
    spendCaps: [{ key: 'tenant', limitUsd: 1, windowMs: HOUR }],
    stores,
  });
  return { cascade, stores };
}

/** Runs `count` requests for tenant `acme` at once; how many were answered and how many the cap refused. */
export async function spendConcurrently(
  cascade: ReturnType<typeof cappedCascade>['cascade'],
  count: number,
): Promise<{ answered: number; refused: number; other: string[] }> {
  const outcomes = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      cascade.run({ prompt: `q${i}`, metadata: { tenant: 'acme' } }).then(
        () => 'answered',
        (error: unknown) =>
          error instanceof Error && error.message.includes("spend cap 'tenant'") ? 'refused' : String(error),
      ),
    ),
  );
  return {
    answered: outcomes.filter((o) => o === 'answered').length,
    refused: outcomes.filter((o) => o === 'refused').length,
    other: outcomes.filter((o) => o !== 'answered' && o !== 'refused'),
  };
}
