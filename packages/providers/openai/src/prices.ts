import type { Price } from '@llm-cascade/core';

/** Prices by model name, USD per million tokens. */
export type PriceTable = { readonly [model: string]: Price };

/** A price table together with when and where it was read. */
export interface PublishedPrices {
  /** When the prices were read (ISO month or date). */
  readonly asOf: string;
  /** Where they were published. */
  readonly source: string;
  /** Which tier of service they are (OpenAI also sells Batch, Flex and Priority at other prices). */
  readonly serviceTier: string;
  readonly models: PriceTable;
}

/**
 * OpenAI's published Standard-tier prices for common chat models, USD per million input, cached input
 * and output tokens.
 *
 * These were NOT read from the live pricing page: this package was written without network access, so
 * they are the prices as known in August 2025 (`asOf`). Prices change and new models appear; check
 * https://openai.com/api/pricing before relying on costs, and pass your own `prices` (or a tier `price`)
 * where they differ. Batch and Flex processing cost about half; Priority costs more.
 */
export const openaiPrices: PublishedPrices = Object.freeze({
  asOf: '2025-08',
  source: 'https://openai.com/api/pricing (as known in August 2025, not re-read since: verify)',
  serviceTier: 'standard',
  models: Object.freeze({
    'gpt-5': { inputPerMTok: 1.25, cachedInputPerMTok: 0.125, outputPerMTok: 10 },
    'gpt-5-mini': { inputPerMTok: 0.25, cachedInputPerMTok: 0.025, outputPerMTok: 2 },
    'gpt-5-nano': { inputPerMTok: 0.05, cachedInputPerMTok: 0.005, outputPerMTok: 0.4 },
    'gpt-4.1': { inputPerMTok: 2, cachedInputPerMTok: 0.5, outputPerMTok: 8 },
    'gpt-4.1-mini': { inputPerMTok: 0.4, cachedInputPerMTok: 0.1, outputPerMTok: 1.6 },
    'gpt-4.1-nano': { inputPerMTok: 0.1, cachedInputPerMTok: 0.025, outputPerMTok: 0.4 },
    'gpt-4o': { inputPerMTok: 2.5, cachedInputPerMTok: 1.25, outputPerMTok: 10 },
    // The first gpt-4o snapshot kept its launch price; an exact match wins over the base name.
    'gpt-4o-2024-05-13': { inputPerMTok: 5, outputPerMTok: 15 },
    'gpt-4o-mini': { inputPerMTok: 0.15, cachedInputPerMTok: 0.075, outputPerMTok: 0.6 },
    'chatgpt-4o-latest': { inputPerMTok: 5, outputPerMTok: 15 },
    o3: { inputPerMTok: 2, cachedInputPerMTok: 0.5, outputPerMTok: 8 },
    'o3-pro': { inputPerMTok: 20, outputPerMTok: 80 },
    'o3-mini': { inputPerMTok: 1.1, cachedInputPerMTok: 0.55, outputPerMTok: 4.4 },
    'o4-mini': { inputPerMTok: 1.1, cachedInputPerMTok: 0.275, outputPerMTok: 4.4 },
    o1: { inputPerMTok: 15, cachedInputPerMTok: 7.5, outputPerMTok: 60 },
    'o1-mini': { inputPerMTok: 1.1, cachedInputPerMTok: 0.55, outputPerMTok: 4.4 },
    'o1-pro': { inputPerMTok: 150, outputPerMTok: 600 },
    'gpt-4-turbo': { inputPerMTok: 10, outputPerMTok: 30 },
    'gpt-4': { inputPerMTok: 30, outputPerMTok: 60 },
    'gpt-3.5-turbo': { inputPerMTok: 0.5, outputPerMTok: 1.5 },
  }),
});

// OpenAI names pinned snapshots `<base>-YYYY-MM-DD`; they cost what their base model costs unless listed.
const DATED_SNAPSHOT = /^(.+)-\d{4}-\d{2}-\d{2}$/;

/**
 * The price of `model` in `table`: an exact match first, then a dated snapshot (`gpt-4o-mini-2024-07-18`)
 * by its base name (`gpt-4o-mini`). `undefined` when neither is listed: never a guess from a similar name.
 */
export function lookupPrice(table: PriceTable, model: string): Price | undefined {
  if (Object.hasOwn(table, model)) return table[model];
  const base = DATED_SNAPSHOT.exec(model)?.[1];
  if (base !== undefined && Object.hasOwn(table, base)) return table[base];
  return undefined;
}
