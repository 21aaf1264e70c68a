import { ConfigError } from '@llm-cascade/core';
import type { RedisCommandClient } from './redis-commands.ts';

/** What every Redis store takes. */
export interface RedisStoreOptions {
  /** A connected node-redis client (`createClient({ url, disableOfflineQueue: true })`); yours to close. */
  readonly client: RedisCommandClient;
  /** Put before every key, so several cascades or applications can share one Redis. Default `llm-cascade:`. */
  readonly prefix?: string;
  /** How long a store call waits for Redis before it rejects (and the cascade serves from local state). Default 1,000 ms. */
  readonly commandTimeoutMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

export const DEFAULT_PREFIX = 'llm-cascade:';
export const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;

export interface ResolvedStoreOptions {
  readonly client: RedisCommandClient;
  readonly prefix: string;
  readonly commandTimeoutMs: number;
  readonly now: () => number;
}

/** Validates a store's options when it is built; `extra` names the store's own keys. */
export function resolveStoreOptions(
  options: RedisStoreOptions,
  store: string,
  extra: readonly string[] = [],
): ResolvedStoreOptions {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) throw new ConfigError(store, 'options must be an object');
  const allowed = new Set(['client', 'prefix', 'commandTimeoutMs', 'now', ...extra]);
  for (const key of Object.keys(options)) {
    if (!allowed.has(key)) throw new ConfigError(`${store}.${key}`, 'is not an option');
  }
  const { client, prefix = DEFAULT_PREFIX, commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS, now = Date.now } = options;
  if (typeof client !== 'object' || client === null || typeof client.sendCommand !== 'function') {
    throw new ConfigError(`${store}.client`, 'must be a node-redis client (with sendCommand)');
  }
  if (typeof prefix !== 'string') throw new ConfigError(`${store}.prefix`, 'must be a string');
  checkPositive(`${store}.commandTimeoutMs`, commandTimeoutMs);
  if (typeof now !== 'function') throw new ConfigError(`${store}.now`, 'must be a function');
  return { client, prefix, commandTimeoutMs, now };
}

export function checkPositive(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(field, `must be a finite number above 0, got ${String(value)}`);
  }
}
