import { readFile } from 'node:fs/promises';
import { type CascadeOptions, ConfigError, type Provider, type TierConfig } from '@llm-cascade/core';
import type { EvalParams } from './eval-config.ts';
import type { ParamSetting } from './params.ts';
import { applyParams } from './params.ts';

/** The `format` of a profile file. */
export const PROFILE_FORMAT = 'llm-cascade.profile';
/** The profile version this package writes and reads. */
export const PROFILE_VERSION = 1;

/** One tier of a tuned ladder: a model and, for every tier but the last, its confidence threshold. */
export interface ProfileTier {
  readonly model: string;
  /** Accept this tier's answer when its confidence is at least this. Absent on the last tier. */
  readonly threshold?: number;
}

/** An estimate with an interval: `[low, high]` at the profile's `expected.level`. */
export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

/** What a tune run aimed at. */
export type TuneTarget =
  /** Cheapest ladder whose accuracy is at most `points` (0.01 = 1pt) below the best single model's. */
  | { readonly kind: 'within'; readonly points: number }
  /** Most accurate ladder costing at most `value` times the best single model. */
  | { readonly kind: 'max-relative-cost'; readonly value: number }
  /** The ladder minimising error + `lambda` x (cost / best single model's cost). */
  | { readonly kind: 'lambda'; readonly lambda: number };

/** Figures of a ladder measured on one set of queries. */
export interface MeasuredFigures {
  readonly data: string;
  readonly requests: number;
  readonly accuracy: number;
  /** Accuracy minus the reference model's on the same queries. */
  readonly accuracyDelta: number;
  /** Cost over the reference model's cost on the same queries. */
  readonly relativeCost: number;
  readonly costPerRequestUsd: number;
  readonly referenceAccuracy: number;
}

/**
 * A tuned cascade, as `tune` writes it and a cascade loads it (`applyProfile`): the ladder in order with
 * thresholds, what it is expected to deliver out of sample (with intervals), and what it was fitted on.
 */
export interface CascadeProfile {
  readonly format: typeof PROFILE_FORMAT;
  readonly version: typeof PROFILE_VERSION;
  readonly name: string;
  readonly createdAt: string;
  /** First tier first. */
  readonly tiers: readonly ProfileTier[];
  /** The gate whose score the thresholds apply to. */
  readonly confidenceGate: string;
  readonly target: TuneTarget & { readonly description: string };
  /** The best single model on the fit data: what "within" and "relative cost" refer to. */
  readonly reference: { readonly model: string; readonly accuracy: number; readonly costPerRequestUsd: number };
  /** Out-of-sample estimates (cross-validation on the fit data) with intervals at `level` (two-sided). */
  readonly expected: {
    readonly accuracy: Interval;
    readonly accuracyDelta: Interval;
    readonly relativeCost: Interval;
    readonly level: number;
    readonly method: string;
  };
  /** The ladder refitted on all the fit data, measured on it (in-sample, optimistic). */
  readonly fit: MeasuredFigures & { readonly sha256?: string };
  /** Measured on held-out data it was not fitted on, when there was some. */
  readonly test?: MeasuredFigures & { readonly sha256?: string };
  readonly search: {
    readonly models: readonly string[];
    readonly maxTiers: number;
    readonly order: string;
    readonly folds: number;
    readonly repeats: number;
    readonly seed: number;
    readonly candidates: number;
    /** The cost weight the chosen ladder's thresholds were fitted at. */
    readonly lambda: number;
    /** One-sided confidence of the bound the selection used. */
    readonly selectionConfidence: number;
  };
  /** Parameters fixed with `set`, to pass back to the tier factory. */
  readonly params: ParamSetting;
}

function fail(field: string, message: string): never {
  throw new ConfigError(`profile.${field}`, message);
}

/** Checks a parsed profile (format, version, tiers), naming the field at fault. */
export function checkProfile(value: unknown): CascadeProfile {
  if (typeof value !== 'object' || value === null) throw new ConfigError('profile', 'must be a JSON object');
  const profile = value as Partial<CascadeProfile>;
  if (profile.format !== PROFILE_FORMAT) fail('format', `must be "${PROFILE_FORMAT}"`);
  if (profile.version !== PROFILE_VERSION) {
    fail('version', `this package reads version ${PROFILE_VERSION}, got ${JSON.stringify(profile.version)}`);
  }
  if (!Array.isArray(profile.tiers) || profile.tiers.length === 0) fail('tiers', 'must list at least one tier');
  profile.tiers.forEach((tier, i) => {
    if (typeof tier?.model !== 'string' || tier.model === '') fail(`tiers[${i}].model`, 'must be a model name');
    const last = i === (profile.tiers as readonly ProfileTier[]).length - 1;
    if (last && tier.threshold !== undefined) fail(`tiers[${i}].threshold`, 'the last tier has no threshold');
    if (!last && (typeof tier.threshold !== 'number' || Number.isNaN(tier.threshold))) {
      fail(`tiers[${i}].threshold`, 'must be a number (every tier but the last is gated)');
    }
  });
  if (typeof profile.confidenceGate !== 'string') fail('confidenceGate', 'must be a gate name');
  if (typeof profile.params !== 'object' || profile.params === null) fail('params', 'must be an object');
  return profile as CascadeProfile;
}

/** Reads and checks a profile file. Throws `ConfigError` (field `profile...`) when it is not one. */
export async function loadProfile(path: string): Promise<CascadeProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError('profile', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('profile', `${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return checkProfile(parsed);
}

/** The profile as the file `tune` writes (infinite figures as null). */
export function profileJson(profile: CascadeProfile): string {
  return `${JSON.stringify(profile, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}

export interface ApplyProfileOptions<TParams extends EvalParams = EvalParams> {
  readonly profile: CascadeProfile;
  /**
   * Builds each tier: the tune space's own `tier` factory, or yours. Called with the tier's model and
   * threshold (undefined for the last tier).
   */
  readonly tier: (context: {
    readonly provider: Provider;
    readonly model: string;
    readonly threshold: number | undefined;
    readonly params: TParams;
  }) => TierConfig | Promise<TierConfig>;
  /** The provider the factory puts in each tier. */
  readonly provider: Provider;
  /** The space's params defaults: the profile's fixed params are written over them. */
  readonly params?: TParams;
  /** Cascade options around the tiers. `name` defaults to the profile's, `onExhausted` to `best`. */
  readonly options?: Omit<CascadeOptions, 'tiers'>;
}

/**
 * Turns a profile into cascade options: one tier per profile tier, in order, built by the factory with the
 * tuned threshold. Pass the result to `createCascade`.
 */
export async function applyProfile<TParams extends EvalParams = EvalParams>(
  options: ApplyProfileOptions<TParams>,
): Promise<CascadeOptions> {
  const profile = checkProfile(options.profile);
  const params = applyParams(options.params, profile.params, 'profile.params') as TParams;
  const tiers: TierConfig[] = [];
  for (const tier of profile.tiers) {
    tiers.push(
      await options.tier({ provider: options.provider, model: tier.model, threshold: tier.threshold, params }),
    );
  }
  return { name: profile.name, onExhausted: 'best', ...options.options, tiers };
}
