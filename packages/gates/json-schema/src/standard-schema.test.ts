import { ConfigError, type GateResult } from '@llm-cascade/core';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import { compileJsonSchema } from './compile-schema.ts';
import { jsonSchemaGate } from './json-schema-gate.ts';
import { deriveJsonSchema, isStandardSchema } from './standard-schema.ts';

const zodPerson = z.object({
  name: z.string(),
  age: z.number().int().min(0),
  tags: z.array(z.string()).optional(),
});
const valibotPerson = v.object({
  name: v.string(),
  age: v.pipe(v.number(), v.integer(), v.minValue(0)),
  tags: v.optional(v.array(v.string())),
});
const arktypePerson = type({ name: 'string', age: 'number.integer >= 0', 'tags?': 'string[]' });

type Person = { name: string; age: number; tags?: string[] | undefined };

describe('Standard Schema detection', () => {
  it('recognises zod, valibot and arktype (a callable) schemas, and not JSON Schemas', () => {
    expect(isStandardSchema(zodPerson)).toBe(true);
    expect(isStandardSchema(valibotPerson)).toBe(true);
    expect(isStandardSchema(arktypePerson)).toBe(true);
    expect(typeof arktypePerson).toBe('function');
    expect(isStandardSchema({ type: 'object' })).toBe(false);
    expect(isStandardSchema(null)).toBe(false);
  });
});

describe.each([
  ['zod', zodPerson],
  ['valibot', valibotPerson],
  ['arktype', arktypePerson],
] as const)('jsonSchemaGate with a %s schema', (vendor, schema) => {
  const gate = jsonSchemaGate({ schema });

  it('passes a valid answer and carries the validated value', async () => {
    const result = await gate.check('Sure: ```json\n{"name": "Ann", "age": 3, "tags": ["a"]}\n```');
    expect(result).toMatchObject({ status: 'pass', reason: 'ok', value: { name: 'Ann', age: 3, tags: ['a'] } });
    expect(result.details).toMatchObject({ validator: vendor, source: 'fence' });
    expect(gate.validator).toBe(vendor);
    expect(gate.draft).toBeUndefined();
  });

  it('fails schema-invalid with the library issues as path and message', async () => {
    const result = await gate.check('{"name": 7, "age": 1.5, "tags": ["a", 2]}');
    expect(result.status).toBe('fail');
    expect(result.reason).toBe('schema-invalid');
    const lines = result.feedback?.split('\n') ?? [];
    expect(lines[0]).toMatch(/^The JSON does not match the required schema/);
    expect(lines.some((line) => line.startsWith('- $.name: '))).toBe(true);
    expect(lines.some((line) => line.startsWith('- $.age: '))).toBe(true);
    expect(lines.some((line) => line.startsWith('- $.tags[1]: '))).toBe(true);
  });

  it('fails extraction problems before the library sees anything', async () => {
    expect(await gate.check('no json')).toMatchObject({ status: 'fail', reason: 'no-json' });
    expect(await gate.check('{"name": "Ann", ')).toMatchObject({ status: 'fail', reason: 'invalid-json' });
  });
});

describe('the value type is the Standard Schema output type', () => {
  it('zod, valibot and arktype', () => {
    const zodGate = jsonSchemaGate({ schema: zodPerson });
    const valibotGate = jsonSchemaGate({ schema: valibotPerson });
    const arktypeGate = jsonSchemaGate({ schema: arktypePerson });
    expectTypeOf<Awaited<ReturnType<typeof zodGate.check>>>().toEqualTypeOf<GateResult<Person>>();
    expectTypeOf<Awaited<ReturnType<typeof valibotGate.check>>>().toEqualTypeOf<GateResult<Person>>();
    // arktype leaves `undefined` out of optional keys.
    expectTypeOf<Awaited<ReturnType<typeof arktypeGate.check>>>().toEqualTypeOf<
      GateResult<{ name: string; age: number; tags?: string[] }>
    >();
  });
});

