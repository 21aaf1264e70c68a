import {
  type Attempt,
  type BatchItem,
  type CascadeOptions,
  type CascadeRequest,
  type CascadeResult,
  createCascade,
} from '@llm-cascade/core';
import type { RecordedRequest } from '@llm-cascade/provider-replay';
import { candidateLabel } from './candidate-labels.ts';
import type { Score, ScoreInput } from './score-answer.ts';

/** How one tier fared over a dataset. */
export interface TierStats {
  readonly tier: string;
  readonly model: string;
  /** Requests that made at least one attempt on this tier. */
  readonly reached: number;
  /** Requests whose returned answer came from this tier. */
  readonly answered: number;
  /** Requests accepted on this tier (every gate passed). */
  readonly accepted: number;
  /** Requests that reached this tier and went on to a higher one. */
  readonly escalated: number;
  /** `escalated / reached` (0 when never reached). */
  readonly escalationRate: number;
  /** USD spent on this tier's attempts. */
  readonly costUsd: number;
}

/** How one gate on one tier fared over a dataset. */
export interface GateStats {
  readonly tier: string;
  readonly gate: string;
  /** Times the gate ran (every attempt that got that far). */
  readonly evaluated: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** `passed / (passed + failed)`; skipped runs are left out. NaN when it never decided. */
  readonly passRate: number;
  /** Failure reasons and their counts, most frequent first. */
  readonly failReasons: readonly { readonly reason: string; readonly count: number }[];
}

/** The figures of one configuration over a dataset. */
export interface RunMeasures {
  readonly requests: number;
  /** Requests with a verdict (a reference or a label to judge against). */
  readonly scored: number;
  readonly correct: number;
  /** `correct / scored`; NaN when nothing could be scored. */
  readonly accuracy: number;
  /** Requests accepted by every gate of some tier. */
  readonly accepted: number;
  /** Requests for which the cascade returned no answer at all (it threw, or nothing was recorded). */
  readonly unanswered: number;
  /** USD over all requests, every attempt included (failed and escalated ones too). */
  readonly costUsd: number;
  readonly costPerRequestUsd: number;
  readonly tiers: readonly TierStats[];
  readonly gates: readonly GateStats[];
  /** Runs that threw, grouped by error code, each with the first message seen as an example. */
  readonly errors: readonly { readonly code: string; readonly count: number; readonly example: string }[];
  /**
   * Gate verdicts that were a gate crashing (reason `gate-error`), not a judgement of the answer: a closed
   * worker, a bug, a bad config. The run goes on (the answer escalates), so the figures are not the config's.
   */
  readonly gateErrors: number;
}

export interface MeasureRunOptions {
  readonly cascade: CascadeOptions;
  readonly records: readonly RecordedRequest[];
  readonly requests: readonly CascadeRequest[];
  /** Per record: can it be scored at all. */
  readonly scorable: readonly boolean[];
  readonly score: (input: ScoreInput) => Score;
  readonly concurrency: number;
  /** Stops the batch: runs not yet finished end as aborted (and count as unanswered). */
  readonly signal?: AbortSignal;
}

export interface Outcome {
  readonly result: CascadeResult | undefined;
  readonly attempts: readonly Attempt[];
  readonly error: { readonly code: string; readonly message: string } | undefined;
}

/** A batch item as a result (or none), its attempts, and its error. */
export function outcomeOf(item: BatchItem): Outcome {
  if (item.ok) return { result: item.result, attempts: item.result.attempts, error: undefined };
  const attempts = (item.error as { attempts?: readonly Attempt[] }).attempts ?? [];
  // The exhausted error's message is generic; the last attempt's error says what went wrong.
  const last = attempts[attempts.length - 1]?.error;
  const message = last === undefined ? item.error.message : `${item.error.message}: ${last.message}`;
  return { result: undefined, attempts, error: { code: item.error.code, message } };
}

/** The attempt whose candidate the result returned. */
export function answeringAttempt(result: CascadeResult): Attempt | undefined {
  const attempts = result.attempts;
  for (let i = attempts.length - 1; i >= 0; i -= 1) {
    const attempt = attempts[i] as Attempt;
    if (attempt.tierIndex !== result.tierIndex || attempt.candidates.length === 0) continue;
    if (result.accepted && attempt.outcome !== 'accepted') continue;
    const candidate = attempt.candidates[attempt.selectedCandidate] ?? attempt.candidates[0];
    if (candidate?.text === result.text) return attempt;
  }
  return undefined;
}

interface TierTally {
  tier: string;
  model: string;
  reached: number;
  answered: number;
  accepted: number;
  escalated: number;
  costUsd: number;
}

