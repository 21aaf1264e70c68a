import type { BudgetLedger, BudgetReservation, BudgetReserveResult } from './budget-ledger.ts';
import { ConfigError } from './errors.ts';
import type { Run } from './run-state.ts';

/**
 * A spend cap over time, per value of a request metadata field: `{ key: 'tenant', limitUsd: 50, windowMs:
 * 86_400_000 }` gives each tenant $50 a day. A request without that field is not capped by it.
 */
export interface SpendCap {
  /** The request metadata field the cap is per (`tenant`, `feature`, ...). */
  readonly key: string;
  readonly limitUsd: number;
  /** The sliding window, in milliseconds. */
  readonly windowMs: number;
  /** Names the cap in errors and events. Default: `key`. */
  readonly name?: string;
}

/** The cap that stopped a run, and where it stood. */
export interface SpendCapHit {
  readonly name: string;
  readonly key: string;
  /** The metadata value the cap was counted for (`acme`). */
  readonly value: string;
  readonly limitUsd: number;
  readonly windowMs: number;
  /** What was left of the cap in its window when the call was refused. */
  readonly leftUsd: number;
}

export interface ResolvedSpendCap {
  readonly name: string;
  readonly key: string;
  readonly limitUsd: number;
  readonly windowMs: number;
}

/** One cap's hold on an attempt's estimate; settled with the attempt's real cost. */
export interface CapHold {
  readonly ledger: BudgetLedger;
  readonly reservation: BudgetReservation;
}

const CAP_FIELDS = new Set(['key', 'limitUsd', 'windowMs', 'name']);

/** Validates `spendCaps` when the cascade is built. */
export function resolveSpendCaps(caps: unknown): readonly ResolvedSpendCap[] | undefined {
  if (caps === undefined) return undefined;
  if (!Array.isArray(caps)) throw new ConfigError('spendCaps', 'must be an array of { key, limitUsd, windowMs }');
  const names = new Set<string>();
  return caps.map((cap: unknown, i) => {
    const field = `spendCaps[${i}]`;
    if (typeof cap !== 'object' || cap === null || Array.isArray(cap)) {
      throw new ConfigError(field, 'must be an object { key, limitUsd, windowMs, name? }');
    }
    const record = cap as Record<string, unknown>;
    for (const name of Object.keys(record)) {
      if (!CAP_FIELDS.has(name)) throw new ConfigError(`${field}.${name}`, 'is not a spend cap option');
    }
    const { key, limitUsd, windowMs, name } = record;
    if (typeof key !== 'string' || key.length === 0)
      throw new ConfigError(`${field}.key`, 'must be a non-empty string');
    if (typeof limitUsd !== 'number' || !Number.isFinite(limitUsd) || limitUsd < 0) {
      throw new ConfigError(`${field}.limitUsd`, `must be a finite number at least 0, got ${String(limitUsd)}`);
    }
    if (typeof windowMs !== 'number' || !Number.isFinite(windowMs) || windowMs <= 0) {
      throw new ConfigError(`${field}.windowMs`, `must be a finite number above 0, got ${String(windowMs)}`);
    }
    if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
      throw new ConfigError(`${field}.name`, 'must be a non-empty string');
    }
    const resolved = { name: name ?? key, key, limitUsd, windowMs };
    if (names.has(resolved.name)) throw new ConfigError(`${field}.name`, `duplicates cap '${resolved.name}'`);
    names.add(resolved.name);
    return resolved;
  });
}

/** The ledger key of a cap for one metadata value. The window is in it, so a key keeps one window. */
function ledgerKey(cap: ResolvedSpendCap, value: string): string {
  return `spend:${cap.key}:${cap.windowMs}:${value}`;
}

async function reserveOne(
  run: Run,
  cap: ResolvedSpendCap,
  key: string,
  estimateUsd: number,
): Promise<{ result: BudgetReserveResult; ledger: BudgetLedger }> {
  const { budget, localBudget } = run.cascade.stores;
  try {
    return { result: await budget.reserve(key, estimateUsd, cap.limitUsd, cap.windowMs), ledger: budget };
  } catch (error) {
    run.storeFailed('budget', 'reserve', error);
    return { result: localBudget.reserve(key, estimateUsd, cap.limitUsd, cap.windowMs), ledger: localBudget };
  }
}

/**
 * Holds an attempt's estimate against every cap that applies to the run's request. All or nothing: when
 * one cap refuses, the holds already taken are released and the refusing cap is returned.
 */
export async function reserveCaps(
  run: Run,
  caps: readonly ResolvedSpendCap[],
  estimateUsd: number,
): Promise<{ readonly holds: readonly CapHold[] } | { readonly hit: SpendCapHit }> {
  const holds: CapHold[] = [];
  for (const cap of caps) {
    const raw = run.request.metadata?.[cap.key];
    if (raw === undefined) continue;
    const value = String(raw);
    const { result, ledger } = await reserveOne(run, cap, ledgerKey(cap, value), estimateUsd);
    if (!result.granted) {
      settleCaps(run, holds, 0);
      return { hit: { ...cap, value, leftUsd: result.leftUsd } };
    }
    holds.push({ ledger, reservation: result.reservation });
  }
  return { holds };
}

/** Settles the holds with the attempt's real cost; a failing ledger is reported, never thrown. */
export function settleCaps(run: Run, holds: readonly CapHold[], actualUsd: number): void {
  for (const hold of holds) {
    try {
      const settled = hold.ledger.settle(hold.reservation, actualUsd);
      if (settled instanceof Promise) settled.catch((error: unknown) => run.storeFailed('budget', 'settle', error));
    } catch (error) {
      run.storeFailed('budget', 'settle', error);
    }
  }
}