describe('responseFormat from a Standard Schema', () => {
  it('zod: derived through its own converter (input side, draft 2020-12), and it validates what zod does', () => {
    const gate = jsonSchemaGate({ schema: zodPerson });
    expect(gate.responseFormat?.type).toBe('json_schema');
    expect(gate.responseFormat?.name).toBe('response');
    const schema = gate.responseFormat?.schema;
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['name', 'age'],
    });
    // The derived schema compiles and agrees with zod on a couple of values.
    const validator = compileJsonSchema({ schema: schema ?? false, cache: false });
    expect(validator.validate({ name: 'a', age: 1 }).valid).toBe(true);
    expect(validator.validate({ name: 'a', age: 1.5 }).valid).toBe(false);
  });

  it('arktype: derived through its own converter', () => {
    const gate = jsonSchemaGate({ schema: arktypePerson, responseFormat: { name: 'person' } });
    expect(gate.responseFormat).toMatchObject({
      type: 'json_schema',
      name: 'person',
      schema: { type: 'object', required: ['age', 'name'] },
    });
  });

  it('valibot alone has no converter: no responseFormat, unless asked for, which is a ConfigError', () => {
    expect(deriveJsonSchema(valibotPerson)).toMatchObject({ ok: false });
    expect(jsonSchemaGate({ schema: valibotPerson }).responseFormat).toBeUndefined();
    const error = (() => {
      try {
        jsonSchemaGate({ schema: valibotPerson, responseFormat: { name: 'person' } });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(ConfigError.isInstance(error) && error.field).toBe('responseFormat');
  });

  it('valibot wrapped by @valibot/to-json-schema gets one, and still validates through valibot', async () => {
    const gate = jsonSchemaGate({ schema: toStandardJsonSchema(valibotPerson) });
    expect(gate.responseFormat?.schema).toMatchObject({ type: 'object', required: ['name', 'age'] });
    expect(await gate.check('{"name": "Ann", "age": -1}')).toMatchObject({ status: 'fail', reason: 'schema-invalid' });
  });

  it('an explicit responseFormat.schema wins, and false sends none', () => {
    const sent = { type: 'object' } as const;
    expect(jsonSchemaGate({ schema: valibotPerson, responseFormat: { schema: sent } }).responseFormat?.schema).toBe(
      sent,
    );
    expect(jsonSchemaGate({ schema: zodPerson, responseFormat: false }).responseFormat).toBeUndefined();
  });

  it('a schema the converter cannot express yields no responseFormat rather than a broken one', () => {
    const custom = z.custom<string>((value) => typeof value === 'string');
    const derived = deriveJsonSchema(custom);
    const gate = jsonSchemaGate({ schema: custom });
    if (derived.ok) expect(gate.responseFormat?.schema).toEqual(derived.schema);
    else expect(gate.responseFormat).toBeUndefined();
  });
});

describe('Standard Schema specifics', () => {
  it('the value is the library output: transforms and defaults apply', async () => {
    const schema = z.object({ when: z.string().transform((text) => text.length), mode: z.string().default('fast') });
    const gate = jsonSchemaGate({ schema });
    const result = await gate.check('{"when": "today"}');
    expect(result).toMatchObject({ status: 'pass', value: { when: 5, mode: 'fast' } });
    expectTypeOf<Awaited<ReturnType<typeof gate.check>>>().toEqualTypeOf<GateResult<{ when: number; mode: string }>>();
  });

  it('awaits an asynchronous validate (valibot async schemas)', async () => {
    const schema = v.objectAsync({
      code: v.pipeAsync(
        v.string(),
        v.checkAsync(async (code) => code.startsWith('A'), 'must start with A'),
      ),
    });
    const gate = jsonSchemaGate({ schema });
    const pending = gate.check('{"code": "B1"}');
    expect(pending).toBeInstanceOf(Promise);
    const result = await pending;
    expect(result).toMatchObject({ status: 'fail', reason: 'schema-invalid' });
    expect(result.feedback).toContain('- $.code: must start with A');
    expect(await gate.check('{"code": "A1"}')).toMatchObject({ status: 'pass', value: { code: 'A1' } });
  });

  it('fails closed on an empty issues list, and on a schema whose validate reports issues without paths', async () => {
    const odd = {
      '~standard': { version: 1 as const, vendor: 'odd', validate: () => ({ issues: [] }) },
    };
    expect(await jsonSchemaGate({ schema: odd }).check('{}')).toMatchObject({
      status: 'fail',
      reason: 'schema-invalid',
    });
    const pathless = {
      '~standard': { version: 1 as const, vendor: 'pathless', validate: () => ({ issues: [{ message: 'nope' }] }) },
    };
    const result = await jsonSchemaGate({ schema: pathless }).check('{}');
    expect(result.feedback).toContain('- $: nope');
  });

  it('rejects JSON-Schema-only options with a Standard Schema', () => {
    for (const options of [{ defaultDraft: '07' }, { registry: [] }, { formats: false }, { cache: false }] as const) {
      let field: string | undefined;
      try {
        jsonSchemaGate({ schema: zodPerson, ...options });
      } catch (error) {
        if (ConfigError.isInstance(error)) field = error.field;
      }
      expect(field).toBe(Object.keys(options)[0]);
    }
  });
});
