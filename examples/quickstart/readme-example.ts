// The top-level README's example, kept here so CI type-checks it. It calls the real APIs
// (OPENAI_API_KEY, ANTHROPIC_API_KEY); `pnpm demo` runs the same shape of pipeline offline.
import { createCascade, type GateValue } from '@llm-cascade/core';
import { jsonSchemaGate } from '@llm-cascade/gate-json-schema';
import { anthropicProvider } from '@llm-cascade/provider-anthropic';
import { openaiProvider } from '@llm-cascade/provider-openai';
import * as z from 'zod';

const invoice = jsonSchemaGate({
  schema: z.object({ number: z.string(), total: z.number(), currency: z.string().length(3) }),
});
const openai = openaiProvider(); // prices come from the providers' published tables
const anthropic = anthropicProvider();

const cascade = createCascade<GateValue<typeof invoice>>({
  tiers: [
    { name: 'small', provider: openai, model: 'gpt-4.1-mini', repairs: 1 },
    { name: 'large', provider: openai, model: 'gpt-4.1' },
    { name: 'claude', provider: anthropic, model: 'claude-sonnet-4-5' },
  ],
  gates: [invoice], // after the built-in checks: empty, truncated, refusal
  budgetUsd: 0.05,
});

const result = await cascade.run({ prompt: 'Extract the invoice as JSON: Invoice 2024-117, total EUR 1,240.50' });
console.log(result.tier, result.value.total, result.costUsd, result.topTierCost, result.attempts.length);
