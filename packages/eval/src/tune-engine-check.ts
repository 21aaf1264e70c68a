import type { RecordedRequest } from '@llm-cascade/provider-replay';
import { applyProfile, type CascadeProfile } from './cascade-profile.ts';
import type { EvalParams } from './eval-config.ts';
import type { FittedLadder } from './fit-thresholds.ts';
import { measureRun } from './measure-run.ts';
import { allQueries, type OutcomeMatrix } from './outcome-matrix.ts';
import { toRequest } from './run-eval.ts';
import type { createScorer } from './score-answer.ts';
import { simulateLadder } from './simulate-ladder.ts';
import { spaceProvider } from './tune-data.ts';
import type { TuneSpace } from './tune-space.ts';

/** The engine's replay of the profile beside the search's own replay on the same queries. */
export interface EngineCheck {
  readonly on: 'fit' | 'test';
  readonly simulated: { readonly accuracy: number; readonly costUsd: number };
  readonly engine: { readonly accuracy: number; readonly costUsd: number; readonly gateErrors: number };
  readonly agree: boolean;
}

/**
 * Replays a profile through the cascade engine (applyProfile + the replay provider) and compares accuracy and
 * cost with the search's own replay of the same ladder on the same queries.
 */
export async function checkWithEngine(
  space: TuneSpace,
  profile: CascadeProfile,
  params: EvalParams,
  records: readonly RecordedRequest[],
  matrix: OutcomeMatrix,
  fitted: FittedLadder,
  score: ReturnType<typeof createScorer>,
  on: 'fit' | 'test',
  options: { readonly concurrency?: number; readonly signal?: AbortSignal },
): Promise<EngineCheck> {
  const cascade = await applyProfile({
    profile,
    tier: space.tier,
    provider: spaceProvider(space, records),
    params,
    ...(space.options === undefined ? {} : { options: space.options }),
  });
  const measures = await measureRun({
    cascade,
    records,
    requests: records.map(space.request ?? toRequest),
    scorable: records.map(() => true),
    score,
    concurrency: options.concurrency ?? 16,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const simulated = simulateLadder(matrix, fitted, allQueries(matrix));
  const accuracy = simulated.correct / simulated.queries;
  return {
    on,
    simulated: { accuracy, costUsd: simulated.costUsd },
    engine: { accuracy: measures.accuracy, costUsd: measures.costUsd, gateErrors: measures.gateErrors },
    agree:
      Math.abs(measures.accuracy - accuracy) < 1e-9 &&
      Math.abs(measures.costUsd - simulated.costUsd) <= 1e-9 + 1e-6 * simulated.costUsd,
  };
}
