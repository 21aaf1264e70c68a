// A JSON-schema cascade over StructuredRAG (`import structured-rag <folder> --method fstring`): Llama-3-8B
// first, then Gemini-1.5-Pro, GPT-4o and Claude-3.5-Sonnet; each tier's answer must be JSON valid against the
// request's own schema (the recording carries one per task as the request's responseFormat). From the root:
//   node --conditions=source packages/eval/src/main.ts import structured-rag ../shared/data/structured_rag_json \
//     --method fstring --output /tmp/srag.jsonl
//   node --conditions=source packages/eval/src/main.ts eval --data /tmp/srag.jsonl \
//     --config packages/eval/examples/structured-rag.config.ts
// Prices (USD per million tokens, input/output) are the providers' published list prices as of late 2024,
// an assumption of this example: the data records no cost. Llama-3-8B at a hosted 8B price.
import type { Gate, GateContext } from '@llm-cascade/core';
import { defineEvalConfig } from '@llm-cascade/eval';
import { type JsonSchemaGate, jsonSchemaGate } from '@llm-cascade/gate-json-schema';

export const STRUCTURED_RAG_TIERS = [
  { model: 'llama3:instruct', price: { inputPerMTok: 0.2, outputPerMTok: 0.2 } },
  { model: 'gemini-1.5-pro', price: { inputPerMTok: 1.25, outputPerMTok: 5 } },
  { model: 'gpt-4o', price: { inputPerMTok: 2.5, outputPerMTok: 10 } },
  { model: 'claude-3-5-sonnet-20240620', price: { inputPerMTok: 3, outputPerMTok: 15 } },
] as const;

/**
 * Validates each answer against the schema its request carries: one compiled JSON-schema gate per schema
 * name (a task), built on first use. A request without a schema fails, so it can never pass unchecked.
 */
function requestSchemaGate(): Gate {
  const gates = new Map<string, JsonSchemaGate>();
  return {
    name: 'json-schema',
    evaluate(context: GateContext) {
      const format = context.request.responseFormat;
      if (format === undefined) return { status: 'fail', reason: 'no-schema' };
      const key = format.name ?? JSON.stringify(format.schema);
      let gate = gates.get(key);
      if (gate === undefined) {
        gate = jsonSchemaGate({ schema: format.schema, name: 'json-schema', responseFormat: false });
        gates.set(key, gate);
      }
      return gate.evaluate(context);
    },
  };
}

export default defineEvalConfig({
  name: 'StructuredRAG JSON cascade',
  // The recording's labels are the paper's validity verdicts: the share of valid outputs.
  scoring: 'label',
  cascade: ({ provider }) => {
    const gate = requestSchemaGate();
    return {
      onExhausted: 'best',
      tiers: STRUCTURED_RAG_TIERS.map(({ model, price }) => ({
        name: model,
        provider,
        model,
        price,
        retries: 0,
        repairs: 0,
        gates: [gate],
      })),
    };
  },
});
