import { LRUCache } from 'lru-cache';
import type { Candidate, Usage } from './contracts.ts';

/**
 * An accepted answer as the cache keeps it. Plain data: a shared store serialises it (as JSON), so a gate
 * value that does not survive JSON (a Map, a class instance) comes back from a shared store changed.
 */
export interface CachedAnswer {
  readonly tier: string;
  readonly model: string;
  /** The answer that passed the gates. */
  readonly candidate: Candidate;
  /** The gate chain's value, when it produced one. */
  readonly value?: unknown;
  /** What the answer cost when it was made: what each hit saves. */
  readonly usage: Usage;
  readonly costUsd: number;
  /** When it was stored (ms since the epoch). */
  readonly storedAt: number;
}

/** Where accepted answers are kept, by key. Methods may return promises. */
export interface ResponseCacheStore {
  get(key: string): CachedAnswer | undefined | Promise<CachedAnswer | undefined>;
  /** Keeps `answer` for `ttlMs` milliseconds. */
  set(key: string, answer: CachedAnswer, ttlMs: number): void | Promise<void>;
}

export interface InMemoryResponseCacheOptions {
  /** Entries kept; the least recently used goes first. Default 1,000. */
  readonly maxEntries?: number;
  /** Clock, for tests. Default `performance.now`. */
  readonly now?: () => number;
}

/** The default cache: an LRU in this process (`lru-cache`), bounded in entries, each with its own TTL. */
export class InMemoryResponseCache implements ResponseCacheStore {
  readonly #entries: LRUCache<string, CachedAnswer>;

  constructor(options: InMemoryResponseCacheOptions = {}) {
    const now = options.now;
    this.#entries = new LRUCache<string, CachedAnswer>({
      max: options.maxEntries ?? 1_000,
      // No time caching between reads: an expired entry must read as expired, fake clocks included.
      ttlResolution: 0,
      ...(now === undefined ? {} : { perf: { now } }),
    });
  }

  get(key: string): CachedAnswer | undefined {
    return this.#entries.get(key);
  }

  set(key: string, answer: CachedAnswer, ttlMs: number): void {
    this.#entries.set(key, answer, { ttl: ttlMs });
  }

  /** Entries held now, expired ones not yet evicted included. */
  get size(): number {
    return this.#entries.size;
  }
}
