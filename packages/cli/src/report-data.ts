import type { OutputRecord, SerialisedAttempt } from './output-record.ts';
import { type BatchSummary, createSummaryBuilder } from './summary.ts';

/** One step of the request flow: `from` → `to`, with the number of requests that took it. */
export interface FlowLink {
  readonly from: string;
  readonly to: string;
  readonly count: number;
}

/** A request kept for the "worst requests" table. */
export interface WorstRequest {
  readonly id: string;
  /** `accepted`, `not accepted`, or the error code of a failed item. */
  readonly outcome: string;
  readonly tier: string | undefined;
  readonly costUsd: number;
  readonly latencyMs: number;
  /** The answer text (untrusted model output), cut to a few hundred characters. */
  readonly text: string;
  readonly attempts: readonly SerialisedAttempt[];
}

/** Audit agreement, from records that carry an `audit: { agreed: boolean }` field. */
export interface AuditCounts {
  readonly agreed: number;
  readonly disagreed: number;
}

/** Everything the HTML report shows, computed in one pass over the records. */
export interface ReportData {
  readonly summary: BatchSummary;
  /** Tiers in cascade order (by the lowest tier index seen). */
  readonly tiers: readonly string[];
  /** Start → first tier → escalations → end node (`accepted`, `not accepted`, `failed`). */
  readonly flow: readonly FlowLink[];
  /** Dollars spent on attempts at each tier, failed items included, in tier order. */
  readonly costByTier: readonly { readonly tier: string; readonly usd: number }[];
  readonly latencyMs: {
    readonly p50: number | undefined;
    readonly p95: number | undefined;
    readonly p99: number | undefined;
  };
  /** Undefined when no record carries audit data. */
  readonly audit: AuditCounts | undefined;
  /** The most expensive requests and those with the most attempts, worst first. */
  readonly worst: readonly WorstRequest[];
  /** Lines that were not an output record. */
  readonly malformedLines: number;
}

/** Node names of the flow's start and ends; tiers are named as in the records. */
export const FLOW_NODES = {
  start: 'requests',
  accepted: 'accepted',
  notAccepted: 'not accepted',
  failed: 'failed',
} as const;

const TEXT_LIMIT = 300;

function isRecord(value: unknown): value is OutputRecord {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { id?: unknown; ok?: unknown; attempts?: unknown; latencyMs?: unknown };
  return (
    typeof candidate.id === 'string' &&
    typeof candidate.ok === 'boolean' &&
    Array.isArray(candidate.attempts) &&
    typeof candidate.latencyMs === 'number'
  );
}

