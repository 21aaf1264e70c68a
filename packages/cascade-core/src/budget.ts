import type { ProviderRequest } from './contracts.ts';
import { BudgetExceededError } from './errors.ts';
import { costOf, estimateInputTokens } from './pricing.ts';
import { DEFAULT_OUTPUT_ESTIMATE_TOKENS } from './provider-request.ts';
import type { ResolvedTier } from './resolve-options.ts';
import type { AttemptKind, CascadeResult } from './result.ts';
import { bestAttempt, buildResult } from './run-result.ts';
import type { Run } from './run-state.ts';
import type { SpendCapHit } from './spend-caps.ts';
import { ATTR } from './tracing.ts';

/** Upper-bound cost of the next attempt: input for each call, plus the output cap for each sample. */
export function estimateCost(run: Run, tier: ResolvedTier, request: ProviderRequest): number {
  const estimateInput = run.cascade.options.estimateInputTokens ?? estimateInputTokens;
  const inputTokens = estimateInput(request.messages);
  const outputTokens = request.maxOutputTokens ?? DEFAULT_OUTPUT_ESTIMATE_TOKENS;
  const provider = tier.provider;
  const calls = provider.estimateCalls?.(tier.samples) ?? (provider.capabilities.multipleSamples ? 1 : tier.samples);
  return costOf({ inputTokens: inputTokens * calls, outputTokens: outputTokens * tier.samples }, tier.price);
}

/** Whether an attempt estimated at `estimatedUsd` fits in what is left, counting attempts in flight. */
export function affordable(run: Run, estimatedUsd: number): boolean {
  return run.budgetUsd === undefined || run.costUsd + run.reservedUsd + estimatedUsd <= run.budgetUsd;
}

/** Why a tier's next attempt was not made: its estimate, and the spend cap that refused it, if one did. */
export interface BudgetRefusal {
  readonly estimatedCostUsd: number;
  readonly kind: AttemptKind;
  readonly cap?: SpendCapHit;
}

/**
 * The run stops because `tier`'s next attempt would not fit the budget or a spend cap: the attempt is
 * recorded as `budget` (not called), then the best answer so far is returned (`onBudgetExceeded:
 * 'best'`) or `BudgetExceededError` is thrown.
 */
export function budgetStop(run: Run, tier: ResolvedTier, refusal: BudgetRefusal): CascadeResult {
  const { estimatedCostUsd, kind, cap } = refusal;
  const budget = cap === undefined ? (run.budgetUsd as number) : cap.limitUsd;
  const left = cap === undefined ? budget - run.costUsd : cap.leftUsd;
  if (run.listening) {
    run.emit({
      type: 'budget',
      ...run.base(),
      tier: tier.name,
      estimatedUsd: estimatedCostUsd,
      leftUsd: left,
      ...(cap === undefined ? {} : { cap: cap.name }),
    });
  }
  if (cap !== undefined) run.runSpan.setAttribute(ATTR.spendCap, cap.name);
  run.record({
    index: run.nextIndex++,
    tier: tier.name,
    tierIndex: tier.index,
    model: tier.model,
    kind,
    outcome: 'budget',
    candidates: [],
    selectedCandidate: 0,
    gates: [],
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
    estimatedCostUsd,
    calls: 0,
    latencyMs: 0,
    startedAt: Date.now(),
  });
  const best = bestAttempt(run.attempts);
  if (run.cascade.options.onBudgetExceeded === 'best' && best !== undefined) return buildResult(run, best, 'budget');
  if (cap !== undefined) {
    throw new BudgetExceededError(
      `tier '${tier.name}' would cost about $${estimatedCostUsd.toFixed(6)}, over the $${left.toFixed(6)} left of spend cap '${cap.name}' (${cap.key} '${cap.value}': $${cap.limitUsd} per ${cap.windowMs} ms)`,
      { attempts: run.attempts, budgetUsd: budget, spentUsd: budget - left, cap },
    );
  }
  throw new BudgetExceededError(
    `tier '${tier.name}' would cost about $${estimatedCostUsd.toFixed(6)}, over the $${left.toFixed(6)} left of the $${budget} budget`,
    { attempts: run.attempts, budgetUsd: budget, spentUsd: run.costUsd },
  );
}
