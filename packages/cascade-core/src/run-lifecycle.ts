import { context as otelContext, SpanKind, trace } from '@opentelemetry/api';
import type { AttemptStrategy } from './attempt.ts';
import type { Auditor } from './auditor.ts';
import type { CascadeRequest } from './contracts.ts';
import { CascadeError, ConfigError } from './errors.ts';
import { floorFor } from './floors.ts';
import { walkLadder } from './ladder.ts';
import type { RunOptions } from './options.ts';
import { normaliseMessages } from './provider-request.ts';
import { type ResolvedCascade, type ResolvedRace, type ResolvedTier, resolveRace } from './resolve-options.ts';
import type { CascadeResult } from './result.ts';
import { type RouteDecision, routeDecision } from './route.ts';
import { Run } from './run-state.ts';
import { ATTR, getTracer, recordError, SPAN } from './tracing.ts';

let runCounter = 0;

function tierIndexOf(tiers: readonly ResolvedTier[], which: string | number, field: string): number {
  const index = typeof which === 'number' ? which : tiers.findIndex((t) => t.name === which);
  if (!Number.isInteger(index) || index < 0 || index >= tiers.length) {
    throw new ConfigError(
      field,
      `names no tier: ${JSON.stringify(which)} (tiers: ${tiers.map((t) => t.name).join(', ')})`,
    );
  }
  return index;
}

/** What a run starts from: its tier, budget and race, from the request, the run's options and the cascade's. */
function plan(
  cascade: ResolvedCascade,
  request: CascadeRequest,
  runOptions: RunOptions,
  route: RouteDecision | undefined,
): {
  start: number;
  /** The start tier before an audit's raised floor lifted it, when one did. */
  unraisedStart: number | undefined;
  budgetUsd: number | undefined;
  race: ResolvedRace | undefined;
  request: CascadeRequest;
} {
  const { tiers } = cascade;
  const effective =
    runOptions.metadata === undefined
      ? request
      : { ...request, metadata: { ...request.metadata, ...runOptions.metadata } };
  const floor = cascade.floors === undefined ? undefined : floorFor(cascade.floors, effective.metadata);
  const minTier = Math.max(
    floor?.minTier ?? 0,
    runOptions.minTier === undefined ? 0 : tierIndexOf(tiers, runOptions.minTier, 'minTier'),
  );
  let start = Math.max(minTier, route === undefined ? 0 : tierIndexOf(tiers, route.tier, 'router'));
  let unraisedStart: number | undefined;
  const raised = cascade.auditor?.raisedFloorFor(effective.metadata);
  if (raised !== undefined && raised > start) {
    unraisedStart = start;
    start = raised;
  }
  const budgetUsd = runOptions.budgetUsd ?? floor?.budgetUsd ?? cascade.options.budgetUsd;
  if (budgetUsd !== undefined && !(Number.isFinite(budgetUsd) && budgetUsd >= 0)) {
    throw new ConfigError('budgetUsd', `must be a finite number at least 0, got ${budgetUsd}`);
  }
  const race =
    runOptions.race === false
      ? undefined
      : runOptions.race === undefined
        ? cascade.race
        : resolveRace(runOptions.race, tiers, 'race');
  return { start, unraisedStart, budgetUsd, race, request: effective };
}

/** Hands an accepted run to the auditor; a throwing sampler (a user's `random`) never fails the run. */
function considerAudit(auditor: Auditor, run: Run, outcome: CascadeResult, unraisedStart: number | undefined): void {
  try {
    auditor.consider(run, outcome, unraisedStart);
  } catch {
    // The audit is skipped; the caller's result stands.
  }
}

/** The router's decision on the run span (`cascade.route.*`) and in a `route` event. */
function announceRoute(run: Run, route: RouteDecision, start: number): void {
  const tiers = run.cascade.tiers;
  const tier = typeof route.tier === 'number' ? (tiers[route.tier] as ResolvedTier).name : route.tier;
  run.runSpan.setAttributes({
    [ATTR.routeTier]: tier,
    ...(route.lane === undefined ? {} : { [ATTR.routeLane]: route.lane }),
    ...(route.reason === undefined ? {} : { [ATTR.routeReason]: route.reason }),
  });
  if (run.listening) run.emit({ type: 'route', ...run.base(), route, startTier: (tiers[start] as ResolvedTier).name });
}

/**
 * One run from start to end: checks the request and the run's options, opens the `cascade.run` span,
 * walks the ladder with `strategy`, and closes with the run's outcome (`run-end` event, span attributes).
 * Every failure leaves as a CascadeError.
 */
export async function runCascade(
  cascade: ResolvedCascade,
  request: CascadeRequest,
  runOptions: RunOptions,
  strategy: AttemptStrategy,
): Promise<CascadeResult> {
  const messages = normaliseMessages(request);
  const router = cascade.options.router;
  let route: RouteDecision | undefined;
  if (router !== undefined) {
    const answer = router(request);
    // Only an async router costs the run an extra turn of the event loop.
    route = routeDecision(answer instanceof Promise ? await answer : answer);
  }
  const { start, unraisedStart, budgetUsd, race, request: effective } = plan(cascade, request, runOptions, route);
  const tracer = getTracer(cascade.options.tracer);
  runCounter += 1;
  const span = tracer.startSpan(SPAN.run, {
    kind: SpanKind.INTERNAL,
    attributes: {
      [ATTR.cascadeName]: cascade.name,
      ...(request.id === undefined ? {} : { [ATTR.requestId]: request.id }),
    },
  });
  const run = new Run({
    cascade,
    runId: `run-${runCounter}`,
    request: effective,
    messages,
    signal: runOptions.signal,
    budgetUsd,
    tracer,
    runSpan: span,
    runContext: trace.setSpan(otelContext.active(), span),
    cache: runOptions.cache === false ? undefined : cascade.cache,
    route,
  });
  if (run.listening)
    run.emit({ type: 'run-start', ...run.base(), startTier: (cascade.tiers[start] as ResolvedTier).name });
  if (route !== undefined) announceRoute(run, route, start);
  try {
    const outcome = await walkLadder(run, start, race, strategy);
    span.setAttributes({
      [ATTR.outcome]: outcome.outcome,
      [ATTR.finalTier]: outcome.tier,
      [ATTR.topTierCostUsd]: outcome.topTierCost.usd,
    });
    if (run.listening) run.emit({ type: 'run-end', ...run.base(), result: outcome });
    if (cascade.auditor !== undefined) considerAudit(cascade.auditor, run, outcome, unraisedStart);
    return outcome;
  } catch (error) {
    const failure = CascadeError.from(error);
    span.setAttribute(
      ATTR.outcome,
      failure.code === 'ABORTED' ? 'aborted' : failure.code === 'BUDGET_EXCEEDED' ? 'budget' : 'exhausted',
    );
    recordError(span, failure);
    if (run.listening) run.emit({ type: 'run-end', ...run.base(), result: undefined, error: failure });
    throw failure;
  } finally {
    span.setAttributes({
      [ATTR.costUsd]: run.costUsd,
      [ATTR.attemptCount]: run.attempts.length,
      [ATTR.escalations]: run.escalations,
      [ATTR.repairs]: run.repairs,
    });
    span.end();
  }
}
