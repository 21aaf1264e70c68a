import type { CircuitSnapshot, CircuitState, CircuitStore } from '@llm-cascade/core';
import { RedisCommands } from './redis-commands.ts';
import { checkPositive, type RedisStoreOptions, resolveStoreOptions } from './store-options.ts';

export interface RedisCircuitStoreOptions extends RedisStoreOptions {
  /** How long a tier's circuit state is kept after its last save; gone reads as closed. Default 1 day. */
  readonly ttlMs?: number;
}

const STATES: readonly CircuitState[] = ['closed', 'open', 'half-open'];

/** The compact form kept in Redis: `{"s":"open","c":5,"r":"00111","o":1733612345678}`. */
interface StoredSnapshot {
  readonly s: CircuitState;
  readonly c: number;
  readonly r: string;
  readonly o: number;
}

/**
 * Circuit breaker state shared by every process using the same Redis, so a tier one process sees failing
 * is passed over by all. Last writer wins: the breaker loads, decides and saves, as with any `CircuitStore`.
 */
export class RedisCircuitStore implements CircuitStore {
  readonly #commands: RedisCommands;
  readonly #prefix: string;
  readonly #ttlMs: number;

  constructor(options: RedisCircuitStoreOptions) {
    const resolved = resolveStoreOptions(options, 'RedisCircuitStore', ['ttlMs']);
    const ttlMs = options.ttlMs ?? 86_400_000;
    checkPositive('RedisCircuitStore.ttlMs', ttlMs);
    this.#commands = new RedisCommands(resolved.client, resolved.commandTimeoutMs);
    this.#prefix = `${resolved.prefix}circuit:`;
    this.#ttlMs = Math.ceil(ttlMs);
  }

  async load(key: string): Promise<CircuitSnapshot | undefined> {
    const reply = await this.#commands.send(['GET', this.#prefix + key]);
    if (reply === null || reply === undefined) return undefined;
    return decodeSnapshot(String(reply));
  }

  async save(key: string, snapshot: CircuitSnapshot): Promise<void> {
    const stored: StoredSnapshot = {
      s: snapshot.state,
      c: snapshot.consecutiveFailures,
      r: snapshot.recent.map((failed) => (failed ? '1' : '0')).join(''),
      o: snapshot.openedAt,
    };
    await this.#commands.send(['SET', this.#prefix + key, JSON.stringify(stored), 'PX', String(this.#ttlMs)]);
  }
}

/** Reads a stored snapshot; anything malformed reads as no state (closed) rather than failing the run. */
function decodeSnapshot(text: string): CircuitSnapshot | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { s, c, r, o } = parsed as Partial<Record<keyof StoredSnapshot, unknown>>;
  if (!STATES.includes(s as CircuitState) || typeof c !== 'number' || typeof r !== 'string' || typeof o !== 'number') {
    return undefined;
  }
  return { state: s as CircuitState, consecutiveFailures: c, recent: [...r].map((bit) => bit === '1'), openedAt: o };
}
