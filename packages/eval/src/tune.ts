import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '@llm-cascade/core';
import { loadRecordings, type RecordedRequest, replayProvider } from '@llm-cascade/provider-replay';
import { labelledProvider } from './candidate-labels.ts';
import {
  applyProfile,
  type CascadeProfile,
  type MeasuredFigures,
  PROFILE_FORMAT,
  PROFILE_VERSION,
  type TuneTarget,
} from './cascade-profile.ts';
import { type CandidateEstimate, crossValidate } from './cross-validate.ts';
import type { EvalParams } from './eval-config.ts';
import { createFitSet, type FittedLadder, fitLadder } from './fit-thresholds.ts';
import { enumerateLadders, type LadderOrder, lambdaGrid, MAX_TIERS } from './ladder-space.ts';
import { measureRun } from './measure-run.ts';
import { normalQuantile } from './normal-quantile.ts';
import { allQueries, bestModel, type OutcomeMatrix } from './outcome-matrix.ts';
import { applyParams, type ParamSetting, parseSet } from './params.ts';
import { type ProbeResult, probeCandidates } from './probe-candidates.ts';
import { mergeById, scorableRecord, toRequest } from './run-eval.ts';
import { createScorer, type ScoringMode, type ScoringOptions } from './score-answer.ts';
import { seededRandom, shuffled } from './seeded-random.ts';
import { estimatedFrontier, selectCandidate } from './select-candidate.ts';
import { simulateLadder } from './simulate-ladder.ts';
import { checkTuneSpace, loadTuneSpace, type TuneSpace } from './tune-space.ts';

/** Default one-sided confidence of the selection bound: half a standard error on the cautious side (measured across the Zellinger train splits, see the README). */
export const DEFAULT_SELECTION_CONFIDENCE = 0.7;
/** Level of the intervals a profile reports (two-sided). */
export const INTERVAL_LEVEL = 0.9;

export interface TuneOptions {
  /** The recording to fit on (a JSONL path or records). */
  readonly data: string | readonly RecordedRequest[];
  /** Held-out recording to report on (never fitted on). Or use `holdout`. */
  readonly test?: string | readonly RecordedRequest[];
  /** Share of `data` held out for the report (0.3), drawn with `seed`. */
  readonly holdout?: number;
  /** The tune space: a config path or the space itself. */
  readonly config: string | TuneSpace;
  /** Default: within 1pt of the best single model. */
  readonly target?: TuneTarget;
  /** Fixed params (`name=value`) written over the space's defaults. */
  readonly set?: readonly (string | ParamSetting)[];
  /** 1 to 4. Default 4. */
  readonly maxTiers?: number;
  /** `cost` (cheapest first, default) or `any`. */
  readonly order?: LadderOrder;
  /** Cross-validation folds over the fit data. Default 5. */
  readonly folds?: number;
  /** Repeats of the k-fold split. Default 1. */
  readonly repeats?: number;
  /** Seeds the holdout split and the folds. Default 1. */
  readonly seed?: number;
  /** One-sided confidence of the selection bound. Default 0.7 (about half a standard error). 0.5 selects on the estimate. */
  readonly selectionConfidence?: number;
  /** Cost weights searched per ladder. Default 41 (0, then 0.001 to 3 geometrically). */
  readonly lambdas?: number;
  readonly scoring?: ScoringMode | ScoringOptions;
  readonly concurrency?: number;
  /** Replay the chosen profile through the engine and compare it with the search's own replay. Default true. */
  readonly verify?: boolean;
  readonly onProgress?: (message: string) => void;
  readonly signal?: AbortSignal;
}

/** One point of the cross-validated frontier, refitted on all the fit data. */
export interface TuneFrontierPoint {
  readonly models: readonly string[];
  readonly thresholds: readonly number[];
  readonly lambda: number;
  readonly estimate: CandidateEstimate;
  readonly fit: MeasuredFigures;
  readonly test?: MeasuredFigures;
}

/** One candidate model alone. */
export interface TuneModelFigures {
  readonly model: string;
  readonly fit: MeasuredFigures;
  readonly test?: MeasuredFigures;
}

/** The engine's replay of the profile beside the search's own replay on the same queries. */
export interface EngineCheck {
  readonly on: 'fit' | 'test';
  readonly simulated: { readonly accuracy: number; readonly costUsd: number };
  readonly engine: { readonly accuracy: number; readonly costUsd: number; readonly gateErrors: number };
  readonly agree: boolean;
}

export interface TuneReport {
  readonly name: string;
  readonly found: boolean;
  readonly reason: string;
  readonly profile: CascadeProfile;
  readonly models: readonly TuneModelFigures[];
  readonly frontier: readonly TuneFrontierPoint[];
  /** Every candidate's cross-validated estimate (for the chart). */
  readonly estimates: readonly CandidateEstimate[];
  readonly chosen: CandidateEstimate;
  readonly engineCheck?: EngineCheck;
  readonly gateErrors: number;
  readonly warnings: readonly string[];
}

