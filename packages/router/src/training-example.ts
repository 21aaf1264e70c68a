import type { CascadeRequest } from '@llm-cascade/core';

/** How a tier's answer on an eval record is labelled "good enough". */
export type EvalLabelRule =
  /**
   * The seeds' rule: positive when the tier scored as well as the reference (the last tier): it was
   * correct, or the reference was wrong too. Routing such a request down loses nothing against always
   * calling the reference, and saves its price.
   */
  | 'as-good-as-reference'
  /** Positive only when the tier's answer was correct. Sends requests no tier gets right to the top. */
  | 'correct';

/** One request and what is known of each tier's answer to it. */
export interface TrainingExample {
  readonly id: string;
  readonly request: CascadeRequest;
  /** Per tier, in ladder order: good enough (true), not (false), or unknown (undefined: left out of that tier's fit). */
  readonly labels: readonly (boolean | undefined)[];
  /** Per tier: whether its answer was correct (eval data; for the router-only frontier). */
  readonly correct?: readonly (boolean | undefined)[];
  /** Per tier: what its answer cost in USD (from recorded usage and prices, or a decision log's attempts). */
  readonly costUsd?: readonly (number | undefined)[];
}

/** What a reader made of a file: the examples, and what it skipped and why. */
export interface ReadExamplesResult {
  readonly source: 'eval' | 'decisions';
  readonly tiers: readonly string[];
  readonly label: string;
  readonly examples: readonly TrainingExample[];
  /** Counted reasons for lines left out (`no request for id x` ...), at most a few of each kind. */
  readonly warnings: readonly string[];
}
