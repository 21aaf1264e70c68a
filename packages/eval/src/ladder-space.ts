import { ConfigError } from '@llm-cascade/core';

/** How the tiers of a searched ladder may be ordered. */
export type LadderOrder = 'cost' | 'any';

export interface LadderSpaceOptions {
  /** How many candidate models. */
  readonly models: number;
  /** Each model's mean cost per query as a tier: `cost` order climbs from the cheapest. */
  readonly costs: readonly number[];
  /** 1 to 4 tiers. Default 4. */
  readonly maxTiers?: number;
  /** `cost` (default): cheapest first, the natural order. `any`: every order (much larger, easier to overfit). */
  readonly order?: LadderOrder;
  /** Models every ladder must end with (the strongest, say); default any. */
  readonly lastModels?: readonly number[];
}

/** Largest number of tiers searched. */
export const MAX_TIERS = 4;

/**
 * Every ladder of 1 to `maxTiers` distinct models: subsets climbing in cost (`cost` order: 255 ladders of up
 * to 4 out of 9 models) or every ordered arrangement (`any`: 3,609).
 */
export function enumerateLadders(options: LadderSpaceOptions): number[][] {
  const maxTiers = options.maxTiers ?? MAX_TIERS;
  if (!(Number.isInteger(maxTiers) && maxTiers >= 1 && maxTiers <= MAX_TIERS)) {
    throw new ConfigError('maxTiers', `must be a whole number from 1 to ${MAX_TIERS}, got ${String(maxTiers)}`);
  }
  const order = options.order ?? 'cost';
  const byCost = Array.from({ length: options.models }, (_, i) => i).sort(
    (a, b) => (options.costs[a] as number) - (options.costs[b] as number) || a - b,
  );
  const out: number[][] = [];
  const extend = (ladder: number[], from: number) => {
    if (ladder.length > 0) out.push([...ladder]);
    if (ladder.length === maxTiers) return;
    if (order === 'cost') {
      for (let i = from; i < byCost.length; i += 1) extend([...ladder, byCost[i] as number], i + 1);
    } else {
      for (const model of byCost) if (!ladder.includes(model)) extend([...ladder, model], 0);
    }
  };
  extend([], 0);
  const last = options.lastModels;
  return last === undefined ? out : out.filter((ladder) => last.includes(ladder[ladder.length - 1] as number));
}

/**
 * The cost weights searched: 0 (accuracy at any price) then `count - 1` values spaced geometrically from
 * 0.001 to 3, in units of "errors per query" per "one always-best-model cost". At 0.01 the search would pay
 * the whole cost of the best model for one more point of accuracy.
 */
export function lambdaGrid(count = 41): number[] {
  const low = Math.log(0.001);
  const high = Math.log(3);
  return [0, ...Array.from({ length: count - 1 }, (_, i) => Math.exp(low + ((high - low) * i) / (count - 2)))];
}
