import { contest } from './contest.ts';
import type { ResolvedRace, ResolvedTier } from './resolve-options.ts';
import type { Attempt, AttemptKind } from './result.ts';
import type { Run } from './run-state.ts';
import type { SpendCapHit } from './spend-caps.ts';
import type { Visit, VisitLog, VisitTier } from './tier-visit.ts';

/** How a race ended, for the walk. */
export type RaceOutcome =
  | { readonly status: 'won'; readonly attempt: Attempt }
  | {
      readonly status: 'budget';
      readonly tier: ResolvedTier;
      readonly estimatedCostUsd: number;
      readonly kind: AttemptKind;
      readonly cap?: SpendCapHit;
    }
  /** No raced tier passed: the walk goes on from `next`, the tier above the highest raced one. */
  | { readonly status: 'lost'; readonly next: number };

/**
 * Calls the raced tiers at or above `start` at once (attempt kind `race`); the winner is picked by
 * `race.prefer` and the others are aborted. The budget stops the run only when it held back a raced tier
 * and no raced tier got as far as failing; otherwise the ladder goes on above the race.
 */
export async function raceTiers(
  run: Run,
  log: VisitLog,
  visit: VisitTier,
  race: ResolvedRace,
  start: number,
): Promise<RaceOutcome> {
  const tiers = run.cascade.tiers;
  const raced = race.tiers.filter((i) => i >= start).map((i) => tiers[i] as ResolvedTier);
  const { winner, visits } = await contest(
    run,
    raced.map((tier) => ({ tier, kind: 'race' as const })),
    race.prefer,
    visit,
  );
  raced.forEach((tier, i) => {
    log.note(run, tier, visits[i] as Visit);
  });
  if (winner !== undefined) return { status: 'won', attempt: winner };
  const budget = visits.find((v) => v.status === 'budget');
  if (budget?.status === 'budget' && !visits.some((v) => v.status === 'failed')) {
    return {
      status: 'budget',
      tier: raced[visits.indexOf(budget)] as ResolvedTier,
      estimatedCostUsd: budget.estimatedCostUsd,
      kind: budget.kind,
      ...(budget.cap === undefined ? {} : { cap: budget.cap }),
    };
  }
  return { status: 'lost', next: Math.max(start, ...race.tiers) + 1 };
}
