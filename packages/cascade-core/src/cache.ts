import { createHash } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { ConfigError } from './errors.ts';
import { ZERO_USAGE } from './pricing.ts';
import type { ResolvedTier } from './resolve-options.ts';
import { type CachedAnswer, InMemoryResponseCache, type ResponseCacheStore } from './response-cache.ts';
import type { Attempt } from './result.ts';
import type { Run } from './run-state.ts';
import { policySkip } from './tier-health.ts';
import { ATTR, SPAN } from './tracing.ts';

/** The response cache (opt-in): accepted answers, reused for the same request to the same tier. */
export interface CacheOptions {
  /** How long an answer is kept, in milliseconds. */
  readonly ttlMs: number;
  /** Entries the in-memory cache keeps (least recently used go first). Default 1,000. */
  readonly maxEntries?: number;
  /** Where answers live; default `stores.cache`, else an in-memory LRU of `maxEntries`. */
  readonly store?: ResponseCacheStore;
  /** Bump to drop every cached answer at once, when gates change in ways their names do not show. */
  readonly cacheVersion?: string;
}

export interface ResolvedCache {
  readonly ttlMs: number;
  readonly store: ResponseCacheStore;
  readonly version: string;
}

const CACHE_FIELDS = new Set(['ttlMs', 'maxEntries', 'store', 'cacheVersion']);

/** Validates `cache` when the cascade is built. */
export function resolveCache(cache: unknown, shared: ResponseCacheStore | undefined): ResolvedCache | undefined {
  if (cache === undefined || cache === false) return undefined;
  if (typeof cache !== 'object' || cache === null || Array.isArray(cache)) {
    throw new ConfigError('cache', 'must be an object { ttlMs, maxEntries?, store?, cacheVersion? } or false');
  }
  const record = cache as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (!CACHE_FIELDS.has(name)) throw new ConfigError(`cache.${name}`, 'is not a cache option');
  }
  const { ttlMs, maxEntries, store, cacheVersion } = record;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new ConfigError('cache.ttlMs', `must be a finite number above 0, got ${String(ttlMs)}`);
  }
  if (
    maxEntries !== undefined &&
    !(typeof maxEntries === 'number' && Number.isInteger(maxEntries) && maxEntries >= 1)
  ) {
    throw new ConfigError('cache.maxEntries', `must be a whole number at least 1, got ${String(maxEntries)}`);
  }
  if (
    store !== undefined &&
    !(
      typeof store === 'object' &&
      store !== null &&
      'get' in store &&
      'set' in store &&
      typeof store.get === 'function' &&
      typeof store.set === 'function'
    )
  ) {
    throw new ConfigError('cache.store', 'must have get(key) and set(key, answer, ttlMs)');
  }
  if (cacheVersion !== undefined && typeof cacheVersion !== 'string') {
    throw new ConfigError('cache.cacheVersion', 'must be a string');
  }
  return {
    ttlMs,
    store:
      (store as ResponseCacheStore | undefined) ??
      shared ??
      new InMemoryResponseCache(maxEntries === undefined ? {} : { maxEntries }),
    version: cacheVersion ?? '',
  };
}

/**
 * The cache key of the run's request on `tier`: a hash of the normalised request (messages with the system
 * prompt, response format, output cap, temperature), the tier's provider and model, and the gate chain's
 * version (its gates' names and `cacheVersion`). Metadata and the request id are not in it.
 */
export function cacheKey(run: Run, tier: ResolvedTier, version: string): string {
  const request = run.request;
  const material = JSON.stringify([
    version,
    tier.provider.id,
    tier.model,
    tier.gates.map((gate) => gate.name),
    run.messages,
    request.responseFormat ?? tier.responseFormat ?? null,
    request.maxOutputTokens ?? tier.maxOutputTokens ?? null,
    request.temperature ?? null,
  ]);
  return `cache:${createHash('sha256').update(material).digest('base64url')}`;
}

async function read(run: Run, store: ResponseCacheStore, key: string): Promise<CachedAnswer | undefined> {
  try {
    return await store.get(key);
  } catch (error) {
    run.storeFailed('cache', 'get', error);
    return undefined;
  }
}

/**
 * Looks the request up for every tier from `start` (those the request may use) at once, and returns the
 * hit on the lowest tier as an accepted attempt of kind `cache` at no cost, or `undefined` on a miss.
 */
export async function cachedAttempt(run: Run, cache: ResolvedCache, start: number): Promise<Attempt | undefined> {
  const tiers = run.cascade.tiers.slice(start).filter((tier) => policySkip(run, tier) === undefined);
  const startedAt = performance.now();
  const found = await Promise.all(tiers.map((tier) => read(run, cache.store, cacheKey(run, tier, cache.version))));
  const at = found.findIndex((answer) => answer !== undefined);
  run.runSpan.setAttribute(ATTR.cacheHit, at >= 0);
  if (at < 0) return undefined;
  const tier = tiers[at] as ResolvedTier;
  const answer = found[at] as CachedAnswer;
  const index = run.nextIndex++;
  const span = run.span(
    `${SPAN.attempt} ${tier.name}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        [ATTR.tierName]: tier.name,
        [ATTR.tierIndex]: tier.index,
        [ATTR.attemptIndex]: index,
        [ATTR.attemptKind]: 'cache',
        [ATTR.attemptOutcome]: 'accepted',
        [ATTR.attemptCostUsd]: 0,
        [ATTR.cacheHit]: true,
      },
    },
    run.runContext,
  );
  span.end();
  if (answer.value !== undefined) run.values.set(index, answer.value);
  return {
    index,
    tier: tier.name,
    tierIndex: tier.index,
    model: tier.model,
    responseModel: answer.model,
    kind: 'cache',
    outcome: 'accepted',
    candidates: [answer.candidate],
    selectedCandidate: 0,
    gates: [],
    usage: ZERO_USAGE,
    costUsd: 0,
    estimatedCostUsd: 0,
    calls: 0,
    latencyMs: performance.now() - startedAt,
    startedAt: Date.now(),
  };
}

/** Keeps an accepted answer for later runs of the same request; never delays or fails the run. */
export function storeAnswer(run: Run, cache: ResolvedCache, attempt: Attempt): void {
  if (attempt.kind === 'cache') return;
  const tier = run.cascade.tiers[attempt.tierIndex] as ResolvedTier;
  const candidate = attempt.candidates[attempt.selectedCandidate];
  if (candidate === undefined) return;
  const value = run.values.get(attempt.index);
  const answer: CachedAnswer = {
    tier: tier.name,
    model: attempt.responseModel ?? tier.model,
    candidate,
    ...(value === undefined ? {} : { value }),
    usage: attempt.usage,
    costUsd: attempt.costUsd,
    storedAt: Date.now(),
  };
  try {
    const stored = cache.store.set(cacheKey(run, tier, cache.version), answer, cache.ttlMs);
    if (stored instanceof Promise) stored.catch((error: unknown) => run.storeFailed('cache', 'set', error));
  } catch (error) {
    run.storeFailed('cache', 'set', error);
  }
}