/** Parses one line of a run output file; undefined when it is not an output record. */
export function parseRecordLine(line: string): OutputRecord | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function nearestRank(sorted: Float64Array, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

function outcomeOf(record: OutputRecord): string {
  if (!record.ok) return record.error.code;
  return record.accepted ? FLOW_NODES.accepted : FLOW_NODES.notAccepted;
}

function endNode(record: OutputRecord): string {
  if (!record.ok) return FLOW_NODES.failed;
  return record.accepted ? FLOW_NODES.accepted : FLOW_NODES.notAccepted;
}

/** The tiers a request visited, repeats (repairs) collapsed; a move down in tier index is dropped (no cycles). */
function tierPath(attempts: readonly SerialisedAttempt[]): string[] {
  const path: string[] = [];
  let lastIndex = -1;
  for (const attempt of attempts) {
    if (path.at(-1) === attempt.tier) continue;
    if (attempt.tierIndex <= lastIndex) continue;
    path.push(attempt.tier);
    lastIndex = attempt.tierIndex;
  }
  return path;
}

function auditOf(record: OutputRecord): boolean | undefined {
  const audit = (record as { audit?: unknown }).audit;
  if (typeof audit !== 'object' || audit === null) return undefined;
  const agreed = (audit as { agreed?: unknown }).agreed;
  return typeof agreed === 'boolean' ? agreed : undefined;
}

function worstRequest(record: OutputRecord): WorstRequest {
  return {
    id: record.id,
    outcome: outcomeOf(record),
    tier: record.ok ? record.tier : undefined,
    costUsd: record.costUsd,
    latencyMs: record.latencyMs,
    text: record.ok && typeof record.text === 'string' ? record.text.slice(0, TEXT_LIMIT) : '',
    attempts: record.attempts,
  };
}

/** Keeps the `limit` largest items by `key`, trimming in batches so a long file stays linear. */
function createTopList(limit: number, key: (request: WorstRequest) => number) {
  let items: WorstRequest[] = [];
  const trim = () => {
    items.sort((a, b) => key(b) - key(a));
    items = items.slice(0, limit);
  };
  return {
    add(request: WorstRequest) {
      items.push(request);
      if (items.length >= limit * 4) trim();
    },
    finish(): WorstRequest[] {
      trim();
      return items;
    },
  };
}

/** Accumulates report data record by record; `finish` returns the totals. */
export function createReportBuilder(options: { readonly worstLimit?: number } = {}) {
  const worstLimit = options.worstLimit ?? 10;
  const summary = createSummaryBuilder();
  const tierIndex = new Map<string, number>();
  const links = new Map<string, FlowLink>();
  const costByTier = new Map<string, number>();
  const latencies: number[] = [];
  let agreed = 0;
  let disagreed = 0;
  let malformedLines = 0;
  const byCost = createTopList(worstLimit, (request) => request.costUsd);
  const byAttempts = createTopList(worstLimit, (request) => request.attempts.length);

  const link = (from: string, to: string) => {
    const key = JSON.stringify([from, to]);
    const current = links.get(key);
    links.set(key, { from, to, count: (current?.count ?? 0) + 1 });
  };

  return {
    add(record: OutputRecord): void {
      summary.add(record);
      for (const attempt of record.attempts) {
        const seen = tierIndex.get(attempt.tier);
        if (seen === undefined || attempt.tierIndex < seen) tierIndex.set(attempt.tier, attempt.tierIndex);
        costByTier.set(attempt.tier, (costByTier.get(attempt.tier) ?? 0) + attempt.costUsd);
      }
      const path = [FLOW_NODES.start, ...tierPath(record.attempts), endNode(record)];
      for (let step = 1; step < path.length; step += 1) link(path[step - 1] as string, path[step] as string);
      latencies.push(record.latencyMs);
      const audit = auditOf(record);
      if (audit === true) agreed += 1;
      if (audit === false) disagreed += 1;
      const request = worstRequest(record);
      byCost.add(request);
      byAttempts.add(request);
    },
    addMalformed(): void {
      malformedLines += 1;
      summary.addMalformed();
    },
    finish(): ReportData {
      const tiers = [...tierIndex].sort((a, b) => a[1] - b[1]).map(([tier]) => tier);
      const sorted = Float64Array.from(latencies).sort();
      const worst = new Map<string, WorstRequest>();
      for (const request of [...byCost.finish(), ...byAttempts.finish()]) worst.set(request.id, request);
      return {
        summary: summary.finish(),
        tiers,
        flow: [...links.values()],
        costByTier: tiers.map((tier) => ({ tier, usd: costByTier.get(tier) ?? 0 })),
        latencyMs: { p50: nearestRank(sorted, 50), p95: nearestRank(sorted, 95), p99: nearestRank(sorted, 99) },
        audit: agreed + disagreed > 0 ? { agreed, disagreed } : undefined,
        worst: [...worst.values()].sort((a, b) => b.costUsd - a.costUsd || b.attempts.length - a.attempts.length),
        malformedLines,
      };
    },
  };
}

/** Report data from the lines of a run output file (blank lines ignored, other lines counted as malformed). */
export function reportDataFromLines(lines: Iterable<string>, options: { readonly worstLimit?: number } = {}) {
  const builder = createReportBuilder(options);
  for (const line of lines) {
    if (line.trim() === '') continue;
    const record = parseRecordLine(line);
    if (record === undefined) builder.addMalformed();
    else builder.add(record);
  }
  return builder.finish();
}