interface Loaded {
  readonly records: RecordedRequest[];
  readonly label: string;
  readonly sha256?: string;
}

function loadData(data: string | readonly RecordedRequest[], field: string): Loaded {
  if (typeof data === 'string') {
    const records = mergeById(loadRecordings(data).map((entry) => entry.record));
    const sha256 = createHash('sha256').update(readFileSync(data)).digest('hex');
    return { records, label: resolve(data), sha256 };
  }
  if (!Array.isArray(data)) throw new ConfigError(field, 'must be a recording path or an array of records');
  return { records: mergeById(data), label: '(records)' };
}

function checkOptions(options: TuneOptions): void {
  if (options.test !== undefined && options.holdout !== undefined) {
    throw new ConfigError('holdout', 'give a test recording or a holdout share, not both');
  }
  if (options.holdout !== undefined && !(options.holdout > 0 && options.holdout < 1)) {
    throw new ConfigError('holdout', `must be a share in (0, 1), got ${String(options.holdout)}`);
  }
  const folds = options.folds ?? 5;
  if (!(Number.isInteger(folds) && folds >= 2 && folds <= 20)) throw new ConfigError('folds', 'must be 2 to 20');
  const repeats = options.repeats ?? 1;
  if (!(Number.isInteger(repeats) && repeats >= 1 && repeats <= 20))
    throw new ConfigError('repeats', 'must be 1 to 20');
  const confidence = options.selectionConfidence ?? DEFAULT_SELECTION_CONFIDENCE;
  if (!(confidence >= 0.5 && confidence < 1)) throw new ConfigError('selectionConfidence', 'must be in [0.5, 1)');
  const target = options.target;
  if (target !== undefined) {
    const value = target.kind === 'within' ? target.points : target.kind === 'lambda' ? target.lambda : target.value;
    if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
      throw new ConfigError('target', `${target.kind} must be a number at least 0`);
    }
  }
}

function targetText(target: TuneTarget): string {
  if (target.kind === 'within')
    return `within ${Number((100 * target.points).toPrecision(6))}pt of the best single model`;
  if (target.kind === 'max-relative-cost') return `at most ${target.value} x the best single model's cost`;
  return `lowest error + ${target.lambda} x relative cost`;
}

/** A ladder's figures on a matrix's queries against the reference model. */
function measure(matrix: OutcomeMatrix, fitted: FittedLadder, reference: number, data: string): MeasuredFigures {
  const queries = allQueries(matrix);
  const outcome = simulateLadder(matrix, fitted, queries);
  const ref = simulateLadder(matrix, { ladder: [reference], thresholds: [] }, queries);
  const n = queries.length;
  return {
    data,
    requests: n,
    accuracy: outcome.correct / n,
    accuracyDelta: (outcome.correct - ref.correct) / n,
    relativeCost: ref.costUsd > 0 ? outcome.costUsd / ref.costUsd : Number.NaN,
    costPerRequestUsd: outcome.costUsd / n,
    referenceAccuracy: ref.correct / n,
  };
}

function interval(estimate: number, se: number, z: number) {
  return { estimate, low: estimate - z * se, high: estimate + z * se };
}

/**
 * Tunes a cascade to recorded data: which candidate models form the ladder and in what order (1 to 4 tiers,
 * cheapest first by default), and each gated tier's confidence threshold, against a target relative to the
 * best single model on the fit data. Chooses from little data without riding on luck: every ladder x cost
 * weight is a candidate whose thresholds are fitted (from the data's own distinct confidences) on k - 1 folds
 * and measured on the held-out fold; a candidate is judged by a confidence bound on its held-out figures; the
 * chosen one is refitted on all the fit data. A gated tier that is best accepting nothing is dropped (never
 * called and paid for nothing). Reports the estimate with its interval next to the figures on held-out data
 * (`test` or `holdout`), replays the profile through the engine to check the search's own replay, and
 * returns the profile `applyProfile` loads.
 */
export async function tune(options: TuneOptions): Promise<TuneReport> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  checkOptions(options);
  const space =
    typeof options.config === 'string' ? await loadTuneSpace(options.config) : checkTuneSpace(options.config);
  try {
    return await tuneWith(space, options);
  } finally {
    await space.close?.();
  }
}

