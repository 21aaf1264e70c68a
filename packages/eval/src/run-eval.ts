import { resolve } from 'node:path';
import { type CascadeOptions, type CascadeRequest, ConfigError, type TierConfig } from '@llm-cascade/core';
import { loadRecordings, type RecordedRequest, replayProvider } from '@llm-cascade/provider-replay';
import { labelledProvider } from './candidate-labels.ts';
import type { EvalConfig, EvalParams } from './eval-config.ts';
import { checkEvalConfig, loadEvalConfig } from './load-eval-config.ts';
import { measureRun, type RunMeasures } from './measure-run.ts';
import { applyParams, flattenParams, type ParamSetting, parseSet } from './params.ts';
import { paretoFront, type Selection, selectSetting } from './pareto.ts';
import { createScorer, type ScoringMode, type ScoringOptions } from './score-answer.ts';
import { parseSweep, type SweepAxis, sweepGrid } from './sweep.ts';

/** Default requests in flight at once during an evaluation. Replay answers in microseconds. */
export const DEFAULT_EVAL_CONCURRENCY = 16;

export interface RunEvalOptions<TParams extends EvalParams = EvalParams> {
  /** The recording (a JSONL path, read whole) or its records. */
  readonly data: string | readonly RecordedRequest[];
  /** The config: a file path (loaded with `loadEvalConfig`) or the config itself. */
  readonly config: string | EvalConfig<TParams>;
  /** Swept parameters (`vote.threshold=0.5:0.9:0.1` or parsed axes); several make a grid. */
  readonly sweep?: readonly (string | SweepAxis)[];
  /** Fixed parameters (`vote.threshold=0.7` or parsed settings), written over the defaults for every run, baselines included. */
  readonly set?: readonly (string | ParamSetting)[];
  /** Pick the cheapest setting whose accuracy is at least this (absolute, 0.85 = 85%). */
  readonly targetAccuracy?: number;
  /**
   * Or: pick the cheapest setting whose accuracy is at most this far below the strongest tier alone (relative:
   * 0.01 = within one point of it).
   */
  readonly withinOfStrongest?: number;
  /** Or: pick the most accurate setting costing at most this many USD per request. */
  readonly maxCostUsd?: number;
  /** Or: pick the most accurate setting costing at most this share of the always-strongest baseline (0.4 = 40%). */
  readonly maxRelativeCost?: number;
  /** Overrides the config's scoring. */
  readonly scoring?: ScoringMode | ScoringOptions;
  /** Requests in flight at once. Default 16. */
  readonly concurrency?: number;
  /** Evaluate only the first `limit` requests of the recording. */
  readonly limit?: number;
  /** Measure the single-tier baselines. Default true. */
  readonly baselines?: boolean;
  /** Told after each setting (and each baseline) is measured. */
  readonly onProgress?: (progress: EvalProgress) => void;
  readonly signal?: AbortSignal;
}

export interface EvalProgress {
  readonly phase: 'baseline' | 'setting';
  readonly done: number;
  readonly total: number;
  readonly label: string;
}

/** A tier served alone: every request answered from that tier's recording, accepted by its gates or not. */
export interface Baseline {
  readonly role: 'cheapest' | 'strongest';
  readonly tier: string;
  readonly model: string;
  readonly measures: RunMeasures;
}

/** One evaluated setting of the swept parameters. */
export interface EvalPoint {
  /** The swept values (empty without a sweep). */
  readonly setting: ParamSetting;
  readonly measures: RunMeasures;
  /** Cost over the always-strongest baseline's cost (NaN without baselines). */
  readonly relativeCost: number;
  /** On the cost/accuracy Pareto frontier of the evaluated settings. */
  readonly pareto: boolean;
}

