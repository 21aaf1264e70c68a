import { bucketOf, RollingWindow } from './rolling-window.ts';

/** What a ledger granted: hand it back to `settle` with the real cost. Plain data, so it may cross processes. */
export interface BudgetReservation {
  readonly key: string;
  readonly id: string;
  /** What was held: the call's estimate. */
  readonly amountUsd: number;
  readonly windowMs: number;
  /** When it was granted (ms since the epoch); settles into the same time bucket. */
  readonly reservedAt: number;
}

/** A ledger's answer to `reserve`. `leftUsd` is what the cap has left after the grant, or now when refused. */
export type BudgetReserveResult =
  | { readonly granted: true; readonly reservation: BudgetReservation; readonly leftUsd: number }
  | { readonly granted: false; readonly leftUsd: number };

/**
 * Spend over a sliding time window, per key (a tenant's, a feature's). `reserve` is atomic: it checks the
 * window's spend plus the estimate against the cap and holds the estimate in one step, so two processes
 * sharing a ledger never both pass a cap only one of them could afford. A shared implementation (Redis)
 * does the check-and-hold in one script. A key is always used with the same window. Methods may return
 * promises.
 */
export interface BudgetLedger {
  reserve(
    key: string,
    estimateUsd: number,
    capUsd: number,
    windowMs: number,
  ): BudgetReserveResult | Promise<BudgetReserveResult>;
  /** Replaces the held estimate with the real cost (0 when the call was never made). */
  settle(reservation: BudgetReservation, actualUsd: number): void | Promise<void>;
  /** What `key` has spent and holds within the last `windowMs`. */
  spent(key: string, windowMs: number): number | Promise<number>;
}

export interface InMemoryBudgetLedgerOptions {
  /** Clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The default ledger: spend in this process only, in 60 buckets per window (an hour's cap slides by the
 * minute), so memory stays bounded however many calls are made.
 */
export class InMemoryBudgetLedger implements BudgetLedger {
  readonly #windows = new Map<string, RollingWindow>();
  readonly #now: () => number;
  #nextId = 0;

  constructor(options: InMemoryBudgetLedgerOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  reserve(key: string, estimateUsd: number, capUsd: number, windowMs: number): BudgetReserveResult {
    const at = this.#now();
    const current = bucketOf(at, windowMs);
    const window = this.#window(key);
    const spent = window.sum(current)[0] as number;
    if (spent + estimateUsd > capUsd) return { granted: false, leftUsd: Math.max(0, capUsd - spent) };
    window.add(current, [estimateUsd], current);
    this.#nextId += 1;
    return {
      granted: true,
      reservation: { key, id: String(this.#nextId), amountUsd: estimateUsd, windowMs, reservedAt: at },
      leftUsd: capUsd - spent - estimateUsd,
    };
  }

  settle(reservation: BudgetReservation, actualUsd: number): void {
    const window = this.#windows.get(reservation.key);
    if (window === undefined) return;
    const current = bucketOf(this.#now(), reservation.windowMs);
    window.add(bucketOf(reservation.reservedAt, reservation.windowMs), [actualUsd - reservation.amountUsd], current);
  }

  spent(key: string, windowMs: number): number {
    const window = this.#windows.get(key);
    if (window === undefined) return 0;
    const total = window.sum(bucketOf(this.#now(), windowMs))[0] as number;
    if (window.empty) this.#windows.delete(key);
    return total;
  }

  #window(key: string): RollingWindow {
    let window = this.#windows.get(key);
    if (window === undefined) {
      window = new RollingWindow(1);
      this.#windows.set(key, window);
    }
    return window;
  }
}
