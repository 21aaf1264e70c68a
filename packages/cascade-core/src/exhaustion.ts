import { CascadeExhaustedError, NoTierAvailableError } from './errors.ts';
import type { CascadeResult } from './result.ts';
import { bestAttempt, buildResult } from './run-result.ts';
import type { Run } from './run-state.ts';

/** A tier the walk passed over without calling it, and why. */
export interface SkippedTier {
  readonly tier: string;
  readonly reason: string;
}

/**
 * The ladder ran out without an accepted answer. No attempt at all: `NoTierAvailableError` naming why each
 * tier was passed over. Otherwise the best attempt marked not accepted (`onExhausted: 'best'`), or
 * `CascadeExhaustedError` holding every attempt.
 */
export function exhausted(run: Run, skipped: readonly SkippedTier[]): CascadeResult {
  if (run.attempts.length === 0) {
    throw new NoTierAvailableError(
      `no tier could take request${run.request.id === undefined ? '' : ` '${run.request.id}'`}: ${skipped.map((s) => `${s.tier} (${s.reason})`).join('; ')}`,
      { attempts: run.attempts, skipped },
    );
  }
  if (run.listening) run.emit({ type: 'exhausted', ...run.base(), attempts: run.attempts });
  const best = bestAttempt(run.attempts);
  if (run.cascade.options.onExhausted === 'best' && best !== undefined) return buildResult(run, best, 'exhausted');
  const last = run.attempts[run.attempts.length - 1];
  const why =
    last?.failedGate !== undefined ? `gate '${last.failedGate}' failed` : (last?.error?.message ?? 'no answer');
  const skippedNote =
    skipped.length === 0 ? '' : `; passed over: ${skipped.map((s) => `${s.tier} (${s.reason})`).join(', ')}`;
  throw new CascadeExhaustedError(
    `every tier failed after ${run.attempts.length} attempt(s); last: ${why}${skippedNote}`,
    run.attempts,
    last?.error === undefined ? {} : { cause: last.error },
  );
}
