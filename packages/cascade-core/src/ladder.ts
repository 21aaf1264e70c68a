import type { AttemptStrategy } from './attempt.ts';
import { budgetStop } from './budget.ts';
import { cachedAttempt, storeAnswer } from './cache.ts';
import { exhausted } from './exhaustion.ts';
import { hedgeDelay, hedgedVisit } from './hedge.ts';
import { raceTiers } from './race.ts';
import type { ResolvedRace, ResolvedTier } from './resolve-options.ts';
import type { AttemptKind, CascadeResult } from './result.ts';
import { buildResult } from './run-result.ts';
import type { Run } from './run-state.ts';
import { policySkip } from './tier-health.ts';
import { type Visit, VisitLog, type VisitTier, visitTier } from './tier-visit.ts';

/**
 * The walk up the ladder from tier `start`: a race first when one is configured, then each tier in turn
 * (hedged by the next when hedging is on), until an answer is accepted, the budget stops the run, or the
 * ladder runs out. `strategy` is how each attempt gets and judges its answer; the walk is the same for
 * every strategy.
 */
export async function walkLadder(
  run: Run,
  start: number,
  race: ResolvedRace | undefined,
  strategy: AttemptStrategy,
): Promise<CascadeResult> {
  const cache = run.cache;
  if (cache === undefined) return walk(run, start, race, strategy);
  const hit = await cachedAttempt(run, cache, start);
  if (hit !== undefined) {
    run.record(hit);
    return buildResult(run, hit, 'accepted');
  }
  const result = await walk(run, start, race, strategy);
  if (result.outcome === 'accepted') {
    const accepted = run.attempts.findLast((a) => a.outcome === 'accepted' && a.tierIndex === result.tierIndex);
    if (accepted !== undefined) storeAnswer(run, cache, accepted);
  }
  return result;
}

async function walk(
  run: Run,
  start: number,
  race: ResolvedRace | undefined,
  strategy: AttemptStrategy,
): Promise<CascadeResult> {
  const tiers = run.cascade.tiers;
  const visit: VisitTier = (tier, kind, signal) => visitTier(run, strategy, tier, kind, signal);
  const log = new VisitLog();
  let t = start;

  if (race !== undefined) {
    const raced = await raceTiers(run, log, visit, race, start);
    if (raced.status === 'won') return buildResult(run, raced.attempt, 'accepted');
    if (raced.status === 'budget') return budgetStop(run, raced.tier, raced);
    t = raced.next;
  }

  while (t < tiers.length) {
    const tier = tiers[t] as ResolvedTier;
    const kind: AttemptKind = log.reachedTier ? 'escalation' : 'first';
    const next = tiers[t + 1];
    const delayMs = next === undefined ? undefined : hedgeDelay(run.cascade, tier);
    let own: Visit;
    let advance = 1;
    if (next !== undefined && delayMs !== undefined && policySkip(run, tier) === undefined) {
      const hedged = await hedgedVisit(run, log, visit, { tier, next, kind, delayMs });
      if (hedged.winner !== undefined) return buildResult(run, hedged.winner, 'accepted');
      own = hedged.own;
      advance = hedged.advance;
    } else {
      // Only hedges and races cancel a visit on their own; a plain visit follows the caller's signal.
      own = await visit(tier, kind, run.signal);
      log.note(run, tier, own);
    }
    if (own.status === 'accepted') return buildResult(run, own.attempt, 'accepted');
    if (own.status === 'budget') return budgetStop(run, tier, own);
    t += advance;
  }
  return exhausted(run, log.skipped);
}
