import type { JsonSchema } from '@llm-cascade/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import type { FromJsonSchema, InferSchemaValue } from './infer-schema.ts';
import { jsonSchemaGate } from './json-schema-gate.ts';

// Type-level tests: `tsc --noEmit` checks them; the runtime part only shows the gates build.
describe('FromJsonSchema', () => {
  it('objects: required, optional, closed and open', () => {
    const closed = {
      type: 'object',
      properties: { id: { type: 'integer' }, note: { type: 'string' } },
      required: ['id'],
      additionalProperties: false,
    } as const;
    expectTypeOf<FromJsonSchema<typeof closed>>().toEqualTypeOf<{ id: number; note?: string }>();
    const open = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id', 'extra'] } as const;
    expectTypeOf<FromJsonSchema<typeof open>>().toEqualTypeOf<{ [key: string]: unknown; id: number; extra: unknown }>();
  });

  it('primitives, nullable type arrays, enum and const', () => {
    expectTypeOf<FromJsonSchema<{ type: 'string' }>>().toEqualTypeOf<string>();
    expectTypeOf<FromJsonSchema<{ type: 'boolean' }>>().toEqualTypeOf<boolean>();
    expectTypeOf<FromJsonSchema<{ type: 'null' }>>().toEqualTypeOf<null>();
    expectTypeOf<FromJsonSchema<{ readonly type: readonly ['string', 'null'] }>>().toEqualTypeOf<string | null>();
    expectTypeOf<FromJsonSchema<{ readonly enum: readonly ['a', 'b', 3] }>>().toEqualTypeOf<'a' | 'b' | 3>();
    expectTypeOf<FromJsonSchema<{ const: 'yes' }>>().toEqualTypeOf<'yes'>();
  });

  it('arrays and tuples', () => {
    expectTypeOf<FromJsonSchema<{ type: 'array'; items: { type: 'number' } }>>().toEqualTypeOf<number[]>();
    expectTypeOf<FromJsonSchema<{ type: 'array' }>>().toEqualTypeOf<unknown[]>();
    const tuple = { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false } as const;
    expectTypeOf<FromJsonSchema<typeof tuple>>().toEqualTypeOf<[string?, number?]>();
    const draft07 = { type: 'array', items: [{ type: 'string' }] } as const;
    expectTypeOf<FromJsonSchema<typeof draft07>>().toEqualTypeOf<[string?, ...unknown[]]>();
  });

  it('anyOf, oneOf and allOf', () => {
    const either = { anyOf: [{ type: 'string' }, { type: 'integer' }] } as const;
    expectTypeOf<FromJsonSchema<typeof either>>().toEqualTypeOf<string | number>();
    const one = { oneOf: [{ const: 1 }, { const: 2 }] } as const;
    expectTypeOf<FromJsonSchema<typeof one>>().toEqualTypeOf<1 | 2>();
    const both = {
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false },
        { type: 'object', properties: { b: { type: 'number' } }, required: ['b'], additionalProperties: false },
      ],
    } as const;
    expectTypeOf<FromJsonSchema<typeof both>>().toEqualTypeOf<{ a: string } & { b: number }>();
  });

  it('booleans, $ref, recursion and loosely typed schemas', () => {
    expectTypeOf<FromJsonSchema<true>>().toEqualTypeOf<unknown>();
    expectTypeOf<FromJsonSchema<false>>().toEqualTypeOf<never>();
    expectTypeOf<FromJsonSchema<{ $ref: '#/$defs/x' }>>().toEqualTypeOf<unknown>();
    const recursive = { type: 'array', items: { $ref: '#' } } as const;
    expectTypeOf<FromJsonSchema<typeof recursive>>().toEqualTypeOf<unknown[]>();
    expectTypeOf<FromJsonSchema<JsonSchema>>().toEqualTypeOf<unknown>();
    const widened: { type: string } = { type: 'string' };
    expectTypeOf<FromJsonSchema<typeof widened>>().toEqualTypeOf<unknown>();
  });

  it('InferSchemaValue takes a Standard Schema output type', () => {
    const schema = z.object({ n: z.string().transform(Number) });
    expectTypeOf<InferSchemaValue<typeof schema>>().toEqualTypeOf<{ n: number }>();
  });

  it('inline schemas infer without `as const` (the gate takes a const type parameter)', () => {
    const gate = jsonSchemaGate({
      schema: {
        type: 'object',
        properties: { ok: { type: 'boolean' } },
        required: ['ok'],
        additionalProperties: false,
      },
    });
    expectTypeOf(gate.evaluate).returns.toEqualTypeOf<
      | import('@llm-cascade/core').GateResult<{ ok: boolean }>
      | Promise<import('@llm-cascade/core').GateResult<{ ok: boolean }>>
    >();
    expect(gate.name).toBe('json-schema');
  });
});
