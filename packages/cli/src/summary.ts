import type { OutputRecord } from './output-record.ts';

/** Items answered by one tier. */
export interface TierShare {
  readonly answered: number;
  /** Of all accepted items, from 0 to 1. */
  readonly share: number;
}

export interface BatchCounts {
  /** Items run to an outcome and written to the output: `ok + errors`. */
  readonly processed: number;
  /** Answered and accepted by every gate. */
  readonly accepted: number;
  /** Answered best-effort without passing every gate (`onExhausted: 'best'` or a budget stop). */
  readonly notAccepted: number;
  /** Failed with an error (every tier exhausted, budget, no tier, invalid request). */
  readonly errors: number;
  /** `notAccepted + errors`: the items that make the exit code 1. */
  readonly failed: number;
  /** Already in the output file from an earlier run. */
  readonly skipped: number;
  /** Repeated an id seen earlier in the same input. */
  readonly duplicates: number;
  /** Input lines that were not a request object. */
  readonly malformed: number;
  /** Started but cut short by an interrupt; not written, so the next run does them. */
  readonly interrupted: number;
}

export interface BatchCost {
  /** What the cascade spent on answered items. */
  readonly answeredUsd: number;
  /** What failed items spent before failing. */
  readonly failedUsd: number;
  readonly totalUsd: number;
  /** What the top tier alone would have cost for the answered items. */
  readonly topTierUsd: number;
  /** The part of `topTierUsd` that is an estimate (items that never reached the top tier). */
  readonly topTierEstimatedUsd: number;
  /** `1 - answeredUsd / topTierUsd`, or undefined when the top-tier cost is 0. */
  readonly savedShare: number | undefined;
  /**
   * `1 - totalUsd / topTierUsd`: every dollar spent, failed items included, against the top tier alone on
   * the answered items. The honest headline figure; undefined when the top-tier cost is 0.
   */
  readonly savedShareAllSpend: number | undefined;
}

/** What a batch did. Built incrementally by `runBatch`, or from records by `summarise`. */
export interface BatchSummary {
  readonly counts: BatchCounts;
  /** Accepted items by the tier that answered. */
  readonly tiers: { readonly [tier: string]: TierShare };
  /** Attempts that failed at each gate, across all items (accepted ones included). */
  readonly gateFailures: { readonly [gate: string]: number };
  /** The same failures by gate and reason (`json-schema` → `schema-invalid` → 13). */
  readonly gateFailureReasons: { readonly [gate: string]: { readonly [reason: string]: number } };
  /** Failed items (`errors`) by error code (`CASCADE_EXHAUSTED`, `BUDGET_EXCEEDED`, ...). */
  readonly errorsByCode: { readonly [code: string]: number };
  /**
   * Why the items that were not accepted (errors and best-effort answers) ended: the last attempt's failed
   * gate and reason (`json-schema: schema-invalid`), or its error code when a provider call failed.
   */
  readonly failureCauses: { readonly [cause: string]: number };
  readonly repairs: number;
  readonly escalations: number;
  readonly cost: BatchCost;
  /** Per item, over processed items; undefined when none was processed. */
  readonly latencyMs: { readonly p50: number | undefined; readonly p95: number | undefined };
  /** Records already in the output file before this run. */
  readonly previous: { readonly ok: number; readonly failed: number };
  /** True when an interrupt stopped the batch before the end of its input. */
  readonly interrupted: boolean;
  readonly durationMs: number;
}

/** Accumulates a summary item by item, holding only counters and one number per item for percentiles. */
export interface SummaryBuilder {
  add(record: OutputRecord): void;
  addSkipped(): void;
  addDuplicate(): void;
  addMalformed(): void;
  addInterrupted(): void;
  setPrevious(previous: { ok: number; failed: number }): void;
  /** Live counts for progress displays. */
  readonly counts: BatchCounts;
  readonly totalUsd: number;
  finish(options?: { interrupted?: boolean; durationMs?: number }): BatchSummary;
}

