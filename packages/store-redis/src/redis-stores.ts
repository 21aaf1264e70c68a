import { type CascadeStores, ConfigError } from '@llm-cascade/core';
import { createClient } from 'redis';
import { RedisAuditStore } from './redis-audit-store.ts';
import { RedisBudgetLedger } from './redis-budget-ledger.ts';
import { RedisCircuitStore } from './redis-circuit-store.ts';
import type { RedisCommandClient } from './redis-commands.ts';
import { RedisResponseCache } from './redis-response-cache.ts';
import { checkPositive, DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_PREFIX } from './store-options.ts';

export interface RedisStoresOptions {
  /** A node-redis client you created and connected; you close it. Give this or `url`. */
  readonly client?: RedisCommandClient;
  /** `redis://host:port`: the stores create, connect and (on `close()`) close their own client. */
  readonly url?: string;
  /** Put before every key. Default `llm-cascade:`. */
  readonly prefix?: string;
  /** How long a store call waits for Redis before it rejects. Default 1,000 ms. */
  readonly commandTimeoutMs?: number;
  /** With `url`: how long a connection attempt may take. Default 1,000 ms. */
  readonly connectTimeoutMs?: number;
  /** How long a tier's circuit state is kept after its last save. Default 1 day. */
  readonly circuitTtlMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** Every store core has, on one Redis, and `close()` for the client the factory created. */
export interface RedisStores extends Required<CascadeStores> {
  readonly circuit: RedisCircuitStore;
  readonly budget: RedisBudgetLedger;
  readonly cache: RedisResponseCache;
  readonly audit: RedisAuditStore;
  /**
   * Closes the client when the factory created it (from `url`); a client you passed stays open. Not
   * enumerable, so the object passes core's `stores` check as is (a spread copy leaves it behind).
   */
  close(): Promise<void>;
}

const OPTION_KEYS = new Set(['client', 'url', 'prefix', 'commandTimeoutMs', 'connectTimeoutMs', 'circuitTtlMs', 'now']);

/**
 * Redis stores for a cascade: `createCascade({ ..., stores: redisStores({ url: 'redis://127.0.0.1:6379' }) })`.
 * A client made from `url` has its offline queue disabled and reconnects in the background, so while Redis
 * is down every store call rejects at once and the cascade serves from its own state (core's fallback).
 */
export function redisStores(options: RedisStoresOptions): RedisStores {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) throw new ConfigError('redisStores', 'options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConfigError(`redisStores.${key}`, 'is not an option');
  }
  if ((options.client === undefined) === (options.url === undefined)) {
    throw new ConfigError('redisStores.client', 'give exactly one of client and url');
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? 1_000;
  checkPositive('redisStores.connectTimeoutMs', connectTimeoutMs);
  let close = async (): Promise<void> => undefined;
  let client = options.client;
  if (client === undefined) {
    if (typeof options.url !== 'string' || !/^rediss?:\/\//.test(options.url)) {
      throw new ConfigError('redisStores.url', 'must be a redis:// or rediss:// URL');
    }
    const own = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: connectTimeoutMs,
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000),
      },
    });
    // Connection errors surface as rejected store calls (and core's store-fallback event); without a
    // listener node-redis would throw them as an unhandled 'error' event and end the process.
    own.on('error', () => undefined);
    // Calls made before the first connection wait for it (within the command timeout) rather than fail
    // at once as an offline client's would; later outages fail at once, with the offline queue off.
    let firstConnect: Promise<unknown> | undefined = own.connect().then(
      () => undefined,
      () => undefined,
    );
    firstConnect.then(() => {
      firstConnect = undefined;
    });
    client = {
      sendCommand: async (args: string[]) => {
        if (firstConnect !== undefined) await firstConnect;
        return own.sendCommand(args);
      },
    };
    close = async () => {
      // close() lets commands already sent finish (a breaker's save after a run, a settle).
      if (own.isOpen) await own.close();
    };
  }
  const common = {
    client,
    prefix: options.prefix ?? DEFAULT_PREFIX,
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  const stores = {
    circuit: new RedisCircuitStore({
      ...common,
      ...(options.circuitTtlMs === undefined ? {} : { ttlMs: options.circuitTtlMs }),
    }),
    budget: new RedisBudgetLedger(common),
    cache: new RedisResponseCache(common),
    audit: new RedisAuditStore(common),
  };
  // Not enumerable: core's `stores` option accepts only store names as keys, and this object goes there as is.
  Object.defineProperty(stores, 'close', { value: close, enumerable: false });
  return stores as RedisStores;
}
