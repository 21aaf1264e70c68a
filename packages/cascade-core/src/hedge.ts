import { type ContestOutcome, contest } from './contest.ts';
import type { ResolvedCascade, ResolvedTier } from './resolve-options.ts';
import type { Attempt, AttemptKind } from './result.ts';
import type { Run } from './run-state.ts';
import type { Visit, VisitLog, VisitTier } from './tier-visit.ts';

/**
 * How long `tier` may take before the next tier is started beside it, or `undefined` when hedging is
 * off: a fixed delay, or the tier's own recent p95 once it has enough samples (a fallback before that).
 */
export function hedgeDelay(cascade: ResolvedCascade, tier: ResolvedTier): number | undefined {
  const hedge = cascade.hedge;
  if (hedge === undefined) return undefined;
  if (hedge.delayMs !== 'p95') return hedge.delayMs;
  const latency = tier.latency.snapshot();
  return latency.samples >= hedge.minimumSamples && latency.p95Ms !== undefined ? latency.p95Ms : hedge.fallbackDelayMs;
}

/** How a hedged visit ended, for the walk. */
export interface HedgedVisit {
  /** The first attempt of either tier that passed every gate; the other tier was aborted. */
  readonly winner: Attempt | undefined;
  /** How the hedged (lower) tier's own visit ended. */
  readonly own: Visit;
  /** 2 when the hedge tier was tried too (or passed over), so the walk goes on above it; else 1. */
  readonly advance: 1 | 2;
}

/**
 * Visits `tier` with `next` as its hedge: `next` starts when `tier` has not answered within `delayMs`
 * (a `hedge` event), and is called off if `tier` settles first. The first answer that passes wins and the
 * loser is aborted: its attempt is recorded `aborted` with its cost. When neither passes, a hedge that
 * failed or was passed over counts as visited, so the walk resumes above it; a hedge that was called off
 * or cancelled does not, so the walk visits `next` in the ordinary way.
 */
export async function hedgedVisit(
  run: Run,
  log: VisitLog,
  visit: VisitTier,
  hedge: {
    readonly tier: ResolvedTier;
    readonly next: ResolvedTier;
    readonly kind: AttemptKind;
    readonly delayMs: number;
  },
): Promise<HedgedVisit> {
  const { tier, next, kind, delayMs } = hedge;
  let settleStart: (start: boolean) => void = () => {};
  const start = new Promise<boolean>((resolve) => {
    settleStart = resolve;
  });
  const timer = setTimeout(() => {
    if (run.listening) run.emit({ type: 'hedge', ...run.base(), from: tier.name, to: next.name, delayMs });
    settleStart(true);
  }, delayMs);
  const stopTimer = () => {
    clearTimeout(timer);
    settleStart(false);
  };
  let contested: ContestOutcome;
  try {
    contested = await contest(
      run,
      [
        { tier, kind, onSettled: stopTimer },
        { tier: next, kind: 'hedge', start },
      ],
      'first',
      visit,
    );
  } finally {
    stopTimer();
  }
  const [own, hedged] = contested.visits as [Visit, Visit];
  log.note(run, tier, own);
  if (contested.winner !== undefined) return { winner: contested.winner, own, advance: 1 };
  if (hedged.status === 'failed' || hedged.status === 'skipped') {
    log.note(run, next, hedged);
    return { winner: undefined, own, advance: 2 };
  }
  return { winner: undefined, own, advance: 1 };
}
