import type { JsonSchema } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { compileJsonSchema } from './compile-schema.ts';

// Cases from the JSON-Schema-Test-Suite's required tests, runnable without the shared data folder. On ajv
// alone the $dynamicRef, contains/if, enum/__proto__, engine and fallback-safety tests fail; the
// $recursiveRef and anyOf cases ajv gets right, and they cover the evaluator's own semantics.
const DRAFT_2019 = 'https://json-schema.org/draft/2019-09/schema';

function validity(schema: JsonSchema, values: readonly unknown[]): boolean[] {
  const validator = compileJsonSchema({ schema, cache: false });
  return values.map((value) => validator.validate(value).valid);
}

describe('the fallback evaluator takes what ajv gets wrong', () => {
  it('$dynamicRef resolves through the dynamic scope', () => {
    const schema = {
      $id: 'https://test.json-schema.org/typical-dynamic-resolution/root',
      $ref: 'list',
      $defs: {
        foo: { $dynamicAnchor: 'items', type: 'string' },
        list: {
          $id: 'list',
          type: 'array',
          items: { $dynamicRef: '#items' },
          $defs: { items: { $comment: 'overridden by the root', $dynamicAnchor: 'items' } },
        },
      },
    };
    expect(
      validity(schema, [
        ['foo', 'bar'],
        ['foo', 42],
      ]),
    ).toEqual([true, false]);
    expect(compileJsonSchema({ schema, cache: false }).engine).toBe('fallback');
  });

  it('$recursiveRef (2019-09) extends a recursive schema', () => {
    const schema = {
      $schema: DRAFT_2019,
      $id: 'https://example.com/tree',
      $recursiveAnchor: true,
      type: 'object',
      properties: { meta: { type: 'string' }, nodes: { type: 'array', items: { $recursiveRef: '#' } } },
      required: ['meta', 'nodes'],
    };
    expect(
      validity(schema, [
        { meta: 'r', nodes: [{ meta: 'a', nodes: [] }] },
        { meta: 'r', nodes: [{ nodes: [] }] },
      ]),
    ).toEqual([true, false]);
  });

  it('unevaluatedItems sees contains (2020-12) and if without then', () => {
    const contains = { prefixItems: [true], contains: { type: 'string' }, unevaluatedItems: false };
    expect(
      validity(contains, [
        [1, 'a'],
        [1, 2],
      ]),
    ).toEqual([true, false]);
    const conditional = {
      if: { properties: { foo: { const: 'then' } }, required: ['foo'] },
      else: { properties: { bar: true } },
      unevaluatedProperties: false,
    };
    expect(validity(conditional, [{ foo: 'then' }, { bar: 1 }, { foo: 'else' }])).toEqual([true, true, false]);
  });

  it('unevaluatedProperties with nested applicators, and its feedback names the property', () => {
    const schema = {
      type: 'object',
      properties: { a: true },
      anyOf: [
        { properties: { b: true }, required: ['b'] },
        { properties: { c: true }, required: ['c'] },
      ],
      unevaluatedProperties: false,
    };
    expect(
      validity(schema, [
        { a: 1, b: 1 },
        { a: 1, b: 1, c: 1 },
        { a: 1, b: 1, d: 1 },
      ]),
    ).toEqual([true, true, false]);
    const result = compileJsonSchema({ schema, cache: false }).validate({ b: 1, d: 1 });
    expect(result.valid ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`)).toContain(
      '$: must NOT have unevaluated properties: "d"',
    );
  });

  it('enum: [] rejects everything, and a __proto__ property is checked like any other', () => {
    expect(validity({ enum: [] }, [1, 'a', null, {}])).toEqual([false, false, false, false]);
    // JSON.parse, since `__proto__:` in an object literal sets the prototype instead of a key.
    const proto = JSON.parse('{"properties": {"__proto__": {"type": "number"}}}') as JsonSchema;
    expect(validity(proto, [JSON.parse('{"__proto__": 1}'), JSON.parse('{"__proto__": "x"}')])).toEqual([true, false]);
  });

  it('ajv stays the engine for everything else', () => {
    expect(
      compileJsonSchema({ schema: { type: 'object', properties: { a: { type: 'string' } } }, cache: false }).engine,
    ).toBe('ajv');
  });

  it('patterns, formats and the budget apply in the fallback too', () => {
    const validator = compileJsonSchema({
      schema: {
        type: 'array',
        items: { type: 'string', pattern: '^([a-z0-9]+)+$', format: 'email' },
        unevaluatedItems: false,
      },
      cache: false,
    });
    expect(validator.engine).toBe('fallback');
    expect(validator.validate([`${'a'.repeat(40)}!`]).valid).toBe(false);
    expect(validator.validate(['ann@example.com']).valid).toBe(false);
    const hostile = validator.validate(Array.from({ length: 200 }, () => `${'a'.repeat(7999)}!`));
    expect(hostile.valid).toBe(false);
    if (!hostile.valid) expect(hostile.issues[0]?.message).toMatch(/could not be checked/);
    expect(() =>
      compileJsonSchema({
        schema: { unevaluatedItems: false, items: { $ref: 'https://example.com/none' } },
        cache: false,
      }),
    ).toThrow(/cannot resolve \$ref "https:\/\/example.com\/none"/);
  });
});
