// Both directions of the AI SDK adapter in one script.
//
//   node --conditions=source --import ./packages/ai-sdk/examples/source-conditions.ts \
//     packages/ai-sdk/examples/basic.ts                                  (from the repository root)
//
// 1. An AI SDK model (@ai-sdk/openai-compatible) is the middle tier of a three-tier cascade.
// 2. The cascade itself is then an AI SDK model: `generateText` with a zod schema runs it.
//
// Everything runs against LOCAL FAKE SERVERS and scripted tiers: the output shows the mechanics
// (escalation, cost accounting, the cascade record in providerMetadata), not what real models say.

import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { aiSdkProvider, cascadeModel } from '@llm-cascade/ai-sdk';
import { createCascade } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { jsonSchemaGate } from '@llm-cascade/gate-json-schema';
import { startOpenAIWireServer } from '@llm-cascade/provider-openai/test';
import { generateText, Output } from 'ai';
import { z } from 'zod';

const person = z.object({ name: z.string(), born: z.number().int() });

// A local OpenAI-compatible server stands in for the middle model.
const server = await startOpenAIWireServer({
  script: [{ type: 'completion', text: '{"name": "Ada Lovelace", "born": 1815}' }],
});

try {
  // Any AI SDK language model works here; `maxRetries` does not apply: the tier calls `doGenerate`, which
  // makes one request, and the cascade's engine owns retries.
  const local = createOpenAICompatible({
    name: 'local',
    baseURL: server.baseURL,
    apiKey: 'fake-key',
    includeUsage: true,
    supportsStructuredOutputs: true,
  });

  const cascade = createCascade({
    name: 'extract-person',
    tiers: [
      {
        name: 'small',
        // The cheapest tier forgets a field, so the JSON gate sends the request up.
        provider: scriptedProvider({ script: [{ text: '{"name": "Ada Lovelace"}' }] }),
        model: 'tiny',
        price: { inputPerMTok: 0.1, outputPerMTok: 0.4 },
        repairs: 0,
      },
      {
        name: 'medium',
        provider: aiSdkProvider({ model: local.chatModel('mid-model'), structuredOutput: true }),
        model: 'mid-model',
        price: { inputPerMTok: 0.4, outputPerMTok: 1.6 },
      },
      {
        name: 'large',
        provider: scriptedProvider({ script: [{ text: '{"name": "Ada Lovelace", "born": 1815}' }] }),
        model: 'big',
        price: { inputPerMTok: 2, outputPerMTok: 8 },
      },
    ],
    gates: [jsonSchemaGate({ schema: person })],
  });

  const result = await generateText({
    model: cascadeModel(cascade),
    prompt: 'Ada Lovelace was born in London in 1815. Extract the person.',
    output: Output.object({ schema: person }),
  });

  const record = result.providerMetadata?.llmCascade as
    | { tier: string; costUsd: number; topTierCostUsd: number; attempts: { tier: string; outcome: string }[] }
    | undefined;
  console.log(`output: ${JSON.stringify(result.output)}`);
  console.log(`answered by tier '${record?.tier}' (model ${result.response.modelId})`);
  console.log(`attempts: ${record?.attempts.map((attempt) => `${attempt.tier}:${attempt.outcome}`).join(', ')}`);
  console.log(`tokens: ${result.usage.inputTokens} in, ${result.usage.outputTokens} out`);
  console.log(`cost: $${record?.costUsd.toFixed(8)} (top tier alone: $${record?.topTierCostUsd.toFixed(8)})`);
  console.log(
    `schema sent to the AI SDK tier: ${server.requests[0]?.body?.response_format === undefined ? 'no' : 'yes'}`,
  );
  await cascade.close();
} finally {
  await server.close();
}
