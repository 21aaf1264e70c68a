import { costOf, estimateInputTokens } from './pricing.ts';
import type { ResolvedTier } from './resolve-options.ts';
import type { Attempt, CascadeResult, RunOutcome, TopTierCost } from './result.ts';
import type { Run } from './run-state.ts';

/** The caller's result, built around `attempt` (the accepted one, or the best when nothing was accepted). */
export function buildResult(run: Run, attempt: Attempt, outcome: RunOutcome): CascadeResult {
  const candidate = attempt.candidates[attempt.selectedCandidate] ?? attempt.candidates[0];
  const text = candidate?.text ?? '';
  const value = run.values.has(attempt.index) ? run.values.get(attempt.index) : text;
  return {
    accepted: outcome === 'accepted',
    outcome,
    value,
    text,
    tier: attempt.tier,
    tierIndex: attempt.tierIndex,
    model: attempt.responseModel ?? attempt.model,
    attempts: run.attempts,
    usage: run.usage,
    costUsd: run.costUsd,
    topTierCost: topTierCost(run, attempt),
    escalations: run.escalations,
    repairs: run.repairs,
    latencyMs: performance.now() - run.started,
    ...(run.route === undefined ? {} : { route: run.route }),
  };
}

/** Measured when the top tier ran; otherwise priced from this run's own token counts, and labelled so. */
function topTierCost(run: Run, answer: Attempt): TopTierCost {
  const tiers = run.cascade.tiers;
  const top = tiers[tiers.length - 1] as ResolvedTier;
  const onTop = run.attempts.filter((a) => a.tierIndex === top.index && a.candidates.length > 0);
  if (onTop.length > 0) return { usd: onTop.reduce((sum, a) => sum + a.costUsd, 0), estimated: false };
  const first = run.attempts.find((a) => a.usage.inputTokens > 0);
  const inputTokens =
    first === undefined ? estimateInputTokens(run.messages) : Math.round(first.usage.inputTokens / first.calls);
  const outputTokens = Math.round(answer.usage.outputTokens / Math.max(1, answer.candidates.length));
  return { usd: costOf({ inputTokens, outputTokens }, top.price), estimated: true };
}

function passedGates(attempt: Attempt): number {
  return attempt.gates.filter((g) => g.status !== 'fail').length;
}

/** The attempt to return when nothing was accepted: the one that got furthest, stronger tiers first on ties. */
export function bestAttempt(attempts: readonly Attempt[]): Attempt | undefined {
  let best: Attempt | undefined;
  for (const attempt of attempts) {
    if (attempt.candidates.length === 0) continue;
    if (
      best === undefined ||
      passedGates(attempt) > passedGates(best) ||
      (passedGates(attempt) === passedGates(best) && attempt.tierIndex >= best.tierIndex)
    ) {
      best = attempt;
    }
  }
  return best;
}
