// A consumer's program, type-checked by the consumer's own tsc and run by plain `node main.ts`, against the
// packed tarballs installed with npm. Three tiers on the real `openai` client, talking to a local replay
// server that serves recording.jsonl (hand-written for this test, not a model's output): the small tier's
// answer breaks the zod schema, the medium tier's breaks it too, the large tier's passes.
import { createCascade, type GateValue } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { jsonSchemaGate } from '@llm-cascade/gate-json-schema';
import { openaiProvider } from '@llm-cascade/provider-openai';
import { startReplayServer } from '@llm-cascade/provider-replay';
import * as z from 'zod';

const invoice = jsonSchemaGate({
  schema: z.object({ number: z.string(), total: z.number(), currency: z.string().length(3) }),
});

const server = await startReplayServer({ path: new URL('./recording.jsonl', import.meta.url).pathname });
try {
  const openai = openaiProvider({ baseURL: server.baseURL, apiKey: 'replay' });
  const cascade = createCascade<GateValue<typeof invoice>>({
    tiers: [
      { name: 'small', provider: openai, model: 'gpt-4.1-nano', repairs: 0 },
      { name: 'medium', provider: openai, model: 'gpt-4.1-mini', repairs: 0 },
      { name: 'large', provider: openai, model: 'gpt-4.1' },
    ],
    gates: [invoice],
  });
  const result = await cascade.run({
    id: 'invoice-1',
    system: 'Extract the invoice as JSON with number, total and currency.',
    prompt: 'Invoice 2024-117, total EUR 1,240.50',
  });
  // Typed through the zod schema: `total` is a number, so toFixed type-checks.
  const total: string = result.value.total.toFixed(2);
  console.log(
    JSON.stringify({
      tier: result.tier,
      number: result.value.number,
      total,
      currency: result.value.currency,
      path: result.attempts.map((attempt) => `${attempt.tier}:${attempt.outcome}`),
      costUsd: result.costUsd,
    }),
  );
} finally {
  await server.close();
}

// The test entry point ships too: a scripted provider, in process.
const scripted = scriptedProvider({ script: { echo: [{ text: '{"ok":true}' }] } });
const echoed = await createCascade({
  tiers: [{ name: 'only', provider: scripted, model: 'echo', price: { inputPerMTok: 0, outputPerMTok: 0 } }],
}).run({ prompt: 'say ok' });
console.log(JSON.stringify({ scripted: echoed.text }));
