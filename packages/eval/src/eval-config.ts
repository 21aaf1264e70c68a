import type { CascadeOptions, CascadeRequest, Price } from '@llm-cascade/core';
import type {
  RecordedRequest,
  RepairReplay,
  ReplayProvider,
  WhenCandidatesExhausted,
} from '@llm-cascade/provider-replay';
import type { ScoringMode, ScoringOptions } from './score-answer.ts';

/**
 * Sweepable numbers of a config, nested as the config likes (`{ vote: { threshold: 0.6 } }`). A sweep names
 * a leaf by its dotted path (`vote.threshold`); only numbers can be swept.
 */
export interface EvalParams {
  readonly [name: string]: number | EvalParams;
}

/** What the config's cascade factory receives for each evaluated setting. */
export interface EvalConfigContext<TParams extends EvalParams = EvalParams> {
  /**
   * The replay provider serving the `--data` recording, with the config's `prices`. Put it in every tier;
   * wrap it freely (a mixed-representation provider, a variant that changes the model name).
   */
  readonly provider: ReplayProvider;
  /** The config's `params` with this setting's swept values written over them. */
  readonly params: TParams;
  /** Every record being evaluated, for configs that derive something from the data (a schema per task). */
  readonly records: readonly RecordedRequest[];
}

/** Builds the cascade's options for one setting. Return options, not a built cascade: see `EvalConfig`. */
export type CascadeFactory<TParams extends EvalParams = EvalParams> = (
  context: EvalConfigContext<TParams>,
) => CascadeOptions | Promise<CascadeOptions>;

/**
 * An evaluation config, the default export of a `cascade.config.ts` given to `llm-cascade eval --config`.
 *
 * The factory returns cascade OPTIONS rather than a built cascade so the evaluation can also build the
 * single-tier baselines from the same tiers (the first tier alone, the last tier alone) and build a fresh
 * cascade for each swept setting. Build gates inside the factory when they depend on `params`; a gate that
 * holds workers (code-compiles) is better built once outside it and reused, since every setting builds a
 * new cascade. The evaluation never closes the gates it is given (one gate may serve every setting and the
 * baselines): it calls the config's `close` once, when the evaluation ends.
 */
export interface EvalConfig<TParams extends EvalParams = EvalParams> {
  /** Names the evaluation in reports. Default: the config file's name. */
  readonly name?: string;
  /** Defaults of the sweepable parameters. A sweep may only name leaves that exist here. */
  readonly params?: TParams;
  /** USD per million tokens by recorded model name, reported by the replay provider (a tier's own `price` wins). */
  readonly prices?: { readonly [model: string]: Price };
  /** Replay behaviour for repairs and for more samples than recorded (see `@llm-cascade/provider-replay`). */
  readonly replay?: { readonly repairs?: RepairReplay; readonly whenExhausted?: WhenCandidatesExhausted };
  /** How answers are scored. Default `auto`. The command's `--scoring` wins. */
  readonly scoring?: ScoringMode | ScoringOptions;
  /**
   * Turns a record into the request sent to the cascade. Default: the recorded request with the record's id.
   * Keep the record's id on the request: replay and the correctness labels are matched by it.
   */
  readonly request?: (record: RecordedRequest) => CascadeRequest;
  /** The cascade to evaluate. */
  readonly cascade: CascadeFactory<TParams>;
  /**
   * Releases what the config holds (a shared gate's workers), called once when the evaluation ends, whether
   * it succeeded or not. Without it nothing is closed: the gates are the config's.
   */
  readonly close?: () => void | Promise<void>;
}

/**
 * Identity function that types a config: `params` become typed in the factory
 * (`context.params.vote.threshold` is a number), so a config file gets checking without annotations.
 */
export function defineEvalConfig<TParams extends EvalParams>(config: EvalConfig<TParams>): EvalConfig<TParams> {
  return config;
}
