import type { Price } from '@llm-cascade/core';

/** A dated price list: the numbers, when they were read, and where from. */
export interface AnthropicPriceTable {
  /** When the prices were read (year-month; see `note`). */
  readonly asOf: string;
  readonly source: string;
  readonly note: string;
  /** USD per million tokens, keyed by the model alias without a date (`claude-haiku-4-5`). */
  readonly models: { readonly [model: string]: Price };
}

const opus4 = { inputPerMTok: 15, outputPerMTok: 75, cachedInputPerMTok: 1.5, cacheWritePerMTok: 18.75 };
const sonnet = { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75 };

/**
 * Anthropic's published list prices for common Claude models, in USD per million tokens: input, output,
 * cache read (`cachedInputPerMTok`) and 5-minute cache write (`cacheWritePerMTok`; 1-hour writes cost
 * more). Prices change and new models appear: check https://www.anthropic.com/pricing and pass `prices`
 * to `anthropicProvider` (or a tier's own `price`) when these are stale. Long-context (over 200K input
 * tokens), batch and priority rates are not modelled. A model missing here has no price: the cascade
 * then requires one on the tier, rather than guessing.
 */
export const anthropicPrices: AnthropicPriceTable = Object.freeze({
  asOf: '2025-11',
  source: 'https://www.anthropic.com/pricing',
  note:
    'Recalled from the pricing page as published in late November 2025 (after the Claude Opus 4.5 launch); ' +
    'not re-read when this package was written (2026-11, no network access). Verify before relying on costs.',
  models: Object.freeze({
    'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25, cachedInputPerMTok: 0.5, cacheWritePerMTok: 6.25 },
    'claude-opus-4-1': opus4,
    'claude-opus-4': opus4,
    'claude-sonnet-4-5': sonnet,
    'claude-sonnet-4': sonnet,
    'claude-3-7-sonnet': sonnet,
    'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5, cachedInputPerMTok: 0.1, cacheWritePerMTok: 1.25 },
    'claude-3-5-haiku': { inputPerMTok: 0.8, outputPerMTok: 4, cachedInputPerMTok: 0.08, cacheWritePerMTok: 1 },
    'claude-3-haiku': { inputPerMTok: 0.25, outputPerMTok: 1.25, cachedInputPerMTok: 0.03, cacheWritePerMTok: 0.3 },
  }),
});

// Anthropic's `-0` aliases name the first snapshot of a family.
const ALIASES: { readonly [alias: string]: string } = {
  'claude-opus-4-0': 'claude-opus-4',
  'claude-sonnet-4-0': 'claude-sonnet-4',
};

/**
 * The alias a model id prices as: lower case, without a snapshot date (`-20251001`, Vertex `@20251001`),
 * `-latest`, or Bedrock's `anthropic.` prefix and `-v1:0` suffix. Nothing looser (no prefix matching):
 * `claude-opus-4-5` must never price as `claude-opus-4`.
 */
export function priceKey(model: string): string {
  const key = model
    .trim()
    .toLowerCase()
    .replace(/^(?:[a-z]{2,4}\.)?anthropic\./, '')
    .replace(/-v\d+(?::\d+)?$/, '')
    .replace(/[-@]\d{8}$/, '')
    .replace(/-latest$/, '');
  return ALIASES[key] ?? key;
}

/** Finds a model's price: an override by exact id, then by alias, then the published table by alias. */
export function lookupPrice(
  model: string,
  overrides: { readonly [model: string]: Price } | undefined,
  table: { readonly [model: string]: Price } = anthropicPrices.models,
): Price | undefined {
  if (overrides !== undefined) {
    if (Object.hasOwn(overrides, model)) return overrides[model];
    const key = priceKey(model);
    for (const [name, price] of Object.entries(overrides)) if (priceKey(name) === key) return price;
  }
  const key = priceKey(model);
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
