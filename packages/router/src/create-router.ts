import { readFileSync } from 'node:fs';
import { type CascadeRequest, ConfigError } from '@llm-cascade/core';
import { createFeatureExtractor, type Embed, type FeatureVector } from './features.ts';
import { matchLane, type ResolvedLane, type RouterLane, resolveLanes } from './lanes.ts';
import { requestText } from './request-text.ts';
import { choose } from './route-policy.ts';
import { parseRouterFile, type RouterFile, validateRouterFile } from './router-file.ts';
import { type StickyOptions, type StickySessions, stickySessions } from './sticky-sessions.ts';
import { DENSE_FEATURE_NAMES } from './structure-features.ts';
import { type CompiledTierModel, compileTierModel, type FeatureContribution, standardize } from './tier-model.ts';

/** Why the router chose its tier. */
export type RouteReason =
  /** The tier's calibrated probability cleared its threshold by at least the margin. */
  | 'cleared'
  /** The cheapest tier that cleared did so by less than the margin: the next tier up was chosen. */
  | 'rounded-up'
  /** No tier below the lane's last cleared its threshold: the last (strongest) tier. */
  | 'fallback'
  /** The lane has no trained tier: its first tier at or above the floor. */
  | 'lane-start'
  /** The session's earlier decision was higher and is kept. */
  | 'sticky';

/** One tier's calibrated probability and the threshold it was held to. */
export interface TierProbability {
  readonly tier: string;
  readonly probability: number;
  readonly threshold: number;
}

/** What the router decided for one request, with what it saw: for results, events and spans. */
export interface RouteDecision {
  /** The start tier, a name from the router's ladder. */
  readonly tier: string;
  /** Its position in the router's ladder. */
  readonly tierIndex: number;
  /** The lane the request entered, if lanes are configured and one matched. */
  readonly lane: string | undefined;
  readonly reason: RouteReason;
  /** Every trained tier's probability (ladder order; the last tier has no model and is not listed). */
  readonly probabilities: readonly TierProbability[];
  /** The largest contributions to the explained tier's score (log-odds), largest first. */
  readonly contributions: readonly FeatureContribution[];
  /** The tier whose score `contributions` explain: the chosen tier if it cleared, else the last one passed over. */
  readonly explainedTier: string | undefined;
  /** The session key, when sticky sessions are on and the request had one. */
  readonly session: string | undefined;
}

export interface DecideOptions {
  /** Quality floor for this request: the lowest tier (name or ladder index) it may start at. */
  readonly minTier?: string | number;
  /** A precomputed embedding, for a router trained with one and an asynchronous embedder. */
  readonly embedding?: ArrayLike<number>;
}

export interface CreateRouterOptions {
  /** A router file: a path to its JSON, or its parsed content. Give `file` or `model`. */
  readonly file?: string | RouterFile;
  /** A router file already in memory (what `trainRouter` returns). */
  readonly model?: RouterFile;
  /** The probability a tier must reach: one for all, or by tier name. Default: the file's thresholds. */
  readonly thresholds?: number | Readonly<Record<string, number>>;
  /**
   * Uncertainty margin: a tier whose probability clears its threshold by less than this is passed over
   * for the next tier up ("round up when unsure"). Default 0.
   */
  readonly margin?: number;
  /** Keep a conversation on one tier: decisions per session key in a bounded LRU. Off by default. */
  readonly sticky?: StickyOptions | boolean;
  /** Named sub-ladders chosen by rules or a label. */
  readonly lanes?: readonly RouterLane[];
  /** Labels a request for lanes matching on `label`. Must be deterministic. */
  readonly classify?: (request: CascadeRequest) => string | undefined;
  /** The embedder, for a router file trained with an embedding. */
  readonly embed?: Embed;
  /** How many feature contributions a decision carries. Default 5; 0 leaves them out (faster). */
  readonly explain?: number;
}

/** A loaded router. `decide` is synchronous and, sticky sessions aside, a pure function of the request. */
export interface Router {
  /** The ladder, cheapest first. */
  readonly tiers: readonly string[];
  readonly file: RouterFile;
  decide(request: CascadeRequest, options?: DecideOptions): RouteDecision;
  /** Forgets a session's tier (its conversation ended). */
  forget(session: string): void;
}

const OPTION_KEYS = new Set([
  'file',
  'model',
  'thresholds',
  'margin',
  'sticky',
  'lanes',
  'classify',
  'embed',
  'explain',
]);

function loadFile(options: CreateRouterOptions): RouterFile {
  if ((options.file === undefined) === (options.model === undefined)) {
    throw new ConfigError('file', 'give exactly one of file (a path or parsed file) and model');
  }
  if (options.model !== undefined) return validateRouterFile(options.model, 'model');
  if (typeof options.file === 'string') {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (error) {
      throw new ConfigError('file', `cannot read ${options.file}: ${(error as Error).message}`, { cause: error });
    }
    return parseRouterFile(text);
  }
  return validateRouterFile(options.file, 'file');
}

