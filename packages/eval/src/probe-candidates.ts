import {
  type Attempt,
  type CascadeOptions,
  type CascadeRequest,
  ConfigError,
  createCascade,
  type Provider,
  type TierConfig,
} from '@llm-cascade/core';
import type { RecordedRequest } from '@llm-cascade/provider-replay';
import { candidateLabel } from './candidate-labels.ts';
import type { EvalParams } from './eval-config.ts';
import { answeringAttempt, outcomeOf } from './measure-run.ts';
import type { OutcomeMatrix } from './outcome-matrix.ts';
import type { Score, ScoreInput } from './score-answer.ts';
import type { TuneSpace } from './tune-space.ts';

export interface ProbeCandidatesOptions {
  readonly space: TuneSpace;
  readonly params: EvalParams;
  readonly provider: Provider;
  /** Scorable records only: the matrix has one query per record. */
  readonly records: readonly RecordedRequest[];
  readonly requests: readonly CascadeRequest[];
  readonly score: (input: ScoreInput) => Score;
  readonly concurrency: number;
  readonly signal?: AbortSignal;
}

/** The outcome matrix and what went wrong while probing. */
export interface ProbeResult {
  readonly matrix: OutcomeMatrix;
  /** The confidence gate's name. */
  readonly confidenceGate: string;
  /** Gate verdicts that were crashes (`gate-error`), over every probe run. */
  readonly gateErrors: number;
  /** Runs that returned no answer (provider errors, nothing recorded), by model. */
  readonly unanswered: Readonly<Record<string, number>>;
  /** Queries whose answer was scored differently as a gated and as a last tier, by model (0 expected). */
  readonly labelMismatches: Readonly<Record<string, number>>;
}

/** One tier serving every request alone: no repairs, no retries, its answer taken whether its gates pass or not. */
function alone(space: TuneSpace, tier: TierConfig): CascadeOptions {
  return {
    ...space.options,
    tiers: [{ ...tier, repairs: 0, retries: 0 }],
    onExhausted: 'best',
    onBudgetExceeded: 'best',
  };
}

interface Served {
  readonly correct: Uint8Array;
  readonly costUsd: Float64Array;
  readonly attempts: readonly (Attempt | undefined)[];
  readonly accepted: readonly boolean[];
  readonly gateErrors: number;
  readonly unanswered: number;
}

async function serve(options: ProbeCandidatesOptions, cascade: CascadeOptions): Promise<Served> {
  const built = createCascade(cascade);
  const items = await built.runMany(options.requests, {
    concurrency: options.concurrency,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const n = items.length;
  const correct = new Uint8Array(n);
  const costUsd = new Float64Array(n);
  const attempts: (Attempt | undefined)[] = [];
  const accepted: boolean[] = [];
  let gateErrors = 0;
  let unanswered = 0;
  items.forEach((item, i) => {
    const { result, attempts: tried } = outcomeOf(item);
    let cost = 0;
    for (const attempt of tried) {
      cost += attempt.costUsd;
      for (const gate of attempt.gates) if (gate.reason === 'gate-error') gateErrors += 1;
    }
    costUsd[i] = cost;
    attempts.push(tried[0]);
    accepted.push(result?.accepted === true);
    if (result === undefined) unanswered += 1;
    const answering = result === undefined ? undefined : answeringAttempt(result);
    const candidate =
      answering === undefined
        ? undefined
        : (answering.candidates[answering.selectedCandidate] ?? answering.candidates[0]);
    const verdict = options.score({
      text: result?.text,
      label: candidate === undefined ? undefined : candidateLabel(candidate),
      reference: (options.records[i] as RecordedRequest).reference,
      scorable: true,
    });
    correct[i] = verdict.scored && verdict.correct ? 1 : 0;
  });
  return { correct, costUsd, attempts, accepted, gateErrors, unanswered };
}

/**
 * Reads, through the engine, what each candidate model does on each query: every model is replayed alone as
 * a gated tier (its confidence gate at `probeThreshold`: the gate's score is the confidence, its cost the
 * gated cost) and alone as a last tier (no confidence gate: the final cost). The tier factory decides what
 * each costs, so a confidence that takes an extra call is paid where it is used and nowhere else.
 *
 * A query's confidence is `-Infinity` when the tier could not accept the answer at any threshold (an
 * earlier gate failed, the confidence gate failed for a reason of its own such as missing logprobs, or the
 * run gave no answer). Throws `ConfigError` when the confidence gate is not the tier's last gate, or passes an
 * answer scored below the threshold (it must pass exactly when score >= threshold).
 */
export async function probeCandidates(options: ProbeCandidatesOptions): Promise<ProbeResult> {
  const { space, params, provider } = options;
  const n = options.records.length;
  const correct: Uint8Array[] = [];
  const confidence: Float64Array[] = [];
  const gatedCostUsd: Float64Array[] = [];
  const finalCostUsd: Float64Array[] = [];
  const unanswered: Record<string, number> = {};
  const labelMismatches: Record<string, number> = {};
  let gateErrors = 0;
  let gateName: string | undefined;
  for (const model of space.models) {
    const gatedTier = await space.tier({ provider, model, threshold: space.probeThreshold, params });
    const gates = gatedTier.gates ?? [];
    const last = gates[gates.length - 1];
    const name = space.confidenceGate ?? last?.name;
    if (name === undefined || last === undefined) {
      throw new ConfigError('config.tier', `the gated tier of ${model} has no gates: it needs a confidence gate`);
    }
    if (last.name !== name) {
      throw new ConfigError(
        'config.confidenceGate',
        `the confidence gate '${name}' must be the last gate of the gated tier of ${model} (it is '${last.name}')`,
      );
    }
    gateName ??= name;
    const finalTier = await space.tier({ provider, model, threshold: undefined, params });
    const gated = await serve(options, alone(space, gatedTier));
    const final = await serve(options, alone(space, finalTier));
    gateErrors += gated.gateErrors + final.gateErrors;
    unanswered[model] = gated.unanswered + final.unanswered;
    const scores = new Float64Array(n);
    let mismatches = 0;
    for (let q = 0; q < n; q += 1) {
      if (gated.correct[q] !== final.correct[q]) mismatches += 1;
      const verdict = gated.attempts[q]?.gates.find((gate) => gate.name === name);
      const score = verdict?.score;
      if (verdict === undefined || typeof score !== 'number' || Number.isNaN(score)) {
        // The gate never judged (an earlier gate failed, no answer), or judged without a score.
        scores[q] = gated.accepted[q] === true && verdict?.status === 'skipped' ? Number.POSITIVE_INFINITY : -Infinity;
        continue;
      }
      if (verdict.status === 'pass' && score < space.probeThreshold) {
        throw new ConfigError(
          'config.confidenceGate',
          `gate '${name}' passed an answer of ${model} scored ${score}, below the threshold ${space.probeThreshold}: tune needs a gate that passes exactly when its score is at least the threshold`,
        );
      }
      // A failure with a passing score is a failure for another reason (no logprobs, an empty span).
      scores[q] = verdict.status === 'fail' && score >= space.probeThreshold ? -Infinity : score;
    }
    labelMismatches[model] = mismatches;
    correct.push(final.correct);
    confidence.push(scores);
    gatedCostUsd.push(gated.costUsd);
    finalCostUsd.push(final.costUsd);
  }
  return {
    matrix: {
      models: [...space.models],
      ids: options.records.map((record) => record.id),
      correct,
      confidence,
      gatedCostUsd,
      finalCostUsd,
    },
    confidenceGate: gateName as string,
    gateErrors,
    unanswered,
    labelMismatches,
  };
}
