// The invoice cascade: three tiers, cheapest first, and two gates every answer must pass.
import { type Cascade, type CascadeOptions, createCascade } from '@llm-cascade/core';
import { type Models, publishedPrice } from '@llm-cascade/example-support';
import { type Invoice, MODELS, schemaGate, totalsGate } from './invoice.ts';

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
      { name: 'small', provider: models.openai, model: MODELS.small, price: publishedPrice(MODELS.small) },
      { name: 'medium', provider: models.openai, model: MODELS.medium, price: publishedPrice(MODELS.medium) },
      // The top tier gets no repair: a document it cannot extract goes to a person instead.
      {
        name: 'claude',
        provider: models.anthropic,
        model: MODELS.claude,
        price: publishedPrice(MODELS.claude),
        repairs: 0,
      },
    ],
    // Cheapest first: the schema gate parses and validates, the totals gate checks its arithmetic.
    gates: [schemaGate, totalsGate],
    repairPrompt,
    ...options,
  });
}