function resolveThresholds(file: RouterFile, given: CreateRouterOptions['thresholds']): Float64Array {
  const thresholds = new Float64Array(file.tiers.length);
  file.tiers.forEach((tier, i) => {
    thresholds[i] = file.thresholds[tier] ?? 0.5;
  });
  if (given === undefined) return thresholds;
  const check = (field: string, value: unknown): number => {
    // Above 1 never clears: a way to switch a tier off as a start tier.
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
      throw new ConfigError(field, `must be a number at least 0, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  if (typeof given === 'number') return thresholds.fill(check('thresholds', given));
  if (typeof given !== 'object' || given === null) throw new ConfigError('thresholds', 'must be a number or an object');
  for (const [tier, value] of Object.entries(given)) {
    const index = file.tiers.indexOf(tier);
    if (index < 0)
      throw new ConfigError(`thresholds.${tier}`, `names no tier of the router (${file.tiers.join(', ')})`);
    thresholds[index] = check(`thresholds.${tier}`, value);
  }
  return thresholds;
}

function tierIndex(tiers: readonly string[], tier: string | number, field: string): number {
  const index = typeof tier === 'number' ? tier : tiers.indexOf(tier);
  if (!Number.isInteger(index) || index < 0 || index >= tiers.length) {
    throw new ConfigError(field, `names no tier of the router: ${JSON.stringify(tier)} (${tiers.join(', ')})`);
  }
  return index;
}

/** Checks the options once and loads the file; a bad one throws `ConfigError` naming it. */
function resolveSettings(options: CreateRouterOptions) {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConfigError(key, `unknown option (known: ${[...OPTION_KEYS].join(', ')})`);
  }
  const file = loadFile(options);
  const thresholds = resolveThresholds(file, options.thresholds);
  const margin = options.margin ?? 0;
  if (typeof margin !== 'number' || !(margin >= 0 && margin < 1)) {
    throw new ConfigError('margin', `must be a number from 0 up to 1, got ${JSON.stringify(margin)}`);
  }
  const explain = options.explain ?? 5;
  if (!Number.isInteger(explain) || explain < 0) throw new ConfigError('explain', 'must be a whole number at least 0');
  if (options.classify !== undefined && typeof options.classify !== 'function') {
    throw new ConfigError('classify', 'must be a function');
  }
  return { file, thresholds, margin, explain };
}

/**
 * Builds a router from a trained file: it starts each request at the cheapest tier whose calibrated
 * probability of a good-enough answer clears that tier's threshold, rounds up when the margin says it is
 * unsure, and falls back to the strongest tier. The same request always gets the same decision (sticky
 * sessions, when on, add the session's history). Bad options throw `ConfigError` naming the field.
 */
export function createRouter(options: CreateRouterOptions): Router {
  const { file, thresholds, margin, explain } = resolveSettings(options);
  const tiers = file.tiers;
  const extractor = createFeatureExtractor({
    features: file.features,
    ...(options.embed === undefined ? {} : { embed: options.embed }),
  });
  const models: (CompiledTierModel | undefined)[] = tiers.map((_, i) => {
    const model = file.models[i];
    return model === undefined ? undefined : compileTierModel(model, file);
  });
  const lanes = resolveLanes(options.lanes, tiers);
  const everyTier: ResolvedLane = { name: '', tiers: tiers.map((_, i) => i), match: undefined };
  const sessions: StickySessions | undefined =
    options.sticky === undefined || options.sticky === false
      ? undefined
      : stickySessions(options.sticky === true ? {} : options.sticky);
  const dense = new Float64Array(DENSE_FEATURE_NAMES.length);
  const probabilities = new Float64Array(tiers.length);

  function decide(request: CascadeRequest, decideOptions: DecideOptions = {}): RouteDecision {
    const floor = decideOptions.minTier === undefined ? 0 : tierIndex(tiers, decideOptions.minTier, 'minTier');
    const lane =
      lanes.length === 0
        ? undefined
        : matchLane(
            lanes,
            request,
            () => requestText(request, file.features.maxChars).text,
            () => options.classify?.(request),
          );
    const path = lane ?? everyTier;
    let candidates = path.tiers.filter((index) => index >= floor);
    if (candidates.length === 0) candidates = [floor];
    const vector: FeatureVector = extractor.extract(
      request,
      decideOptions.embedding === undefined ? {} : { embedding: decideOptions.embedding },
    );
    standardize(vector.dense, file.standardization, dense);
    const listed: TierProbability[] = [];
    for (let i = 0; i < tiers.length; i += 1) {
      const model = models[i];
      if (model === undefined) {
        probabilities[i] = Number.NaN;
        continue;
      }
      const probability = model.probability(model.score(vector, dense));
      probabilities[i] = probability;
      listed.push({ tier: tiers[i] as string, probability, threshold: thresholds[i] as number });
    }
    const choice = choose(candidates, probabilities, thresholds, margin);
    let chosen = choice.index;
    let reason: RouteReason = choice.reason;
    const explained = choice.explained;
    const session = sessions?.keyOf(request);
    if (sessions !== undefined && session !== undefined) {
      const kept = sessions.settle(session, chosen, floor);
      if (kept !== chosen) {
        chosen = kept;
        reason = 'sticky';
      }
    }
    const explainedModel = explained === undefined ? undefined : models[explained];
    return {
      tier: tiers[chosen] as string,
      tierIndex: chosen,
      lane: lane?.name,
      reason,
      probabilities: listed,
      contributions:
        explain === 0 || explainedModel === undefined ? [] : explainedModel.contributions(vector, dense, explain),
      explainedTier: explained === undefined ? undefined : tiers[explained],
      session,
    };
  }

  return {
    tiers,
    file,
    decide,
    forget(session: string) {
      sessions?.forget(session);
    },
  };
}
