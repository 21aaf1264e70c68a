import { ConfigError } from '@llm-cascade/core';
import type { RecordedRequest } from '@llm-cascade/provider-replay';
import {
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
import { normalQuantile } from './normal-quantile.ts';
import { allQueries, bestModel, type OutcomeMatrix } from './outcome-matrix.ts';
import { applyParams, type ParamSetting, parseSet } from './params.ts';
import type { ProbeResult } from './probe-candidates.ts';
import { createScorer, type ScoringMode, type ScoringOptions } from './score-answer.ts';
import { estimatedFrontier, selectCandidate } from './select-candidate.ts';
import { simulateLadder } from './simulate-ladder.ts';
import { loadTuneData, probeData, probeWarnings, splitHoldout, type TuneData } from './tune-data.ts';
import { checkWithEngine, type EngineCheck } from './tune-engine-check.ts';
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
  const _seed = options.seed ?? 1;
  const fixed: ParamSetting = Object.assign(
    {},
    ...(options.set ?? []).map((entry) => (typeof entry === 'string' ? parseSet(entry) : entry)),
  );
  const params = applyParams(space.params, fixed, 'set') as EvalParams;
  const scoringSpec = options.scoring ?? space.scoring ?? 'auto';
  const scoring: ScoringOptions = typeof scoringSpec === 'string' ? { mode: scoringSpec } : scoringSpec;
  const score = createScorer(scoring);
  const warnings: string[] = [];

  const { fitData, testData, fitProbe, testProbe, gateErrors } = await prepareData(space, options, {
    params,
    score,
    note,
    warnings,
  });

  const matrix = fitProbe.matrix;
  const queries = allQueries(matrix);
  const search = searchLadders(matrix, options, note);
  const { reference, estimates, lambdas, selection, chosen } = search;

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

  const profile = buildProfile({
    name: space.name ?? 'tuned cascade',
    matrix,
    fitted,
    figures: figures(fitted),
    chosen,
    search,
    confidenceGate: fitProbe.confidenceGate,
    referenceCostPerRequestUsd: refMean,
    fitSha256: fitData.sha256,
    testSha256: testData?.sha256,
    params: fixed,
  });

  let engineCheck: EngineCheck | undefined;
  if (options.verify !== false) {
    const on = testData === undefined || testProbe === undefined ? 'fit' : 'test';
    const data = on === 'fit' ? fitData : (testData as TuneData);
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

interface LadderSearch {
  readonly reference: number;
  readonly estimates: CandidateEstimate[];
  readonly lambdas: number[];
  readonly selection: ReturnType<typeof selectCandidate>;
  readonly chosen: CandidateEstimate;
  readonly target: TuneTarget;
  readonly confidence: number;
  readonly maxTiers: number;
  readonly order: LadderOrder;
  readonly folds: number;
  readonly repeats: number;
  readonly seed: number;
}

/** Cross-validates every ladder x cost weight on the fit matrix and selects one for the target. */
function searchLadders(matrix: OutcomeMatrix, options: TuneOptions, note: (message: string) => void): LadderSearch {
  const seed = options.seed ?? 1;
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

  return {
    reference,
    estimates,
    lambdas,
    selection,
    chosen,
    target,
    confidence,
    maxTiers,
    order,
    folds,
    repeats,
    seed,
  };
}

/** The profile of the chosen ladder, with its cross-validated expectations and measured figures. */
function buildProfile(input: {
  readonly name: string;
  readonly matrix: OutcomeMatrix;
  readonly fitted: FittedLadder;
  readonly figures: { readonly fit: MeasuredFigures; readonly test?: MeasuredFigures };
  readonly chosen: CandidateEstimate;
  readonly search: LadderSearch;
  readonly confidenceGate: string;
  readonly referenceCostPerRequestUsd: number;
  readonly fitSha256: string | undefined;
  readonly testSha256: string | undefined;
  readonly params: ParamSetting;
}): CascadeProfile {
  const { matrix, fitted, chosen, search } = input;
  const { target, folds, repeats } = search;
  const chosenFigures = input.figures;
  const z90 = normalQuantile(0.5 + INTERVAL_LEVEL / 2);
  const refFit = chosenFigures.fit.referenceAccuracy;
  return {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    name: input.name,
    createdAt: new Date().toISOString(),
    tiers: fitted.ladder.map((m, i) => ({
      model: matrix.models[m] as string,
      ...(i < fitted.thresholds.length ? { threshold: fitted.thresholds[i] as number } : {}),
    })),
    confidenceGate: input.confidenceGate,
    target: { ...target, description: targetText(target) },
    reference: {
      model: matrix.models[search.reference] as string,
      accuracy: refFit,
      costPerRequestUsd: input.referenceCostPerRequestUsd,
    },
    expected: {
      accuracy: interval(refFit + chosen.accuracyDelta, chosen.accuracyDeltaSe, z90),
      accuracyDelta: interval(chosen.accuracyDelta, chosen.accuracyDeltaSe, z90),
      relativeCost: interval(chosen.relativeCost, chosen.relativeCostSe, z90),
      level: INTERVAL_LEVEL,
      method: `${folds}-fold cross-validation x ${repeats} on the fit data (thresholds refitted in every fold); interval: estimate +- ${z90.toFixed(3)} standard errors (paired over queries)`,
    },
    fit: { ...chosenFigures.fit, ...(input.fitSha256 === undefined ? {} : { sha256: input.fitSha256 }) },
    ...(chosenFigures.test === undefined
      ? {}
      : { test: { ...chosenFigures.test, ...(input.testSha256 === undefined ? {} : { sha256: input.testSha256 }) } }),
    search: {
      models: [...matrix.models],
      maxTiers: search.maxTiers,
      order: search.order,
      folds,
      repeats,
      seed: search.seed,
      candidates: search.estimates.length,
      lambda: chosen.candidate.lambda,
      selectionConfidence: search.confidence,
    },
    params: input.params,
  };
}

/** Loads (and splits) the data and probes every candidate on it through the engine. */
async function prepareData(
  space: TuneSpace,
  options: TuneOptions,
  input: {
    readonly params: EvalParams;
    readonly score: ReturnType<typeof createScorer>;
    readonly note: (message: string) => void;
    readonly warnings: string[];
  },
) {
  const { params, score, note, warnings } = input;
  const seed = options.seed ?? 1;
  const loaded = loadTuneData(options.data, 'data');
  if (loaded.dropped > 0) warnings.push(`${loaded.dropped} unscorable record(s) of the fit data left out`);
  let fitData: TuneData = loaded;
  let testData: TuneData | undefined;
  if (options.test !== undefined) testData = loadTuneData(options.test, 'test');
  else if (options.holdout !== undefined)
    ({ fit: fitData, test: testData } = splitHoldout(loaded, options.holdout, seed));
  if (fitData.records.length < 2 * (options.folds ?? 5)) {
    throw new ConfigError('data', `${fitData.records.length} scorable fit records: too few to cross-validate`);
  }
  const context = {
    params,
    score,
    concurrency: options.concurrency ?? 16,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  note(`probing ${space.models.length} candidate models on ${fitData.records.length} fit requests`);
  const fitProbe = await probeData(space, fitData, context);
  if (testData !== undefined) note(`probing them on ${testData.records.length} held-out requests`);
  const testProbe = testData === undefined ? undefined : await probeData(space, testData, context);
  const gateErrors = fitProbe.gateErrors + (testProbe?.gateErrors ?? 0);
  warnings.push(...probeWarnings([fitProbe, testProbe]));
  return { fitData, testData, fitProbe, testProbe, gateErrors };
}
