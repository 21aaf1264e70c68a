import { randomUUID } from 'node:crypto';
import type { BudgetLedger, BudgetReservation, BudgetReserveResult } from '@llm-cascade/core';
import { hashEntries, luaScript, RedisCommands, RedisStoreError } from './redis-commands.ts';
import { type RedisStoreOptions, resolveStoreOptions } from './store-options.ts';
import { BUCKETS, bucketOf, windowTtlMs } from './window-buckets.ts';

// One hash per ledger key: field = bucket number, value = dollars spent or held in it. The check against
// the cap and the hold happen in this one script, so two processes never both pass a cap only one could
// afford. Buckets that left the window are deleted on the way.
const RESERVE = luaScript(`
local estimate = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local oldest = tonumber(ARGV[3]) - tonumber(ARGV[4])
local fields = redis.call('HGETALL', KEYS[1])
local spent = 0
for i = 1, #fields, 2 do
  if tonumber(fields[i]) <= oldest then
    redis.call('HDEL', KEYS[1], fields[i])
  else
    spent = spent + tonumber(fields[i + 1])
  end
end
if spent + estimate > cap then
  return {0, string.format('%.17g', spent)}
end
redis.call('HINCRBYFLOAT', KEYS[1], ARGV[3], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1, string.format('%.17g', spent)}
`);

// Moves a hold to the real cost, in the bucket it was taken in, unless that bucket has left the window.
const SETTLE = luaScript(`
if tonumber(ARGV[1]) <= tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBYFLOAT', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`);

/**
 * Spend caps shared by every process using the same Redis: core's `BudgetLedger` with the check-and-hold
 * in one Lua script. Each key is a hash of 60 time buckets that expires a window after its last write.
 */
export class RedisBudgetLedger implements BudgetLedger {
  readonly #commands: RedisCommands;
  readonly #prefix: string;
  readonly #now: () => number;

  constructor(options: RedisStoreOptions) {
    const resolved = resolveStoreOptions(options, 'RedisBudgetLedger');
    this.#commands = new RedisCommands(resolved.client, resolved.commandTimeoutMs);
    this.#prefix = `${resolved.prefix}budget:`;
    this.#now = resolved.now;
  }

  async reserve(key: string, estimateUsd: number, capUsd: number, windowMs: number): Promise<BudgetReserveResult> {
    const at = this.#now();
    const current = bucketOf(at, windowMs);
    const reply = await this.#commands.run(
      RESERVE,
      [this.#prefix + key],
      [String(estimateUsd), String(capUsd), String(current), String(BUCKETS), String(windowTtlMs(windowMs))],
    );
    if (!Array.isArray(reply) || reply.length !== 2)
      throw new RedisStoreError('unexpected reply to the reserve script');
    const spent = Number(reply[1]);
    if (reply[0] !== 1) return { granted: false, leftUsd: Math.max(0, capUsd - spent) };
    return {
      granted: true,
      reservation: { key, id: randomUUID(), amountUsd: estimateUsd, windowMs, reservedAt: at },
      leftUsd: capUsd - spent - estimateUsd,
    };
  }

  async settle(reservation: BudgetReservation, actualUsd: number): Promise<void> {
    const delta = actualUsd - reservation.amountUsd;
    if (delta === 0) return;
    const { windowMs } = reservation;
    await this.#commands.run(
      SETTLE,
      [this.#prefix + reservation.key],
      [
        String(bucketOf(reservation.reservedAt, windowMs)),
        String(delta),
        String(bucketOf(this.#now(), windowMs) - BUCKETS),
        String(windowTtlMs(windowMs)),
      ],
    );
  }

  async spent(key: string, windowMs: number): Promise<number> {
    const reply = await this.#commands.send(['HGETALL', this.#prefix + key]);
    const oldest = bucketOf(this.#now(), windowMs) - BUCKETS;
    let total = 0;
    for (const [bucket, amount] of hashEntries(reply)) {
      if (Number(bucket) > oldest) total += Number(amount);
    }
    return total;
  }
}
