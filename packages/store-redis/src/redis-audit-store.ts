import type { AuditCounts, AuditStore } from '@llm-cascade/core';
import { hashEntries, luaScript, RedisCommands, RedisStoreError } from './redis-commands.ts';
import { type RedisStoreOptions, resolveStoreOptions } from './store-options.ts';
import { BUCKETS, bucketOf, windowTtlMs } from './window-buckets.ts';

// One hash per audit key: `t:<bucket>` audits and `a:<bucket>` agreements. A sorted set indexes the keys by
// when they expire, so `keys()` lists the live ones without a SCAN. Old buckets and keys go on each write.
const RECORD = luaScript(`
local oldest = tonumber(ARGV[2])
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if tonumber(string.sub(field, 3)) <= oldest then redis.call('HDEL', KEYS[1], field) end
end
redis.call('HINCRBY', KEYS[1], 't:' .. ARGV[1], 1)
if ARGV[3] == '1' then redis.call('HINCRBY', KEYS[1], 'a:' .. ARGV[1], 1) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[7])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return 1
`);

/** Shadow-audit agreement counts shared by every process using the same Redis; 60 buckets per window. */
export class RedisAuditStore implements AuditStore {
  readonly #commands: RedisCommands;
  readonly #prefix: string;
  readonly #index: string;
  readonly #now: () => number;

  constructor(options: RedisStoreOptions) {
    const resolved = resolveStoreOptions(options, 'RedisAuditStore');
    this.#commands = new RedisCommands(resolved.client, resolved.commandTimeoutMs);
    this.#prefix = `${resolved.prefix}audit:`;
    this.#index = `${resolved.prefix}audit-keys`;
    this.#now = resolved.now;
  }

  async record(key: string, agreed: boolean, windowMs: number): Promise<void> {
    const at = this.#now();
    const current = bucketOf(at, windowMs);
    const ttl = windowTtlMs(windowMs);
    await this.#commands.run(
      RECORD,
      [this.#prefix + key, this.#index],
      [String(current), String(current - BUCKETS), agreed ? '1' : '0', String(ttl), String(at + ttl), key, String(at)],
    );
  }

  async counts(key: string, windowMs: number): Promise<AuditCounts> {
    const reply = await this.#commands.send(['HGETALL', this.#prefix + key]);
    const oldest = bucketOf(this.#now(), windowMs) - BUCKETS;
    let agreed = 0;
    let total = 0;
    for (const [field, value] of hashEntries(reply)) {
      if (Number(field.slice(2)) <= oldest) continue;
      if (field.startsWith('a:')) agreed += Number(value);
      else if (field.startsWith('t:')) total += Number(value);
    }
    return { agreed, total };
  }

  async keys(): Promise<readonly string[]> {
    const reply = await this.#commands.send(['ZRANGE', this.#index, String(this.#now()), '+inf', 'BYSCORE']);
    if (!Array.isArray(reply)) throw new RedisStoreError('unexpected reply to ZRANGE');
    return reply.map(String);
  }
}
