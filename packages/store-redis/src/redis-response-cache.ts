import type { CachedAnswer, ResponseCacheStore } from '@llm-cascade/core';
import { RedisCommands } from './redis-commands.ts';
import { type RedisStoreOptions, resolveStoreOptions } from './store-options.ts';

/**
 * Accepted answers shared by every process using the same Redis, as JSON strings with Redis's own expiry.
 * Bound its memory with Redis's `maxmemory` and an eviction policy (`volatile-lru`): every entry has a TTL.
 */
export class RedisResponseCache implements ResponseCacheStore {
  readonly #commands: RedisCommands;
  readonly #prefix: string;

  constructor(options: RedisStoreOptions) {
    const resolved = resolveStoreOptions(options, 'RedisResponseCache');
    this.#commands = new RedisCommands(resolved.client, resolved.commandTimeoutMs);
    this.#prefix = `${resolved.prefix}cache:`;
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    const reply = await this.#commands.send(['GET', this.#prefix + key]);
    if (reply === null || reply === undefined) return undefined;
    return decodeAnswer(String(reply));
  }

  async set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void> {
    // Redis refuses a PX of 0; an answer that may not be kept for a millisecond is not kept.
    const ttl = Math.ceil(ttlMs);
    if (!(ttl > 0)) return;
    await this.#commands.send(['SET', this.#prefix + key, JSON.stringify(answer), 'PX', String(ttl)]);
  }
}

/** Reads a stored answer; a malformed entry (another writer's, a truncated one) reads as a miss. */
function decodeAnswer(text: string): CachedAnswer | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const answer = parsed as Record<string, unknown>;
  const candidate = answer.candidate;
  if (
    typeof answer.tier !== 'string' ||
    typeof answer.model !== 'string' ||
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof (candidate as Record<string, unknown>).text !== 'string' ||
    typeof answer.usage !== 'object' ||
    answer.usage === null ||
    typeof answer.costUsd !== 'number' ||
    typeof answer.storedAt !== 'number'
  ) {
    return undefined;
  }
  return parsed as CachedAnswer;
}