interface GateTally {
  tier: string;
  gate: string;
  evaluated: number;
  passed: number;
  failed: number;
  skipped: number;
  reasons: Map<string, number>;
}

/**
 * Runs every request through a cascade built from `options.cascade` and measures accuracy, cost, per-tier
 * escalation and per-gate pass rates. The cascade is not closed: its gates belong to the config, which may
 * share one gate (a code gate's workers) across every cascade it returns.
 *
 * Answers are scored as the cascade returns them: with `onExhausted: 'best'` an unaccepted best attempt is
 * scored (the caller would receive it); a run that throws counts as wrong. Cost sums every attempt.
 */
export async function measureRun(options: MeasureRunOptions): Promise<RunMeasures> {
  const cascade = createCascade(options.cascade);
  const items = await cascade.runMany(options.requests, {
    concurrency: options.concurrency,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const tiers: TierTally[] = cascade.tiers.map((tier) => ({
    tier: tier.name,
    model: tier.model,
    reached: 0,
    answered: 0,
    accepted: 0,
    escalated: 0,
    costUsd: 0,
  }));
  const gates = new Map<string, GateTally>();
  const errors = new Map<string, { count: number; example: string }>();
  let scored = 0;
  let correct = 0;
  let accepted = 0;
  let unanswered = 0;
  let cost = 0;
  let gateErrors = 0;

  items.forEach((item, i) => {
    const { result, attempts, error } = outcomeOf(item);
    if (error !== undefined) {
      const entry = errors.get(error.code);
      if (entry === undefined) errors.set(error.code, { count: 1, example: error.message });
      else entry.count += 1;
    }
    let highest = -1;
    const reached = new Set<number>();
    for (const attempt of attempts) {
      reached.add(attempt.tierIndex);
      highest = Math.max(highest, attempt.tierIndex);
      cost += attempt.costUsd;
      const tally = tiers[attempt.tierIndex];
      if (tally !== undefined) tally.costUsd += attempt.costUsd;
      for (const gate of attempt.gates) {
        const key = `${attempt.tier}\u0000${gate.name}`;
        let entry = gates.get(key);
        if (entry === undefined) {
          entry = {
            tier: attempt.tier,
            gate: gate.name,
            evaluated: 0,
            passed: 0,
            failed: 0,
            skipped: 0,
            reasons: new Map(),
          };
          gates.set(key, entry);
        }
        entry.evaluated += 1;
        if (gate.reason === 'gate-error') gateErrors += 1;
        if (gate.status === 'pass') entry.passed += 1;
        else if (gate.status === 'skipped') entry.skipped += 1;
        else {
          entry.failed += 1;
          entry.reasons.set(gate.reason, (entry.reasons.get(gate.reason) ?? 0) + 1);
        }
      }
    }
    for (const index of reached) {
      const tally = tiers[index];
      if (tally === undefined) continue;
      tally.reached += 1;
      if (index < highest) tally.escalated += 1;
    }
    const answering = result === undefined ? undefined : answeringAttempt(result);
    const candidate =
      answering === undefined
        ? undefined
        : (answering.candidates[answering.selectedCandidate] ?? answering.candidates[0]);
    if (result !== undefined) {
      const tally = tiers[result.tierIndex];
      if (tally !== undefined) {
        tally.answered += 1;
        if (result.accepted) tally.accepted += 1;
      }
      if (result.accepted) accepted += 1;
    } else {
      unanswered += 1;
    }
    const record = options.records[i] as RecordedRequest;
    const verdict = options.score({
      text: result?.text,
      label: candidate === undefined ? undefined : candidateLabel(candidate),
      reference: record.reference,
      scorable: options.scorable[i] === true,
    });
    if (verdict.scored) {
      scored += 1;
      if (verdict.correct) correct += 1;
    }
  });

  const requests = items.length;
  return {
    requests,
    scored,
    correct,
    accuracy: scored === 0 ? Number.NaN : correct / scored,
    accepted,
    unanswered,
    costUsd: cost,
    costPerRequestUsd: requests === 0 ? 0 : cost / requests,
    tiers: tiers.map((t) => ({ ...t, escalationRate: t.reached === 0 ? 0 : t.escalated / t.reached })),
    gates: [...gates.values()].map((g) => ({
      tier: g.tier,
      gate: g.gate,
      evaluated: g.evaluated,
      passed: g.passed,
      failed: g.failed,
      skipped: g.skipped,
      passRate: g.passed + g.failed === 0 ? Number.NaN : g.passed / (g.passed + g.failed),
      failReasons: [...g.reasons.entries()]
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    })),
    errors: [...errors.entries()].map(([code, { count, example }]) => ({ code, count, example })),
    gateErrors,
  };
}
