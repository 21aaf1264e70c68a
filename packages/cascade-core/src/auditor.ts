import type { ResolvedAudit } from './audit-options.ts';
import { executeAudit } from './audit-run.ts';
import { type AuditCounts, type AuditStore, InMemoryAuditStore } from './audit-store.ts';
import type { RequestMetadata } from './contracts.ts';
import type { ResolvedCascade, ResolvedTier } from './resolve-options.ts';
import type { CascadeResult } from './result.ts';
import type { Run } from './run-state.ts';
import { policySkip } from './tier-health.ts';

/** What agreement is counted by. */
export type AuditScope = 'tier' | 'gate-path' | 'feature';

/** Agreement of one key over the audit window. `rate` is `undefined` before any audit. */
export interface AuditAgreement {
  readonly scope: AuditScope;
  readonly key: string;
  readonly agreed: number;
  readonly total: number;
  readonly rate: number | undefined;
}

/** What `cascade.audits()` reports. */
export interface AuditSummary {
  readonly windowMs: number;
  readonly agreements: readonly AuditAgreement[];
  /** Features whose floor an audit raised (`raiseFloor`), in this process, and the tier they start at. */
  readonly raisedFloors: readonly { readonly feature: string; readonly minTier: string }[];
}

/**
 * The shadow-audit machinery of one cascade: which accepted answers are audited, the audits in flight,
 * their window's quota, the agreement counts and the floors raised by drift.
 */
export class Auditor {
  readonly options: ResolvedAudit;
  readonly cascade: ResolvedCascade;
  readonly store: AuditStore;
  /** Where counts go while the shared store fails. */
  readonly localStore = new InMemoryAuditStore();
  readonly controller = new AbortController();
  /** Features whose floor is raised, to the audit tier. */
  readonly raised = new Map<string, number>();
  /** Keys below the floor now, so a drift is reported when it starts and when it ends, not at every audit. */
  readonly drifting = new Set<string>();
  readonly #inFlight = new Set<Promise<void>>();
  #windowStart = Number.NEGATIVE_INFINITY;
  #started = 0;
  #closed = false;

  constructor(options: ResolvedAudit, cascade: ResolvedCascade, store: AuditStore) {
    this.options = options;
    this.cascade = cascade;
    this.store = store;
  }

  /** The store key of an agreement count: scoped by cascade, so cascades can share one store. */
  key(scope: AuditScope, value: string): string {
    return `${this.cascade.name}:audit:${scope}:${value}`;
  }

  /** The tier a request's feature must start at because an audit raised its floor, if any. */
  raisedFloorFor(metadata: RequestMetadata | undefined): number | undefined {
    const feature = metadata?.feature;
    return feature === undefined || this.raised.size === 0 ? undefined : this.raised.get(String(feature));
  }

  /**
   * On the request path, once per accepted run: decides whether to audit it and, if so, schedules the audit
   * for after the caller's promise settles. Cheap: a few comparisons and one random draw.
   */
  consider(run: Run, result: CascadeResult, unraisedStart: number | undefined): void {
    if (this.#closed || !result.accepted) return;
    const options = this.options;
    let shadow: number;
    if (result.tierIndex < options.tier) {
      shadow = options.tier;
    } else if (unraisedStart !== undefined && unraisedStart < options.tier) {
      // The floor is raised: audit the other way, re-running the cheaper tier, so agreement can recover.
      shadow = unraisedStart;
    } else {
      return;
    }
    const served = result.attempts.findLast((a) => a.outcome === 'accepted' && a.tierIndex === result.tierIndex);
    if (served === undefined || served.kind === 'cache') return;
    if (options.random() >= options.sampleRate) return;
    const tier = this.cascade.tiers[shadow] as ResolvedTier;
    if (policySkip(run, tier) !== undefined || !this.#takeSlot()) return;
    const audit = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => executeAudit(this, run, result, served, tier))
      .catch(() => {
        // executeAudit records its own failures; nothing may escape into an unhandled rejection.
      });
    this.#inFlight.add(audit);
    void audit.finally(() => this.#inFlight.delete(audit));
  }

  #takeSlot(): boolean {
    const now = this.options.now();
    if (now - this.#windowStart >= this.options.windowMs) {
      this.#windowStart = now;
      this.#started = 0;
    }
    if (this.#started >= this.options.maxPerWindow) return false;
    this.#started += 1;
    return true;
  }

  /** Reads a key's counts, from this process's own store when the shared one fails. */
  async counts(key: string, onFailure?: (error: unknown) => void): Promise<AuditCounts> {
    try {
      return await this.store.counts(key, this.options.windowMs);
    } catch (error) {
      onFailure?.(error);
      return this.localStore.counts(key, this.options.windowMs);
    }
  }

  async summary(): Promise<AuditSummary> {
    const prefix = `${this.cascade.name}:audit:`;
    let keys: readonly string[];
    try {
      keys = await this.store.keys();
    } catch (error) {
      this.cascade.storeWarnings.warn('audit', 'keys', error);
      keys = this.localStore.keys();
    }
    const agreements: AuditAgreement[] = [];
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const scope = (['tier', 'gate-path', 'feature'] as const).find((s) => rest.startsWith(`${s}:`));
      if (scope === undefined) continue;
      const counts = await this.counts(key, (error) => this.cascade.storeWarnings.warn('audit', 'counts', error));
      agreements.push({
        scope,
        key: rest.slice(scope.length + 1),
        ...counts,
        rate: counts.total === 0 ? undefined : counts.agreed / counts.total,
      });
    }
    return {
      windowMs: this.options.windowMs,
      agreements,
      raisedFloors: [...this.raised].map(([feature, tier]) => ({
        feature,
        minTier: (this.cascade.tiers[tier] as ResolvedTier).name,
      })),
    };
  }

  /** Stops new audits and waits for those in flight, aborting them after `closeTimeoutMs`. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#inFlight.size === 0) return;
    const settled = Promise.allSettled([...this.#inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      settled.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.options.closeTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!timedOut) return;
    this.controller.abort(new Error('the cascade was closed'));
    // Aborted calls settle at once; a user comparison that ignores it is not waited for any longer.
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  }
}