/** Why an item that was not accepted ended, read from its last attempt. */
function failureCause(record: OutputRecord): string {
  const last = record.attempts.at(-1);
  if (last?.error !== undefined) return last.error.code;
  if (last?.failedGate !== undefined) {
    const verdict = last.gates.find((gate) => gate.name === last.failedGate && gate.status === 'fail');
    return verdict === undefined ? last.failedGate : `${last.failedGate}: ${verdict.reason}`;
  }
  return record.ok ? record.outcome : record.error.code;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function sortedCounts(counts: Map<string, number>): { [key: string]: number } {
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Creates an empty summary builder. */
export function createSummaryBuilder(): SummaryBuilder {
  let accepted = 0;
  let notAccepted = 0;
  let errors = 0;
  let skipped = 0;
  let duplicates = 0;
  let malformed = 0;
  let interrupted = 0;
  let repairs = 0;
  let escalations = 0;
  let answeredUsd = 0;
  let failedUsd = 0;
  let topTierUsd = 0;
  let topTierEstimatedUsd = 0;
  let previous = { ok: 0, failed: 0 };
  const tiers = new Map<string, number>();
  const gateFailures = new Map<string, number>();
  const gateFailureReasons = new Map<string, Map<string, number>>();
  const errorsByCode = new Map<string, number>();
  const failureCauses = new Map<string, number>();
  // A growable typed array: 8 bytes an item, so a million-item batch keeps 8 MB for its percentiles.
  let latencies = new Float64Array(1024);
  let latencyCount = 0;

  const counts = (): BatchCounts => ({
    processed: accepted + notAccepted + errors,
    accepted,
    notAccepted,
    errors,
    failed: notAccepted + errors,
    skipped,
    duplicates,
    malformed,
    interrupted,
  });

  return {
    add(record) {
      for (const attempt of record.attempts) {
        if (attempt.failedGate === undefined) continue;
        increment(gateFailures, attempt.failedGate);
        const verdict = attempt.gates.find((gate) => gate.name === attempt.failedGate && gate.status === 'fail');
        let reasons = gateFailureReasons.get(attempt.failedGate);
        if (reasons === undefined) {
          reasons = new Map();
          gateFailureReasons.set(attempt.failedGate, reasons);
        }
        increment(reasons, verdict?.reason ?? 'unknown');
      }
      if (!record.ok || !record.accepted) increment(failureCauses, failureCause(record));
      if (!record.ok) increment(errorsByCode, record.error.code);
      if (record.ok) {
        if (record.accepted) {
          accepted += 1;
          tiers.set(record.tier, (tiers.get(record.tier) ?? 0) + 1);
        } else {
          notAccepted += 1;
        }
        repairs += record.repairs;
        escalations += record.escalations;
        answeredUsd += record.costUsd;
        topTierUsd += record.topTierCost.usd;
        if (record.topTierCost.estimated) topTierEstimatedUsd += record.topTierCost.usd;
      } else {
        errors += 1;
        failedUsd += record.costUsd;
        repairs += record.attempts.filter((a) => a.kind === 'repair').length;
        escalations += record.attempts.filter((a) => a.kind === 'escalation').length;
      }
      if (latencyCount === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[latencyCount] = record.latencyMs;
      latencyCount += 1;
    },
    addSkipped() {
      skipped += 1;
    },
    addDuplicate() {
      duplicates += 1;
    },
    addMalformed() {
      malformed += 1;
    },
    addInterrupted() {
      interrupted += 1;
    },
    setPrevious(value) {
      previous = { ok: value.ok, failed: value.failed };
    },
    get counts() {
      return counts();
    },
    get totalUsd() {
      return answeredUsd + failedUsd;
    },
    finish(options = {}) {
      const sorted = latencies.slice(0, latencyCount).sort();
      const tierShares: { [tier: string]: TierShare } = {};
      for (const [tier, answered] of [...tiers].sort((a, b) => b[1] - a[1])) {
        tierShares[tier] = { answered, share: accepted === 0 ? 0 : answered / accepted };
      }
      return {
        counts: counts(),
        tiers: tierShares,
        gateFailures: sortedCounts(gateFailures),
        gateFailureReasons: Object.fromEntries(
          [...gateFailureReasons].map(([gate, reasons]) => [gate, sortedCounts(reasons)]),
        ),
        errorsByCode: sortedCounts(errorsByCode),
        failureCauses: sortedCounts(failureCauses),
        repairs,
        escalations,
        cost: {
          answeredUsd,
          failedUsd,
          totalUsd: answeredUsd + failedUsd,
          topTierUsd,
          topTierEstimatedUsd,
          savedShare: topTierUsd > 0 ? 1 - answeredUsd / topTierUsd : undefined,
          savedShareAllSpend: topTierUsd > 0 ? 1 - (answeredUsd + failedUsd) / topTierUsd : undefined,
        },
        latencyMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95) },
        previous,
        interrupted: options.interrupted ?? false,
        durationMs: options.durationMs ?? 0,
      };
    },
  };
}

/** Summarises output records (a whole output file, or an evaluation's results). */
export function summarise(records: Iterable<OutputRecord>): BatchSummary {
  const builder = createSummaryBuilder();
  for (const record of records) builder.add(record);
  return builder.finish();
}

function usd(value: number): string {
  if (value === 0) return '$0';
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(3)}`;
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function savedPhrase(share: number): string {
  return share >= 0 ? `${percent(share)} saved` : `${percent(-share)} more`;
}

/** Every dollar spent, what the baseline is and which part of it is an estimate. */
function formatCost(summary: BatchSummary): string[] {
  const cost = summary.cost;
  const c = summary.counts;
  const answered = c.accepted + c.notAccepted;
  const lines = [
    cost.failedUsd > 0
      ? `  spent ${usd(cost.totalUsd)} in all: ${usd(cost.answeredUsd)} on ${answered} answered item(s), ${usd(cost.failedUsd)} on ${c.errors} failed`
      : `  spent ${usd(cost.totalUsd)} on ${answered} answered item(s)`,
  ];
  if (cost.topTierUsd > 0) {
    const estimated =
      cost.topTierEstimatedUsd > 0
        ? ` (${usd(cost.topTierEstimatedUsd)} of it estimated from token counts, for items that never reached the top tier)`
        : ' (measured)';
    lines.push(`  the top tier alone, on the answered items: ${usd(cost.topTierUsd)}${estimated}`);
  }
  if (cost.savedShareAllSpend !== undefined && cost.savedShare !== undefined) {
    lines.push(
      cost.failedUsd > 0
        ? `  ${savedPhrase(cost.savedShareAllSpend)} counting every dollar spent (${savedPhrase(cost.savedShare)} on the answered items alone)`
        : `  ${savedPhrase(cost.savedShareAllSpend)} against the top tier alone`,
    );
  }
  return lines;
}

/** The summary as a few human-readable lines (no trailing newline). */
export function formatSummary(summary: BatchSummary): string {
  const c = summary.counts;
  const lines: string[] = [];
  const rate = summary.durationMs > 0 ? ` (${((c.processed * 1000) / summary.durationMs).toFixed(1)}/s)` : '';
  lines.push(
    `${summary.interrupted ? 'interrupted after' : 'done:'} ${c.processed} item(s) in ${duration(summary.durationMs)}${rate}`,
  );
  const codes = Object.entries(summary.errorsByCode);
  const errorCodes = codes.length === 0 ? '' : ` (${codes.map(([code, n]) => `${code} ${n}`).join(', ')})`;
  lines.push(
    `  accepted ${c.accepted}, not accepted ${c.notAccepted}, errors ${c.errors}${errorCodes}, skipped ${c.skipped}, ` +
      `duplicates ${c.duplicates}, malformed ${c.malformed}${c.interrupted > 0 ? `, interrupted ${c.interrupted} (not written; the next run does them)` : ''}`,
  );
  const causes = Object.entries(summary.failureCauses);
  if (causes.length > 0) {
    lines.push(`  why items failed (last attempt): ${causes.map(([cause, n]) => `${cause} ${n}`).join(', ')}`);
  }
  if (summary.previous.ok + summary.previous.failed > 0) {
    lines.push(
      `  already in the output from earlier runs: ${summary.previous.ok} accepted, ${summary.previous.failed} failed`,
    );
  }
  const tiers = Object.entries(summary.tiers);
  if (tiers.length > 0) {
    lines.push(`  answered by tier: ${tiers.map(([t, s]) => `${t} ${percent(s.share)} (${s.answered})`).join(', ')}`);
  }
  const gates = Object.entries(summary.gateFailures).map(([gate, n]) => {
    const reasons = Object.entries(summary.gateFailureReasons[gate] ?? {});
    return `${gate} ${n}${reasons.length === 0 ? '' : ` (${reasons.map(([reason, k]) => `${reason} ${k}`).join(', ')})`}`;
  });
  lines.push(`  gate failures: ${gates.length === 0 ? 'none' : gates.join(', ')}`);
  lines.push(`  repairs ${summary.repairs}, escalations ${summary.escalations}`);
  lines.push(...formatCost(summary));
  const { p50, p95 } = summary.latencyMs;
  if (p50 !== undefined && p95 !== undefined) lines.push(`  latency p50 ${duration(p50)}, p95 ${duration(p95)}`);
  return lines.join('\n');
}
