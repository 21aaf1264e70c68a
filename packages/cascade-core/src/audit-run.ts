import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { type AuditAnswer, compareAnswers } from './audit-compare.ts';
import type { Auditor, AuditScope } from './auditor.ts';
import { bufferedAttempt } from './buffered-attempt.ts';
import type { ResolvedCascade, ResolvedTier } from './resolve-options.ts';
import type { Attempt, CascadeResult } from './result.ts';
import { Run } from './run-state.ts';
import { storeErrorMessage } from './stores.ts';
import { visitTier } from './tier-visit.ts';
import { recordError } from './tracing.ts';

/** One shadow audit, as the `audit` event reports it (and the CLI writes it to the decision log). */
export interface AuditRecord {
  /** The audited run, and its request. */
  readonly runId: string;
  readonly requestId: string | undefined;
  /** The tier that served the caller, and the tier the audit re-ran the request on. */
  readonly servedTier: string;
  readonly auditTier: string;
  readonly cheaperTier: string;
  readonly strongerTier: string;
  /** `agreed`/`disagreed` per `compare`; `failed` when the audit could not judge (no answer, an error). */
  readonly status: 'agreed' | 'disagreed' | 'failed';
  readonly compare: string;
  readonly feature: string | undefined;
  /** The gates the served answer passed, in order, joined with `>`. */
  readonly gatePath: string;
  readonly servedCostUsd: number;
  readonly auditCostUsd: number;
  readonly latencyMs: number;
  readonly error?: string;
}

/** The cascade as an audit runs it: silent (its steps are not the caller's events), no caps, no cache. */
const quietCascades = new WeakMap<ResolvedCascade, ResolvedCascade>();
function quiet(cascade: ResolvedCascade): ResolvedCascade {
  let copy = quietCascades.get(cascade);
  if (copy === undefined) {
    const { onEvent: _events, ...options } = cascade.options;
    copy = { ...cascade, options, spendCaps: undefined, cache: undefined };
    quietCascades.set(cascade, copy);
  }
  return copy;
}

function answerOf(run: Run, attempt: Attempt, tier: string): AuditAnswer {
  const text = attempt.candidates[attempt.selectedCandidate]?.text ?? attempt.candidates[0]?.text ?? '';
  return {
    tier,
    text,
    value: run.values.has(attempt.index) ? run.values.get(attempt.index) : text,
    accepted: attempt.outcome === 'accepted',
  };
}

/**
 * Re-runs the served request on `tier`, off the request path, and records whether the two answers agree:
 * its own `cascade.audit` span (a new trace, linked to the run it checks), counts in the audit store, an
 * `audit` event, and drift. Never throws.
 */
