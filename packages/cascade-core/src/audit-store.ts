import { bucketOf, RollingWindow } from './rolling-window.ts';

/** Audits over a window: how many ran, and in how many the stronger tier agreed. */
export interface AuditCounts {
  readonly agreed: number;
  readonly total: number;
}

/**
 * Rolling agreement counts by key (a tier, a gate path, a feature). A key is always used with the same
 * window. Methods may return promises.
 */
export interface AuditStore {
  record(key: string, agreed: boolean, windowMs: number): void | Promise<void>;
  counts(key: string, windowMs: number): AuditCounts | Promise<AuditCounts>;
  /** Every key with audits in its window (or recently so). */
  keys(): readonly string[] | Promise<readonly string[]>;
}

export interface InMemoryAuditStoreOptions {
  /** Clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** The default audit store: counts in this process, 60 buckets per window. */
export class InMemoryAuditStore implements AuditStore {
  readonly #windows = new Map<string, RollingWindow>();
  readonly #now: () => number;

  constructor(options: InMemoryAuditStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  record(key: string, agreed: boolean, windowMs: number): void {
    let window = this.#windows.get(key);
    if (window === undefined) {
      window = new RollingWindow(2);
      this.#windows.set(key, window);
    }
    const current = bucketOf(this.#now(), windowMs);
    window.add(current, [agreed ? 1 : 0, 1], current);
  }

  counts(key: string, windowMs: number): AuditCounts {
    const window = this.#windows.get(key);
    if (window === undefined) return { agreed: 0, total: 0 };
    const [agreed, total] = window.sum(bucketOf(this.#now(), windowMs)) as [number, number];
    if (window.empty) this.#windows.delete(key);
    return { agreed, total };
  }

  keys(): readonly string[] {
    return [...this.#windows.keys()];
  }
}