async function tuneWith(space: TuneSpace, options: TuneOptions): Promise<TuneReport> {
  const note = options.onProgress ?? (() => {});
  const seed = options.seed ?? 1;
  const fixed: ParamSetting = Object.assign(
    {},
    ...(options.set ?? []).map((entry) => (typeof entry === 'string' ? parseSet(entry) : entry)),
  );
  const params = applyParams(space.params, fixed, 'set') as EvalParams;
  const scoringSpec = options.scoring ?? space.scoring ?? 'auto';
  const scoring: ScoringOptions = typeof scoringSpec === 'string' ? { mode: scoringSpec } : scoringSpec;
  const score = createScorer(scoring);
  const warnings: string[] = [];

  const loaded = loadData(options.data, 'data');
  let fitData: Loaded = { ...loaded, records: loaded.records.filter(scorableRecord) };
  let testData: Loaded | undefined;
  if (options.test !== undefined) {
    const test = loadData(options.test, 'test');
    testData = { ...test, records: test.records.filter(scorableRecord) };
  } else if (options.holdout !== undefined) {
    const order = shuffled(fitData.records, seededRandom(seed));
    const cut = Math.round(order.length * options.holdout);
    const held = new Set(order.slice(0, cut).map((r) => r.id));
    testData = {
      records: fitData.records.filter((r) => held.has(r.id)),
      label: `${fitData.label} (holdout ${options.holdout}, seed ${seed})`,
    };
    fitData = {
      ...fitData,
      records: fitData.records.filter((r) => !held.has(r.id)),
      label: `${fitData.label} (fit ${1 - options.holdout}, seed ${seed})`,
    };
  }
  const dropped = loaded.records.length - loaded.records.filter(scorableRecord).length;
  if (dropped > 0) warnings.push(`${dropped} unscorable record(s) of the fit data left out`);
  if (fitData.records.length < 2 * (options.folds ?? 5)) {
    throw new ConfigError('data', `${fitData.records.length} scorable fit records: too few to cross-validate`);
  }

  const probe = async (data: Loaded, label: string): Promise<ProbeResult> => {
    note(`probing ${space.models.length} candidate models on ${data.records.length} ${label} requests`);
    const byId = new Map(data.records.map((record) => [record.id, record]));
    const replay = replayProvider({
      records: data.records,
      ...(space.prices === undefined ? {} : { prices: space.prices }),
      ...(space.replay?.repairs === undefined ? {} : { repairs: space.replay.repairs }),
      ...(space.replay?.whenExhausted === undefined ? {} : { whenExhausted: space.replay.whenExhausted }),
    });
    return probeCandidates({
      space,
      params,
      provider: labelledProvider(replay, byId),
      records: data.records,
      requests: data.records.map(space.request ?? toRequest),
      score,
      concurrency: options.concurrency ?? 16,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  };
  const fitProbe = await probe(fitData, 'fit');
  const testProbe = testData === undefined ? undefined : await probe(testData, 'test');
  const gateErrors = fitProbe.gateErrors + (testProbe?.gateErrors ?? 0);
  if (gateErrors > 0)
    warnings.push(`${gateErrors} gate verdict(s) while probing were gate errors: the figures are suspect`);
  for (const result of [fitProbe, testProbe]) {
    for (const [model, count] of Object.entries(result?.unanswered ?? {})) {
      if (count > 0) warnings.push(`${model}: ${count} probe run(s) gave no answer (counted wrong, never accepted)`);
    }
    for (const [model, count] of Object.entries(result?.labelMismatches ?? {})) {
      if (count > 0)
        warnings.push(
          `${model}: ${count} answer(s) scored differently gated and ungated (the ungated verdict is used)`,
        );
    }
  }

  const matrix = fitProbe.matrix;
  const queries = allQueries(matrix);
  const reference = bestModel(matrix, queries);
  const costs = matrix.models.map((_, m) => (matrix.finalCostUsd[m] as Float64Array).reduce((a, b) => a + b, 0));
  const maxTiers = options.maxTiers ?? MAX_TIERS;
  const order = options.order ?? 'cost';
  const ladders = enumerateLadders({ models: matrix.models.length, costs, maxTiers, order });
  const lambdas = lambdaGrid(options.lambdas ?? 41);
  const folds = options.folds ?? 5;
  const repeats = options.repeats ?? 1;
  note(`cross-validating ${ladders.length} ladders x ${lambdas.length} cost weights (${folds} folds x ${repeats})`);
  const estimates = crossValidate({ matrix, queries, reference, ladders, lambdas, folds, repeats, seed });
  const target: TuneTarget = options.target ?? { kind: 'within', points: 0.01 };
  const confidence = options.selectionConfidence ?? DEFAULT_SELECTION_CONFIDENCE;
  const z = normalQuantile(confidence);
  const selection = selectCandidate(estimates, target, z);
  const chosen = selection.found
    ? selection.estimate
    : (estimates.find(
        (e) => e.candidate.ladder.length === 1 && e.candidate.ladder[0] === reference,
      ) as CandidateEstimate);

  const fit = createFitSet(matrix, queries);
  let refMean = 0;
  for (const q of queries) refMean += (matrix.finalCostUsd[reference] as Float64Array)[q] as number;
  refMean /= queries.length;
  const refit = (estimate: CandidateEstimate) =>
    fitLadder(fit, estimate.candidate.ladder, estimate.candidate.lambda / refMean);
  const figures = (fitted: FittedLadder) => ({
    fit: measure(matrix, fitted, reference, fitData.label),
    ...(testProbe === undefined || testData === undefined
      ? {}
      : { test: measure(testProbe.matrix, fitted, reference, testData.label) }),
  });
  const fitted = refit(chosen);
  const names = (ladder: readonly number[]) => ladder.map((m) => matrix.models[m] as string);
  const frontier = estimatedFrontier(estimates, lambdas).map((estimate): TuneFrontierPoint => {
    const f = refit(estimate);
    return {
      models: names(f.ladder),
      thresholds: f.thresholds,
      lambda: estimate.candidate.lambda,
      estimate,
      ...figures(f),
    };
  });
  const models = matrix.models.map((model, m) => ({ model, ...figures({ ladder: [m], thresholds: [] }) }));

  const z90 = normalQuantile(0.5 + INTERVAL_LEVEL / 2);
  const chosenFigures = figures(fitted);
  const refFit = chosenFigures.fit.referenceAccuracy;
  const profile: CascadeProfile = {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    name: space.name ?? 'tuned cascade',
    createdAt: new Date().toISOString(),
    tiers: fitted.ladder.map((m, i) => ({
      model: matrix.models[m] as string,
      ...(i < fitted.thresholds.length ? { threshold: fitted.thresholds[i] as number } : {}),
    })),
    confidenceGate: fitProbe.confidenceGate,
    target: { ...target, description: targetText(target) },
    reference: {
      model: matrix.models[reference] as string,
      accuracy: refFit,
      costPerRequestUsd: refMean,
    },
    expected: {
      accuracy: interval(refFit + chosen.accuracyDelta, chosen.accuracyDeltaSe, z90),
      accuracyDelta: interval(chosen.accuracyDelta, chosen.accuracyDeltaSe, z90),
      relativeCost: interval(chosen.relativeCost, chosen.relativeCostSe, z90),
      level: INTERVAL_LEVEL,
      method: `${folds}-fold cross-validation x ${repeats} on the fit data (thresholds refitted in every fold); interval: estimate +- ${z90.toFixed(3)} standard errors (paired over queries)`,
    },
    fit: { ...chosenFigures.fit, ...(fitData.sha256 === undefined ? {} : { sha256: fitData.sha256 }) },
    ...(chosenFigures.test === undefined
      ? {}
      : { test: { ...chosenFigures.test, ...(testData?.sha256 === undefined ? {} : { sha256: testData.sha256 }) } }),
    search: {
      models: [...matrix.models],
      maxTiers,
      order,
      folds,
      repeats,
      seed,
      candidates: estimates.length,
      lambda: chosen.candidate.lambda,
      selectionConfidence: confidence,
    },
    params: fixed,
  };

  let engineCheck: EngineCheck | undefined;
  if (options.verify !== false) {
    const on = testData === undefined || testProbe === undefined ? 'fit' : 'test';
    const data = on === 'fit' ? fitData : (testData as Loaded);
    const checkMatrix = on === 'fit' ? matrix : (testProbe as ProbeResult).matrix;
    note(`replaying the profile through the engine on the ${on} data`);
    engineCheck = await checkWithEngine(space, profile, params, data.records, checkMatrix, fitted, score, on, options);
    if (!engineCheck.agree) {
      warnings.push('the engine replay of the profile disagrees with the search replay: read the engine check');
    }
  }
  return {
    name: profile.name,
    found: selection.found,
    reason: selection.reason,
    profile,
    models,
    frontier,
    estimates,
    chosen,
    ...(engineCheck === undefined ? {} : { engineCheck }),
    gateErrors,
    warnings,
  };
}

async function checkWithEngine(
  space: TuneSpace,
  profile: CascadeProfile,
  params: EvalParams,
  records: readonly RecordedRequest[],
  matrix: OutcomeMatrix,
  fitted: FittedLadder,
  score: ReturnType<typeof createScorer>,
  on: 'fit' | 'test',
  options: TuneOptions,
): Promise<EngineCheck> {
  const byId = new Map(records.map((record) => [record.id, record]));
  const replay = replayProvider({
    records,
    ...(space.prices === undefined ? {} : { prices: space.prices }),
    ...(space.replay?.repairs === undefined ? {} : { repairs: space.replay.repairs }),
    ...(space.replay?.whenExhausted === undefined ? {} : { whenExhausted: space.replay.whenExhausted }),
  });
  const cascade = await applyProfile({
    profile,
    tier: space.tier,
    provider: labelledProvider(replay, byId),
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
