// The invoice cascade: three tiers, cheapest first, and two gates every answer must pass.
import { type Cascade, type CascadeOptions, createCascade, type Price } from '@llm-cascade/core';
import { anthropicPrices } from '@llm-cascade/provider-anthropic';
import { openaiPrices } from '@llm-cascade/provider-openai';
import { type Invoice, MODELS, schemaGate, totalsGate } from './invoice.ts';
import type { Models } from './models.ts';

function published(table: { readonly models: { readonly [model: string]: Price } }, model: string): Price {
  const price = table.models[model];
  if (price === undefined) throw new Error(`no published price for ${model}`);
  return price;
}

/**
 * The prompt a repair appends after the model's rejected answer. Set here rather than left to core's
 * default so the recorded repair conversations in recorded/invoices.jsonl stay byte-for-byte what is sent.
 */
export function repairPrompt(feedback: string): string {
  return `${feedback}\nReply with the corrected JSON object only.`;
}

/**
 * Builds the cascade on the given providers. Prices are the providers' published tables (dated: check
 * them), set on every tier so cost is computed the same way live and offline.
 */
export function buildInvoiceCascade(
  models: Pick<Models, 'openai' | 'anthropic'>,
  options: Pick<CascadeOptions, 'onEvent'> = {},
): Cascade<Invoice> {
  return createCascade<Invoice>({
    name: 'invoice-extraction',
    tiers: [
      // One repair: a schema or arithmetic slip is usually fixed once the model is shown the error.
      { name: 'small', provider: models.openai, model: MODELS.small, price: published(openaiPrices, MODELS.small) },
      { name: 'medium', provider: models.openai, model: MODELS.medium, price: published(openaiPrices, MODELS.medium) },
      // The top tier gets no repair: a document it cannot extract goes to a person instead.
      {
        name: 'claude',
        provider: models.anthropic,
        model: MODELS.claude,
        price: published(anthropicPrices, MODELS.claude),
        repairs: 0,
      },
    ],
    // Cheapest first: the schema gate parses and validates, the totals gate checks its arithmetic.
    gates: [schemaGate, totalsGate],
    repairPrompt,
    ...options,
  });
}