export async function executeAudit(
  auditor: Auditor,
  run: Run,
  result: CascadeResult,
  served: Attempt,
  tier: ResolvedTier,
): Promise<void> {
  const started = performance.now();
  const servedTier = run.cascade.tiers[served.tierIndex] as ResolvedTier;
  const upward = tier.index > served.tierIndex;
  const feature = run.request.metadata?.feature === undefined ? undefined : String(run.request.metadata.feature);
  const gatePath = served.gates.map((gate) => gate.name).join('>');
  const span = run.tracer.startSpan('cascade.audit', {
    kind: SpanKind.INTERNAL,
    root: true,
    links: [{ context: run.runSpan.spanContext() }],
    attributes: {
      'cascade.audit.served_tier': servedTier.name,
      'cascade.audit.tier': tier.name,
      'cascade.audit.run_id': run.runId,
      ...(run.request.id === undefined ? {} : { 'cascade.request.id': run.request.id }),
    },
  });
  const auditRun = new Run({
    cascade: quiet(run.cascade),
    runId: `${run.runId}:audit`,
    request: run.request,
    messages: run.messages,
    signal: auditor.controller.signal,
    budgetUsd: undefined,
    tracer: run.tracer,
    runSpan: span,
    runContext: trace.setSpan(ROOT_CONTEXT, span),
  });
  let status: AuditRecord['status'] = 'failed';
  let error: string | undefined;
  try {
    const visit = await visitTier(auditRun, bufferedAttempt, tier, 'first', undefined);
    const shadow =
      visit.status === 'accepted' ? visit.attempt : auditRun.attempts.findLast((a) => a.candidates.length > 0);
    if (shadow === undefined) {
      error = `the audit tier gave no answer (${visit.status})`;
    } else {
      const servedAnswer = answerOf(run, served, servedTier.name);
      const shadowAnswer = answerOf(auditRun, shadow, tier.name);
      const agreed = await compareAnswers(auditor.options.compare, {
        request: run.request,
        cheaper: upward ? servedAnswer : shadowAnswer,
        stronger: upward ? shadowAnswer : servedAnswer,
      });
      status = agreed ? 'agreed' : 'disagreed';
      const cheaperTier = upward ? servedTier.name : tier.name;
      await count(auditor, run, agreed, { tier: cheaperTier, gatePath, feature });
    }
  } catch (caught) {
    error = storeErrorMessage(caught);
    recordError(span, caught);
  }
  span.setAttributes({
    'cascade.audit.status': status,
    'cascade.audit.cost_usd': auditRun.costUsd,
  });
  span.end();
  const record: AuditRecord = {
    runId: run.runId,
    requestId: run.request.id,
    servedTier: servedTier.name,
    auditTier: tier.name,
    cheaperTier: upward ? servedTier.name : tier.name,
    strongerTier: upward ? tier.name : servedTier.name,
    status,
    compare: auditor.options.compareName,
    feature,
    gatePath,
    servedCostUsd: result.costUsd,
    auditCostUsd: auditRun.costUsd,
    latencyMs: performance.now() - started,
    ...(error === undefined ? {} : { error }),
  };
  if (run.listening) run.emit({ type: 'audit', ...run.base(), record });
}

/** Adds the audit to its keys' counts, then checks each key against the floor. */
async function count(
  auditor: Auditor,
  run: Run,
  agreed: boolean,
  scopes: { tier: string; gatePath: string; feature: string | undefined },
): Promise<void> {
  const keys: [AuditScope, string][] = [
    ['tier', scopes.tier],
    ['gate-path', scopes.gatePath],
  ];
  if (scopes.feature !== undefined) keys.push(['feature', scopes.feature]);
  const windowMs = auditor.options.windowMs;
  for (const [scope, value] of keys) {
    const key = auditor.key(scope, value);
    try {
      await auditor.store.record(key, agreed, windowMs);
    } catch (caught) {
      run.storeFailed('audit', 'record', caught);
      auditor.localStore.record(key, agreed, windowMs);
    }
    if (auditor.options.floor !== undefined) {
      const counts = await auditor.counts(key, (caught) => run.storeFailed('audit', 'counts', caught));
      judgeDrift(auditor, run, scope, value, key, counts);
    }
  }
}

function judgeDrift(
  auditor: Auditor,
  run: Run,
  scope: AuditScope,
  value: string,
  key: string,
  counts: { agreed: number; total: number },
): void {
  const { floor, minAudits, raiseFloor, tier } = auditor.options;
  if (floor === undefined || counts.total < minAudits) return;
  const rate = counts.agreed / counts.total;
  const below = rate < floor;
  if (below === auditor.drifting.has(key)) return;
  if (below) auditor.drifting.add(key);
  else auditor.drifting.delete(key);
  let raised = false;
  if (raiseFloor && scope === 'feature') {
    if (below) auditor.raised.set(value, tier);
    else auditor.raised.delete(value);
    raised = below;
  }
  if (run.listening) {
    run.emit({
      type: 'audit-drift',
      ...run.base(),
      scope,
      key: value,
      state: below ? 'drift' : 'recovered',
      rate,
      total: counts.total,
      floor,
      ...(scope === 'feature' && raiseFloor
        ? { raisedFloor: raised ? (auditor.cascade.tiers[tier] as ResolvedTier).name : undefined }
        : {}),
    });
  }
}
