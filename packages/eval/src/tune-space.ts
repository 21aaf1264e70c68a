import type { CascadeOptions, CascadeRequest, Price, Provider, TierConfig } from '@llm-cascade/core';
import { ConfigError } from '@llm-cascade/core';
import type { RecordedRequest, RepairReplay, WhenCandidatesExhausted } from '@llm-cascade/provider-replay';
import type { EvalParams } from './eval-config.ts';
import { configName, importConfigExport } from './load-eval-config.ts';
import { flattenParams } from './params.ts';
import type { ScoringMode, ScoringOptions } from './score-answer.ts';

/** What a space's tier factory receives: one candidate model, and its threshold if it is gated. */
export interface TuneTierContext<TParams extends EvalParams = EvalParams> {
  /** The provider to call: the replay provider while tuning, yours when a profile is applied. */
  readonly provider: Provider;
  /** A candidate model, as the space names it. */
  readonly model: string;
  /**
   * The confidence threshold of a gated tier: its confidence gate must pass exactly when its score is at least
   * this. `undefined` for the last tier, whose answer is taken as it is (build it without the confidence gate,
   * and without whatever extra call the confidence needs).
   */
  readonly threshold: number | undefined;
  /** The space's params with any fixed (`set`) values written over them. */
  readonly params: TParams;
}

/** Builds one tier of a ladder. */
export type TuneTierFactory<TParams extends EvalParams = EvalParams> = (
  context: TuneTierContext<TParams>,
) => TierConfig | Promise<TierConfig>;

/**
 * The search space of `tune`, the default export of a `cascade-space.config.ts`: the candidate models, how
 * to build a tier of each (with and without its confidence gate), and how to replay and score the recording.
 * The same `tier` factory turns a tuned profile back into cascade options (`applyProfile`).
 */
export interface TuneSpace<TParams extends EvalParams = EvalParams> {
  /** Names the tuning in reports and profiles. Default: the config file's name. */
  readonly name?: string;
  /** The candidate models (recorded names, or names the factory maps to recorded ones); at least two. */
  readonly models: readonly string[];
  /** Builds a tier; see `TuneTierContext.threshold`. */
  readonly tier: TuneTierFactory<TParams>;
  /**
   * A threshold valid for the confidence gate, used to read every answer's confidence: the scores are read,
   * not the verdicts, so any valid value does (0.5 for a probability, -1 for a mean logprob).
   */
  readonly probeThreshold: number;
  /**
   * Name of the gate whose score is the confidence; it must be the gated tier's last gate (so every other
   * gate has run before it). Default: the last gate of the gated tier.
   */
  readonly confidenceGate?: string;
  /** Cascade options around the tiers (name, hooks). `onExhausted` defaults to `best`. */
  readonly options?: Omit<CascadeOptions, 'tiers'>;
  /** Numbers the factory reads; fixed with `set` (not searched). */
  readonly params?: TParams;
  /** USD per million tokens by recorded model name (the replay provider reports them). */
  readonly prices?: { readonly [model: string]: Price };
  readonly replay?: { readonly repairs?: RepairReplay; readonly whenExhausted?: WhenCandidatesExhausted };
  /** Default `auto`. */
  readonly scoring?: ScoringMode | ScoringOptions;
  /** Turns a record into the request. Default: the recorded request with the record's id. */
  readonly request?: (record: RecordedRequest) => CascadeRequest;
  /** Called once when tuning ends: release what the space holds (a shared gate's workers). */
  readonly close?: () => void | Promise<void>;
}

/** Identity function that types a tune space (and its params in the factory). */
export function defineTuneSpace<TParams extends EvalParams>(space: TuneSpace<TParams>): TuneSpace<TParams> {
  return space;
}

const KNOWN_KEYS = new Set([
  'name',
  'models',
  'tier',
  'probeThreshold',
  'confidenceGate',
  'options',
  'params',
  'prices',
  'replay',
  'scoring',
  'request',
  'close',
]);

/** Checks a tune space's shape, naming the field at fault (unknown keys included). */
export function checkTuneSpace(value: unknown, source = 'config'): TuneSpace {
  if (typeof value !== 'object' || value === null) {
    throw new ConfigError(source, 'must export a tune space: defineTuneSpace({ models, tier, probeThreshold })');
  }
  const space = value as Partial<TuneSpace> & Record<string, unknown>;
  for (const key of Object.keys(space)) {
    if (!KNOWN_KEYS.has(key)) throw new ConfigError(`${source}.${key}`, 'unknown field of a tune space');
  }
  if (!Array.isArray(space.models) || space.models.length < 2) {
    throw new ConfigError(`${source}.models`, 'must list at least two candidate models');
  }
  space.models.forEach((model, i) => {
    if (typeof model !== 'string' || model.length === 0) {
      throw new ConfigError(`${source}.models[${i}]`, 'must be a non-empty string');
    }
  });
  if (new Set(space.models).size !== space.models.length) {
    throw new ConfigError(`${source}.models`, 'lists a model twice');
  }
  if (typeof space.tier !== 'function') {
    throw new ConfigError(
      `${source}.tier`,
      'must be a function ({ provider, model, threshold, params }) => TierConfig',
    );
  }
  if (typeof space.probeThreshold !== 'number' || !Number.isFinite(space.probeThreshold)) {
    throw new ConfigError(`${source}.probeThreshold`, 'must be a finite number valid for the confidence gate');
  }
  if (space.confidenceGate !== undefined && (typeof space.confidenceGate !== 'string' || space.confidenceGate === '')) {
    throw new ConfigError(`${source}.confidenceGate`, 'must be a gate name');
  }
  if (space.name !== undefined && (typeof space.name !== 'string' || space.name.length === 0)) {
    throw new ConfigError(`${source}.name`, 'must be a non-empty string');
  }
  for (const key of ['request', 'close'] as const) {
    if (space[key] !== undefined && typeof space[key] !== 'function') {
      throw new ConfigError(`${source}.${key}`, 'must be a function');
    }
  }
  if (space.options !== undefined && (typeof space.options !== 'object' || space.options === null)) {
    throw new ConfigError(`${source}.options`, 'must be cascade options without tiers');
  }
  if (space.options !== undefined && 'tiers' in space.options) {
    throw new ConfigError(`${source}.options.tiers`, 'the tiers are what tune searches: leave them out');
  }
  flattenParams(space.params);
  return space as TuneSpace;
}

/** Loads a tune space from a TypeScript or JavaScript file (default export, or `config`). Runs the file. */
export async function loadTuneSpace(path: string): Promise<TuneSpace & { readonly name: string }> {
  const space = checkTuneSpace(await importConfigExport(path), 'config');
  return { ...space, name: space.name ?? configName(path) };
}
