/**
 * A two-tier cascade whose answers must be JSON valid against a schema. The cheap tier first answers with
 * prose around broken JSON; the gate's feedback goes back to it as a repair, and its second answer passes.
 * Then the same kind of gate runs on its own, with a zod schema, and the extractor on a messy answer.
 * No network, no key: the provider is scripted.
 *
 *   node --conditions=source packages/gates/json-schema/examples/basic.ts
 */
import { createCascade, type GateValue } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { extractJson, jsonSchemaGate } from '@llm-cascade/gate-json-schema';
import * as z from 'zod';

// Written inline or `as const`, the schema also types the value the gate hands back.
const contactGate = jsonSchemaGate({
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1 },
      email: { type: 'string', format: 'email' },
      tags: { type: 'array', items: { type: 'string' } },
    },
    required: ['name', 'email'],
    additionalProperties: false,
  },
  responseFormat: { name: 'contact' },
});

const provider = scriptedProvider({
  script: {
    'small-model': [
      { text: 'Sure! Here it is: {"name": "Ada Lovelace", "email": "ada@example", "tags": ["math",]}' },
      { text: '```json\n{"name": "Ada Lovelace", "email": "ada@example.com", "tags": ["math"]}\n```' },
    ],
    'large-model': [{ text: '{"name": "Ada Lovelace", "email": "ada@example.com"}' }],
  },
});

const cascade = createCascade<GateValue<typeof contactGate>>({
  tiers: [
    { name: 'small', provider, model: 'small-model', price: { inputPerMTok: 0.15, outputPerMTok: 0.6 }, repairs: 1 },
    { name: 'large', provider, model: 'large-model', price: { inputPerMTok: 2.5, outputPerMTok: 10 } },
  ],
  gates: [contactGate],
});

const result = await cascade.run({
  prompt: 'Extract the contact from: "Write to Ada Lovelace, ada@example.com (math)."',
});
for (const attempt of result.attempts) {
  const verdict = attempt.gates.find((gate) => gate.name === 'json-schema');
  console.log(`attempt ${attempt.index} on ${attempt.tier} (${attempt.kind}): ${verdict?.status} ${verdict?.reason}`);
  if (verdict?.feedback !== undefined) console.log(`  feedback: ${verdict.feedback}`);
}
console.log(
  `accepted on ${result.tier} after ${result.repairs} repair(s): ${result.value.name} <${result.value.email}>`,
);
console.log(`response format sent: ${JSON.stringify(provider.calls[0]?.request.responseFormat?.name)}`);

// A Standard Schema works the same way; zod derives the JSON Schema offered to providers.
const cityGate = jsonSchemaGate({ schema: z.object({ city: z.string(), population: z.number().int() }) });
const verdict = await cityGate.check('{"city": "Lyon", "population": "about half a million"}');
console.log(`zod gate: ${verdict.status} ${verdict.reason}\n  ${verdict.feedback?.split('\n').join('\n  ')}`);

// The extractor on its own: prose, a fence, a BOM.
const extracted = extractJson('\uFEFFThe answer is:\n```json\n[1, 2, 3]\n```\nHope that helps!');
console.log(`extracted: ${extracted.ok ? JSON.stringify(extracted.value) : extracted.reason}`);
