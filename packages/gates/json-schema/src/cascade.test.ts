import { CascadeExhaustedError, createCascade, type GateValue } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import { jsonSchemaGate } from './json-schema-gate.ts';

const price = { inputPerMTok: 0.1, outputPerMTok: 0.4 };
const invoice = {
  type: 'object',
  properties: {
    number: { type: 'string', pattern: '^INV-\\d+$' },
    total: { type: 'number', minimum: 0 },
    currency: { enum: ['EUR', 'USD'] },
  },
  required: ['number', 'total', 'currency'],
  additionalProperties: false,
} as const;

describe('jsonSchemaGate inside a real cascade', () => {
  it('invalid JSON on tier 1 -> repair with the feedback appended -> valid JSON passes', async () => {
    const gate = jsonSchemaGate({ schema: invoice, responseFormat: { name: 'invoice' } });
    const provider = scriptedProvider({
      script: {
        small: [
          { text: 'Here is the invoice: {"number": "INV-7", "total": 12.5, "currency": "EUR",}' },
          { text: '```json\n{"number": "INV-7", "total": 12.5, "currency": "EUR"}\n```' },
        ],
        large: [{ text: '{"number": "INV-7", "total": 12.5, "currency": "EUR"}' }],
      },
    });
    const cascade = createCascade<GateValue<typeof gate>>({
      tiers: [
        { name: 'small', provider, model: 'small', price, repairs: 1 },
        { name: 'large', provider, model: 'large', price },
      ],
      gates: [gate],
    });
    const result = await cascade.run({ prompt: 'Extract the invoice.' });

    expect(result.accepted).toBe(true);
    expect(result.tier).toBe('small');
    expect(result.repairs).toBe(1);
    expect(result.value).toEqual({ number: 'INV-7', total: 12.5, currency: 'EUR' });
    expectTypeOf(result.value).toEqualTypeOf<{ number: string; total: number; currency: 'EUR' | 'USD' }>();
    expect(result.attempts.map((a) => [a.kind, a.outcome, a.failedGate])).toEqual([
      ['first', 'repaired', 'json-schema'],
      ['repair', 'accepted', undefined],
    ]);
    const failed = result.attempts[0]?.gates.find((g) => g.name === 'json-schema');
    expect(failed).toMatchObject({ status: 'fail', reason: 'invalid-json' });

    // The repair request carries the model's answer and then the gate's feedback.
    const repair = provider.calls[1]?.request.messages ?? [];
    expect(repair.at(-2)).toMatchObject({ role: 'assistant', content: expect.stringContaining('"currency": "EUR",}') });
    expect(repair.at(-1)?.role).toBe('user');
    expect(repair.at(-1)?.content).toContain(failed?.feedback ?? 'missing feedback');
    expect(failed?.feedback).toMatch(/^The answer is not valid JSON: /);

    // Every call offered the provider the gate's JSON Schema as a response format.
    expect(provider.calls).toHaveLength(2);
    for (const call of provider.calls) {
      expect(call.request.responseFormat).toEqual({ type: 'json_schema', schema: invoice, name: 'invoice' });
    }
  });

  it('schema errors go back as path-and-message feedback; without repairs the run escalates', async () => {
    const gate = jsonSchemaGate({ schema: invoice });
    const provider = scriptedProvider({
      script: {
        small: [{ text: '{"number": "7", "total": "12.5", "currency": "GBP"}' }],
        large: [{ text: '{"number": "INV-7", "total": 12.5, "currency": "EUR"}' }],
      },
    });
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 'small', price, repairs: 0 },
        { name: 'large', provider, model: 'large', price },
      ],
      gates: [gate],
    });
    const result = await cascade.run({ prompt: 'Extract the invoice.' });
    expect(result.tier).toBe('large');
    expect(result.escalations).toBe(1);
    const verdict = result.attempts[0]?.gates.find((g) => g.name === 'json-schema');
    expect(verdict?.reason).toBe('schema-invalid');
    expect(verdict?.feedback?.split('\n')).toEqual([
      'The JSON does not match the required schema (3 errors):',
      '- $.currency: must be equal to one of the allowed values: ["EUR","USD"]',
      '- $.number: must match pattern "^INV-\\d+$"',
      '- $.total: must be number',
    ]);
  });

  it('a zod gate: the schema zod derives reaches the provider, and the value is zod output', async () => {
    const schema = z.object({ city: z.string(), population: z.number().int() });
    const gate = jsonSchemaGate({ schema });
    const provider = scriptedProvider({
      script: [{ text: '{"city": "Lyon", "population": "large"}' }, { text: '{"city": "Lyon", "population": 522000}' }],
    });
    const cascade = createCascade<GateValue<typeof gate>>({
      tiers: [{ name: 'only', provider, model: 'm', price, repairs: 1 }],
      gates: [gate],
    });
    const result = await cascade.run({ prompt: 'Which city?' });
    expect(result.value).toEqual({ city: 'Lyon', population: 522000 });
    expect(provider.calls[0]?.request.responseFormat?.schema).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string' }, population: { type: 'integer' } },
    });
    expect(provider.calls[1]?.request.messages.at(-1)?.content).toContain('- $.population: ');
  });

  it('no responseFormat goes to a provider without structured output', async () => {
    const gate = jsonSchemaGate({ schema: invoice });
    const provider = scriptedProvider({
      capabilities: { structuredOutput: false },
      script: [{ text: '{"number": "INV-1", "total": 1, "currency": "USD"}' }],
    });
    const cascade = createCascade({ tiers: [{ name: 'only', provider, model: 'm', price }], gates: [gate] });
    await cascade.run({ prompt: 'x' });
    expect(provider.calls[0]?.request.responseFormat).toBeUndefined();
  });

  it('hostile output on every tier exhausts the cascade with the reason recorded, never a crash', async () => {
    const gate = jsonSchemaGate({ schema: invoice });
    const provider = scriptedProvider({ script: [{ text: '['.repeat(50_000) }] });
    const cascade = createCascade({
      tiers: [{ name: 'only', provider, model: 'm', price, repairs: 0 }],
      gates: [gate],
    });
    const error = await cascade.run({ prompt: 'x' }).catch((caught: unknown) => caught);
    expect(CascadeExhaustedError.isInstance(error)).toBe(true);
    if (CascadeExhaustedError.isInstance(error)) {
      expect(error.attempts[0]?.gates.find((g) => g.name === 'json-schema')?.reason).toBe('too-deep');
    }
  });

  it('a schema that does not compile fails when the cascade is built', () => {
    expect(() =>
      createCascade({
        tiers: [{ name: 'only', provider: scriptedProvider({ script: [] }), model: 'm', price }],
        gates: [jsonSchemaGate({ schema: { type: 'invoice' } })],
      }),
    ).toThrow(/schema: does not compile/);
  });
});
