import type { ResolvedTier } from './resolve-options.ts';
import type { Attempt, AttemptKind } from './result.ts';
import type { Run } from './run-state.ts';
import type { Visit, VisitTier } from './tier-visit.ts';

/** One tier of a contest; `start` delays it (a hedge) and resolves `false` to call it off. */
export interface ContestEntry {
  readonly tier: ResolvedTier;
  readonly kind: AttemptKind;
  readonly start?: Promise<boolean>;
  readonly onSettled?: () => void;
}

/** How a contest ended: the winning attempt, if any, and how each entry's visit ended. */
export interface ContestOutcome {
  readonly winner: Attempt | undefined;
  /** By entry; a visit that never started, or was called off, is `cancelled`. */
  readonly visits: readonly Visit[];
}

/** Why the losing tiers of a hedge or race are aborted; it ends up as their attempts' error cause. */
const CONTEST_LOST = 'cancelled: a tier of the hedge or race answered first';

/** An AbortController that follows the run's signal, for a tier visit another tier may cancel. */
function childController(parent: AbortSignal | undefined): { controller: AbortController; release: () => void } {
  const controller = new AbortController();
  if (parent === undefined) return { controller, release: () => {} };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, release: () => {} };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, release: () => parent.removeEventListener('abort', onAbort) };
}

/**
 * Runs several tier visits at once (a hedge or a race); returns the winner by `prefer` and cancels the
 * rest. A pass on a stronger tier waits for cheaper tiers still running when `prefer` is 'cheapest';
 * answers that settle in the same turn are decided in ladder order. `start` lets a visit begin later (a
 * hedge's delay). The losers' attempts end `aborted`, and are recorded and costed like any other.
 */
export async function contest(
  run: Run,
  entries: readonly ContestEntry[],
  prefer: 'cheapest' | 'first',
  visit: VisitTier,
): Promise<ContestOutcome> {
  const controllers = entries.map(() => childController(run.signal));
  const visits: (Visit | undefined)[] = entries.map(() => undefined);
  let failure: unknown;
  let wake: () => void = () => {};
  const tasks = entries.map(async (entry, i) => {
    const { controller } = controllers[i] as { controller: AbortController };
    try {
      if (entry.start !== undefined && !(await entry.start)) {
        visits[i] = { status: 'cancelled' };
        return;
      }
      if (controller.signal.aborted) {
        visits[i] = { status: 'cancelled' };
        return;
      }
      visits[i] = await visit(entry.tier, entry.kind, controller.signal);
    } catch (error) {
      failure ??= error;
      visits[i] = { status: 'cancelled' };
    } finally {
      entry.onSettled?.();
      wake();
    }
  });
  const all = Promise.all(tasks);
  let winner: number | undefined;
  try {
    for (;;) {
      const changed = new Promise<void>((resolve) => {
        wake = resolve;
      });
      if (visits.every((v) => v !== undefined)) break;
      await changed;
      // Let visits that settle in the same turn land, so ties go to the cheaper tier.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (failure !== undefined) break;
      const accepted = visits.flatMap((v, i) => (v?.status === 'accepted' ? [i] : []));
      if (accepted.length === 0) continue;
      const best = Math.min(...accepted);
      const cheaperRunning = visits.some((v, i) => v === undefined && i < best);
      if (prefer === 'first' || !cheaperRunning) {
        winner = best;
        break;
      }
      // 'cheapest': stronger tiers than the best pass so far can no longer win.
      controllers.forEach(({ controller }, i) => {
        if (i > best && visits[i] === undefined) controller.abort(new Error(CONTEST_LOST));
      });
    }
  } finally {
    controllers.forEach(({ controller }, i) => {
      if (i !== winner && visits[i] === undefined) controller.abort(new Error(CONTEST_LOST));
    });
    await all;
    for (const { release } of controllers) release();
  }
  if (failure !== undefined) throw failure;
  const settled = visits as Visit[];
  const won = winner === undefined ? undefined : settled[winner];
  return { winner: won?.status === 'accepted' ? won.attempt : undefined, visits: settled };
}
