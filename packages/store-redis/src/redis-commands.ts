import { createHash } from 'node:crypto';

/**
 * What the stores need of a Redis client: node-redis's `sendCommand`. Any connected `createClient()` client
 * (node-redis 5 or 6) fits; the stores send raw commands so they do not depend on the client's generics.
 */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

/** A store call that Redis did not answer in time, or answered with an error. */
export class RedisStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RedisStoreError';
  }
}

/** A Lua script run by its SHA1 (EVALSHA), loaded with EVAL when the server does not know it yet. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Sends commands with a deadline, so a store call never waits longer than `timeoutMs`. */
export class RedisCommands {
  readonly #client: RedisCommandClient;
  readonly #timeoutMs: number;

  constructor(client: RedisCommandClient, timeoutMs: number) {
    this.#client = client;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Sends one command. A client with its offline queue disabled rejects at once while disconnected; the
   * deadline covers a client that queues, and a server that accepts connections but does not answer.
   */
  async send(args: string[]): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RedisStoreError(`Redis did not answer ${args[0]} within ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
    });
    const reply = this.#client.sendCommand(args);
    // The reply may still settle after the deadline: keep its rejection from going unhandled.
    reply.catch(() => undefined);
    try {
      return await Promise.race([reply, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs `script` atomically on the server: EVALSHA, falling back to EVAL once when it is not cached there. */
  async run(script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.send(['EVALSHA', script.sha, ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await this.send(['EVAL', script.source, ...tail]);
    }
  }
}

/** The field-value pairs of an HGETALL reply, whether the client gives an object (RESP2 default) or a flat array. */
export function hashEntries(reply: unknown): [string, string][] {
  if (Array.isArray(reply)) {
    const entries: [string, string][] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) entries.push([String(reply[i]), String(reply[i + 1])]);
    return entries;
  }
  if (reply instanceof Map) return [...reply].map(([field, value]) => [String(field), String(value)]);
  if (typeof reply === 'object' && reply !== null) {
    return Object.entries(reply).map(([field, value]) => [field, String(value)]);
  }
  throw new RedisStoreError('unexpected reply to HGETALL');
}
