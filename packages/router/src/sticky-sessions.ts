import { type CascadeRequest, ConfigError } from '@llm-cascade/core';
import { LRUCache } from 'lru-cache';

/** Keeps a conversation's requests on one tier. */
export interface StickyOptions {
  /**
   * The session key: a metadata key (default `session`), or a function of the request. A request without
   * a key is routed on its own.
   */
  readonly key?: string | ((request: CascadeRequest) => string | undefined);
  /** Sessions remembered at once; the least recently used is forgotten first. Default 10,000. */
  readonly capacity?: number;
  /** Forget a session this long after its last request. Default: never (only the LRU bound applies). */
  readonly ttlMs?: number;
  /**
   * `raise` (default): a session never moves down the ladder, but may move up when a request needs a
   * stronger tier. `fixed`: the session's first decision holds (the request's floor still applies).
   */
  readonly mode?: 'raise' | 'fixed';
}

/** The bounded memory of sessions' tiers. */
export interface StickySessions {
  keyOf(request: CascadeRequest): string | undefined;
  /** The tier the session's request starts at, given this request's own choice and floor; remembers it. */
  settle(session: string, chosen: number, floor: number): number;
  forget(session: string): void;
}

const KEYS = new Set(['key', 'capacity', 'ttlMs', 'mode']);

/** Builds the session memory; bad options throw `ConfigError` naming `sticky.<field>`. */
export function stickySessions(options: StickyOptions): StickySessions {
  if (typeof options !== 'object' || options === null) throw new ConfigError('sticky', 'must be an object or true');
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) throw new ConfigError(`sticky.${key}`, `unknown option (known: ${[...KEYS].join(', ')})`);
  }
  const key = options.key ?? 'session';
  if (typeof key !== 'string' && typeof key !== 'function') {
    throw new ConfigError('sticky.key', 'must be a metadata key or a function');
  }
  const capacity = options.capacity ?? 10_000;
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new ConfigError('sticky.capacity', 'must be a whole number at least 1');
  const ttlMs = options.ttlMs;
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new ConfigError('sticky.ttlMs', 'must be a positive number of milliseconds');
  }
  const mode = options.mode ?? 'raise';
  if (mode !== 'raise' && mode !== 'fixed') throw new ConfigError('sticky.mode', "must be 'raise' or 'fixed'");
  const cache = new LRUCache<string, number>({ max: capacity, ...(ttlMs === undefined ? {} : { ttl: ttlMs }) });
  return {
    keyOf(request) {
      const value = typeof key === 'string' ? request.metadata?.[key] : key(request);
      return value === undefined || value === '' ? undefined : String(value);
    },
    settle(session, chosen, floor) {
      const previous = cache.get(session);
      if (previous === undefined) {
        cache.set(session, chosen);
        return chosen;
      }
      if (mode === 'fixed') {
        cache.set(session, previous); // refreshes recency and the TTL clock
        return Math.max(previous, floor);
      }
      const kept = Math.max(previous, chosen);
      cache.set(session, kept);
      return kept;
    },
    forget(session) {
      cache.delete(session);
    },
  };
}
