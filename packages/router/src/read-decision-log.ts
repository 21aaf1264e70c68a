import { type CascadeRequest, ConfigError } from '@llm-cascade/core';
import { readJsonLines } from './json-lines.ts';
import { checkLadder, warningCollector } from './read-eval-data.ts';
import type { ReadExamplesResult, TrainingExample } from './training-example.ts';

/**
 * A shadow audit of an accepted answer: a stronger tier re-ran the request off the request path and its
 * answer was compared. Read from a decision-log record's `audit` field (one or a list).
 */
export interface AuditRecord {
  /** The stronger tier that re-ran the request. */
  readonly tier: string;
  /** Whether the answers agreed, or an agreement score from 0 to 1. */
  readonly agreement: boolean | number;
}

export interface ReadDecisionLogOptions {
  /** `llm-cascade run` output (JSONL path), or its records. */
  readonly data: string | Iterable<unknown> | AsyncIterable<unknown>;
  /** Cascade tier names, cheapest first. */
  readonly tiers: readonly string[];
  /**
   * The requests the run read (its `--input` JSONL, or the requests by id): the log records results, not
   * requests. A record carrying its own `request` field needs none.
   */
  readonly requests?: string | ReadonlyMap<string, CascadeRequest>;
  /** An audit score at least this counts as agreement. Default 0.5. */
  readonly auditAgreement?: number;
}

interface AttemptLike {
  readonly tier?: unknown;
  readonly outcome?: unknown;
  readonly costUsd?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The run's input file as requests by id, named as `llm-cascade run` names them (`line-<n>` without an id). */
export async function readRequests(path: string): Promise<Map<string, CascadeRequest>> {
  const requests = new Map<string, CascadeRequest>();
  for await (const { line, value } of readJsonLines(path)) {
    if (!isObject(value)) continue;
    const id =
      value.id === undefined
        ? `line-${line}`
        : typeof value.id === 'string' || typeof value.id === 'number'
          ? String(value.id)
          : undefined;
    if (id !== undefined) requests.set(id, { ...(value as CascadeRequest), id });
  }
  return requests;
}

async function* records(data: ReadDecisionLogOptions['data']): AsyncGenerator<{ value: unknown; where: string }> {
  if (typeof data === 'string') {
    for await (const { line, value } of readJsonLines(data)) yield { value, where: `${data} line ${line}` };
    return;
  }
  let index = 0;
  for await (const value of data as AsyncIterable<unknown>) {
    yield { value, where: `record ${index}` };
    index += 1;
  }
}

function audits(value: unknown): AuditRecord[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter(
    (audit): audit is AuditRecord =>
      isObject(audit) &&
      typeof audit.tier === 'string' &&
      (typeof audit.agreement === 'boolean' || typeof audit.agreement === 'number'),
  );
}

/**
 * Reads labelled examples from the decision log of real runs. A tier is labelled good enough where its
 * answer passed its gates (an `accepted` attempt, repairs included) and not where a gate failed; tiers
 * the run never reached are unknown. Where a shadow audit re-ran the request on a stronger tier, an
 * accepted answer that disagreed with it is labelled not good enough, and the auditing tier good enough.
 * Provider errors, budget stops and aborts say nothing about quality and leave the tier unknown.
 *
 * Caveat: a cascade reaches a stronger tier only after the cheaper ones failed, so the log labels the
 * stronger tiers on the harder requests only. Train on logs of runs that started low (no router) or
 * add audits of a sample.
 */
export async function readDecisionLog(options: ReadDecisionLogOptions): Promise<ReadExamplesResult> {
  checkLadder(options.tiers);
  const agreementAt = options.auditAgreement ?? 0.5;
  if (!(agreementAt >= 0 && agreementAt <= 1)) throw new ConfigError('auditAgreement', 'must be from 0 to 1');
  const requests =
    typeof options.requests === 'string' ? await readRequests(options.requests) : (options.requests ?? new Map());
  const tiers = options.tiers;
  const warnings = warningCollector();
  const examples: TrainingExample[] = [];
  for await (const { value, where } of records(options.data)) {
    if (!isObject(value) || typeof value.id !== 'string' || !Array.isArray(value.attempts)) {
      warnings.add('not a decision-log record (id, attempts), skipped', where);
      continue;
    }
    const request = isObject(value.request) ? (value.request as CascadeRequest) : requests.get(value.id);
    if (request === undefined) {
      warnings.add('no request for the id (pass the run input), skipped', `${where} (${value.id})`);
      continue;
    }
    const labels: (boolean | undefined)[] = tiers.map(() => undefined);
    const costUsd: (number | undefined)[] = tiers.map(() => undefined);
    for (const attempt of value.attempts as AttemptLike[]) {
      const index = typeof attempt?.tier === 'string' ? tiers.indexOf(attempt.tier) : -1;
      if (index < 0) continue;
      if (typeof attempt.costUsd === 'number') costUsd[index] = (costUsd[index] ?? 0) + attempt.costUsd;
      if (attempt.outcome === 'accepted') labels[index] = true;
      else if (attempt.outcome === 'gate-failed' && labels[index] !== true) labels[index] = false;
    }
    const accepted = value.ok === true && value.accepted === true && typeof value.tier === 'string';
    for (const audit of audits(value.audit)) {
      const auditor = tiers.indexOf(audit.tier);
      if (auditor < 0) continue;
      labels[auditor] = true;
      const agreed = typeof audit.agreement === 'boolean' ? audit.agreement : audit.agreement >= agreementAt;
      const answered = accepted ? tiers.indexOf(value.tier as string) : -1;
      if (answered >= 0 && answered < auditor && !agreed) labels[answered] = false;
    }
    if (labels.every((label) => label === undefined)) {
      warnings.add('no attempt on a tier of the ladder with a quality outcome, skipped', `${where} (${value.id})`);
      continue;
    }
    examples.push({ id: value.id, request: { ...request, id: value.id }, labels, costUsd });
  }
  return { source: 'decisions', tiers, label: 'gates-passed', examples, warnings: warnings.list() };
}