export interface EvalReport {
  readonly name: string;
  /** The recording's path, or `(records)` when given in memory. */
  readonly data: string;
  readonly requests: number;
  readonly scoring: ScoringOptions;
  /** The config's parameter defaults, flattened. */
  readonly params: ParamSetting;
  /** Names of the swept parameters, in grid order. */
  readonly swept: readonly string[];
  /** Cheapest then strongest; a one-tier cascade has one baseline in both roles (listed twice). */
  readonly baselines: readonly Baseline[];
  readonly points: readonly EvalPoint[];
  /** The fixed parameters given with `set`, flattened. */
  readonly fixed: ParamSetting;
  /** Present when a target accuracy or a cost cap was given. */
  readonly selection?: Selection & { readonly criterion: string };
  /** Gate verdicts that were crashes (`gate-error`) over every run, baselines included: not 0 means the figures are suspect. */
  readonly gateErrors: number;
}

/** The recorded request with the record's id (replay matches by id). */
export function toRequest(record: RecordedRequest): CascadeRequest {
  return { ...record.request, id: record.id };
}

/** Lines sharing an id are one request, as replay merges them: their candidates are appended per model. */
export function mergeById(records: readonly RecordedRequest[]): RecordedRequest[] {
  const byId = new Map<string, RecordedRequest>();
  for (const record of records) {
    const previous = byId.get(record.id);
    if (previous === undefined) {
      byId.set(record.id, record);
      continue;
    }
    const tiers = { ...previous.tiers };
    for (const [model, tier] of Object.entries(record.tiers)) {
      const before = tiers[model];
      tiers[model] =
        before === undefined
          ? tier
          : {
              ...before,
              candidates: [...before.candidates, ...tier.candidates],
              usage: {
                inputTokens: before.usage.inputTokens + tier.usage.inputTokens,
                outputTokens: before.usage.outputTokens + tier.usage.outputTokens,
              },
            };
    }
    byId.set(record.id, { ...previous, tiers, reference: previous.reference ?? record.reference });
  }
  return [...byId.values()];
}

/** A record with a reference or a labelled candidate: its answers can be judged. */
export function scorableRecord(record: RecordedRequest): boolean {
  if (record.reference !== undefined && record.reference !== null) return true;
  for (const tier of Object.values(record.tiers)) {
    for (const candidate of tier.candidates) if (typeof candidate.correct === 'boolean') return true;
  }
  return false;
}

/**
 * The cascade reduced to one tier serving every request: no repairs or retries (the first recorded
 * answer is the tier's answer), the best attempt returned when its gates fail, and no router, race,
 * hedge, budget or circuit breaker that could send the request elsewhere.
 */
function singleTier(options: CascadeOptions, tier: TierConfig): CascadeOptions {
  const {
    tiers: _tiers,
    router: _router,
    race: _race,
    hedge: _hedge,
    budgetUsd: _budget,
    circuitBreaker: _breaker,
    onEvent: _onEvent,
    ...rest
  } = options;
  return {
    ...rest,
    tiers: [{ ...tier, repairs: 0, retries: 0 }],
    onExhausted: 'best',
    onBudgetExceeded: 'best',
  };
}

function checkNumber(field: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    throw new ConfigError(field, `must be a number from ${min} to ${max}, got ${String(value)}`);
  }
}

function settingLabel(setting: ParamSetting): string {
  const entries = Object.entries(setting);
  return entries.length === 0 ? 'defaults' : entries.map(([k, v]) => `${k}=${v}`).join(' ');
}

/**
 * Evaluates a cascade config on a recording: replays every request through the cascade on the replay
 * provider, scores the answers, and measures accuracy, cost, escalation per tier and pass rate per gate;
 * beside it, the single-tier baselines (the cheapest tier alone, the strongest alone) on the same data.
 * With a sweep, every setting of the grid is measured, the Pareto frontier of cost and accuracy marked,
 * and the setting meeting `targetAccuracy` (or a cost cap) selected.
 *
 * Baselines are measured once, with the config's default params. Warning: replay only knows what was
 * recorded; a repair that was not recorded fails as not found (so escalates) unless the config asks
 * `replay: { repairs: 'next-candidates' }`, an approximation.
 */
