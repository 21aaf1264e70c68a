import type { Price } from '@llm-cascade/core';
import { anthropicPrices } from '@llm-cascade/provider-anthropic';
import { openaiPrices } from '@llm-cascade/provider-openai';

/**
 * The published price of an OpenAI or Anthropic model, from the provider packages' tables (dated: check
 * them). The examples set it on every tier because, offline, the replay provider knows no prices: cost is
 * then computed the same way live and offline. Throws for a model neither table lists (an exact name, no
 * prefix matching), so a renamed model cannot silently cost nothing.
 */
export function publishedPrice(model: string): Price {
  const price = openaiPrices.models[model] ?? anthropicPrices.models[model];
  if (price === undefined) throw new Error(`no published price for ${model}`);
  return price;
}