export async function runEval<TParams extends EvalParams = EvalParams>(
  options: RunEvalOptions<TParams>,
): Promise<EvalReport> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  const criteria = [
    options.targetAccuracy,
    options.withinOfStrongest,
    options.maxCostUsd,
    options.maxRelativeCost,
  ].filter((c) => c !== undefined);
  if (criteria.length > 1) {
    throw new ConfigError(
      'targetAccuracy',
      'give at most one of targetAccuracy, withinOfStrongest, maxCostUsd and maxRelativeCost',
    );
  }
  checkNumber('targetAccuracy', options.targetAccuracy, 0, 1);
  checkNumber('withinOfStrongest', options.withinOfStrongest, 0, 1);
  if (options.withinOfStrongest !== undefined && options.baselines === false) {
    throw new ConfigError('withinOfStrongest', 'needs the baselines (the strongest tier alone is the reference)');
  }
  checkNumber('maxCostUsd', options.maxCostUsd, 0, Number.MAX_VALUE);
  checkNumber('maxRelativeCost', options.maxRelativeCost, 0, Number.MAX_VALUE);
  const concurrency = options.concurrency ?? DEFAULT_EVAL_CONCURRENCY;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new ConfigError('concurrency', `must be a whole number at least 1, got ${String(concurrency)}`);
  }
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 1)) {
    throw new ConfigError('limit', `must be a whole number at least 1, got ${String(options.limit)}`);
  }

  // The factory is only ever called with params built from the config's own defaults, so its params type holds.
  const config =
    typeof options.config === 'string' ? await loadEvalConfig(options.config) : checkEvalConfig(options.config);
  const name = config.name ?? 'cascade';
  const axes = (options.sweep ?? []).map((axis) => (typeof axis === 'string' ? parseSweep(axis) : axis));
  const grid = sweepGrid(axes);
  const fixed: ParamSetting = Object.assign(
    {},
    ...(options.set ?? []).map((entry) => (typeof entry === 'string' ? parseSet(entry) : entry)),
  );
  const both = axes.find((axis) => axis.param in fixed);
  if (both !== undefined) throw new ConfigError('set', `'${both.param}' is both set and swept`);
  // Fail on a misspelt parameter before any replay runs.
  const defaults = applyParams(config.params, fixed, 'set');
  for (const setting of grid.slice(0, 1)) applyParams(defaults, setting);

  const scoringSpec = options.scoring ?? config.scoring ?? 'auto';
  const scoring: ScoringOptions = typeof scoringSpec === 'string' ? { mode: scoringSpec } : scoringSpec;
  const score = createScorer(scoring);

  let loaded =
    typeof options.data === 'string' ? loadRecordings(options.data).map((entry) => entry.record) : [...options.data];
  if (!Array.isArray(loaded)) throw new ConfigError('data', 'must be a recording path or an array of records');
  loaded = mergeById(loaded);
  const records = options.limit === undefined ? loaded : loaded.slice(0, options.limit);
  if (records.length === 0) throw new ConfigError('data', 'the recording holds no requests');
  const byId = new Map(records.map((record) => [record.id, record]));
  const replay = replayProvider({
    records,
    ...(config.prices === undefined ? {} : { prices: config.prices }),
    ...(config.replay?.repairs === undefined ? {} : { repairs: config.replay.repairs }),
    ...(config.replay?.whenExhausted === undefined ? {} : { whenExhausted: config.replay.whenExhausted }),
  });
  const provider = labelledProvider(replay, byId);
  const requests = records.map(config.request ?? toRequest);
  const scorable = records.map(scorableRecord);

  const build = async (params: EvalParams): Promise<CascadeOptions> => {
    const built = await config.cascade({ provider, params, records });
    if (typeof built !== 'object' || built === null || !Array.isArray(built.tiers) || built.tiers.length === 0) {
      throw new ConfigError('config.cascade', 'must return cascade options with at least one tier');
    }
    return built;
  };
  const measure = (cascade: CascadeOptions) =>
    measureRun({
      cascade,
      records,
      requests,
      scorable,
      score,
      concurrency,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });

  try {
    return await evaluate();
  } finally {
    await config.close?.();
  }

  async function evaluate(): Promise<EvalReport> {
    const baselines: Baseline[] = [];
    if (options.baselines !== false) {
      const defaultOptions = await build(defaults);
      const first = defaultOptions.tiers[0] as TierConfig;
      const last = defaultOptions.tiers[defaultOptions.tiers.length - 1] as TierConfig;
      const cheapest = await measure(singleTier(defaultOptions, first));
      options.onProgress?.({ phase: 'baseline', done: 1, total: 2, label: `${first.name} alone` });
      const strongest = defaultOptions.tiers.length === 1 ? cheapest : await measure(singleTier(defaultOptions, last));
      options.onProgress?.({ phase: 'baseline', done: 2, total: 2, label: `${last.name} alone` });
      baselines.push(
        { role: 'cheapest', tier: first.name, model: first.model, measures: cheapest },
        { role: 'strongest', tier: last.name, model: last.model, measures: strongest },
      );
    }
    const strongestCost = baselines[1]?.measures.costUsd ?? Number.NaN;

    const measured: { setting: ParamSetting; measures: RunMeasures }[] = [];
    for (const setting of grid) {
      if (options.signal?.aborted) throw options.signal.reason;
      const measures = await measure(await build(applyParams(defaults, setting)));
      measured.push({ setting, measures });
      options.onProgress?.({
        phase: 'setting',
        done: measured.length,
        total: grid.length,
        label: settingLabel(setting),
      });
    }
    const plane = measured.map(({ measures }) => ({ costUsd: measures.costUsd, accuracy: measures.accuracy }));
    const front = paretoFront(plane);
    const points: EvalPoint[] = measured.map(({ setting, measures }, i) => ({
      setting,
      measures,
      relativeCost: strongestCost > 0 ? measures.costUsd / strongestCost : Number.NaN,
      pareto: front.has(i),
    }));

    let selection: EvalReport['selection'];
    if (options.withinOfStrongest !== undefined) {
      const reference = baselines[1]?.measures.accuracy ?? Number.NaN;
      const target = Math.max(0, reference - options.withinOfStrongest);
      const points = `${Number((100 * options.withinOfStrongest).toPrecision(6))}pt`;
      const picked = Number.isFinite(reference)
        ? selectSetting(plane, { targetAccuracy: target }, records.length)
        : ({ found: false, reason: 'the strongest tier alone has no accuracy' } as const);
      selection = {
        ...(picked.found
          ? { ...picked, reason: `cheapest setting within ${points} of the strongest alone (accuracy >= ${target})` }
          : picked),
        criterion: `accuracy >= strongest alone - ${points}`,
      };
    } else if (options.targetAccuracy !== undefined) {
      selection = {
        ...selectSetting(plane, { targetAccuracy: options.targetAccuracy }, records.length),
        criterion: `accuracy >= ${options.targetAccuracy}`,
      };
    } else if (options.maxCostUsd !== undefined) {
      selection = {
        ...selectSetting(plane, { maxCostUsd: options.maxCostUsd }, records.length),
        criterion: `cost <= $${options.maxCostUsd} per request`,
      };
    } else if (options.maxRelativeCost !== undefined) {
      if (!(strongestCost > 0)) {
        throw new ConfigError('maxRelativeCost', 'needs the always-strongest baseline with a cost above 0');
      }
      const picked = selectSetting(
        plane,
        { maxCostUsd: options.maxRelativeCost * strongestCost, per: 'total' },
        records.length,
      );
      selection = {
        ...(picked.found
          ? { ...picked, reason: `most accurate setting costing at most ${options.maxRelativeCost} x always-strongest` }
          : { found: false, reason: `no setting costs at most ${options.maxRelativeCost} x always-strongest` }),
        criterion: `cost <= ${options.maxRelativeCost} x always-strongest`,
      };
    }

    return {
      name,
      data: typeof options.data === 'string' ? resolve(options.data) : '(records)',
      requests: records.length,
      scoring,
      params: flattenParams(config.params),
      swept: axes.map((axis) => axis.param),
      baselines,
      points,
      fixed,
      ...(selection === undefined ? {} : { selection }),
      gateErrors: [...baselines.map((b) => b.measures), ...points.map((p) => p.measures)].reduce(
        (sum, measures) => sum + measures.gateErrors,
        0,
      ),
    };
  }
}
