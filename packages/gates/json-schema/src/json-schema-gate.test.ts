import { ConfigError, type GateResult, type JsonSchema } from '@llm-cascade/core';
import { gateContext } from '@llm-cascade/core/test';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { jsonSchemaGate } from './json-schema-gate.ts';

const person = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer', minimum: 0 },
    role: { enum: ['admin', 'user'] },
    email: { type: 'string', format: 'email' },
  },
  required: ['name', 'role'],
  additionalProperties: false,
} as const;

function sync<T>(result: GateResult<T> | Promise<GateResult<T>>): GateResult<T> {
  if (result instanceof Promise) throw new Error('expected a synchronous result');
  return result;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('jsonSchemaGate: verdicts', () => {
  const gate = jsonSchemaGate({ schema: person });

  it('passes valid JSON and carries the parsed object as value', async () => {
    const result = await gate.evaluate(
      gateContext({ text: 'Here:\n```json\n{"name": "Ann", "role": "admin", "age": 40}\n```' }),
    );
    expect(result).toMatchObject({ status: 'pass', reason: 'ok', value: { name: 'Ann', role: 'admin', age: 40 } });
    expect(result.details).toMatchObject({ validator: 'json-schema', draft: '2020-12', source: 'fence' });
    expect(result.score).toBeUndefined();
  });

  it('types the value from a literal schema', () => {
    expectTypeOf(gate.check).returns.toEqualTypeOf<
      | GateResult<{ name: string; role: 'admin' | 'user'; age?: number; email?: string }>
      | Promise<GateResult<{ name: string; role: 'admin' | 'user'; age?: number; email?: string }>>
    >();
    const loose: JsonSchema = { type: 'string' };
    expectTypeOf(jsonSchemaGate({ schema: loose }).check).returns.toEqualTypeOf<
      GateResult<unknown> | Promise<GateResult<unknown>>
    >();
    const inline = jsonSchemaGate({ schema: { type: 'array', items: { type: 'number' } } });
    expectTypeOf(inline.check).returns.toEqualTypeOf<GateResult<number[]> | Promise<GateResult<number[]>>>();
  });

  it('fails with schema-invalid and path-and-message feedback', () => {
    const result = sync(gate.check('{"age": -2.5, "role": "root", "email": "nope", "extra": 1}'));
    expect(result.status).toBe('fail');
    expect(result.reason).toBe('schema-invalid');
    expect(result.value).toBeUndefined();
    expect(result.feedback?.split('\n')).toEqual([
      'The JSON does not match the required schema (6 errors):',
      "- $: must have required property 'name'",
      '- $: must NOT have additional properties: "extra"',
      '- $.age: must be integer',
      '- $.age: must be >= 0',
      '- $.email: must match format "email"',
      '- $.role: must be equal to one of the allowed values: ["admin","user"]',
    ]);
    expect(result.details).toMatchObject({ errors: 6 });
  });

  it('fails with no-json, invalid-json, too-large and too-deep, each with feedback', () => {
    const noJson = sync(gate.check('I am sorry, I cannot do that.'));
    expect(noJson).toMatchObject({ status: 'fail', reason: 'no-json' });
    expect(noJson.feedback).toMatch(/no JSON value/);
    const invalid = sync(gate.check("{'name': 'Ann'}"));
    expect(invalid).toMatchObject({ status: 'fail', reason: 'invalid-json' });
    expect(invalid.feedback).toMatch(/^The answer is not valid JSON: /);
    const small = jsonSchemaGate({ schema: true, maxBytes: 10, maxDepth: 3 });
    expect(sync(small.check('{"a": "0123456789"}'))).toMatchObject({ status: 'fail', reason: 'too-large' });
    const deep = sync(small.check('[[[[1]]]]'));
    expect(deep).toMatchObject({ status: 'fail', reason: 'too-deep' });
    expect(deep.feedback).toMatch(/deeper than 3/);
  });

  it('a bare JSON string answer holding brackets is the string, for a string schema', () => {
    const text = jsonSchemaGate({ schema: { type: 'string' } });
    expect(sync(text.check('"see {x}"'))).toMatchObject({ status: 'pass', value: 'see {x}' });
    expect(sync(text.check('"pick [a] or [b]"'))).toMatchObject({ status: 'pass', value: 'pick [a] or [b]' });
  });

  it('caps the feedback: at most maxFeedbackErrors lines, each cut short, then a count', () => {
    const numbers = jsonSchemaGate({ schema: { type: 'array', items: { type: 'number' } }, maxFeedbackErrors: 3 });
    const result = sync(numbers.check(JSON.stringify(Array.from({ length: 50 }, (_, i) => `x${i}`))));
    const lines = result.feedback?.split('\n') ?? [];
    expect(lines[0]).toBe('The JSON does not match the required schema (50 errors):');
    expect(lines.slice(1)).toEqual([
      '- $[0]: must be number',
      '- $[1]: must be number',
      '- $[2]: must be number',
      '- …and 47 more',
    ]);
    const longKey = 'k'.repeat(5000);
    const strict = jsonSchemaGate({ schema: { type: 'object', additionalProperties: false } });
    const long = sync(strict.check(JSON.stringify({ [longKey]: 1 })));
    for (const line of long.feedback?.split('\n') ?? []) expect(line.length).toBeLessThanOrEqual(200);
  });

  it('evaluates the selected candidate of the context', async () => {
    const result = await gate.evaluate(
      gateContext({ candidates: ['nothing', '{"name": "Bo", "role": "user"}'], candidateIndex: 1 }),
    );
    expect(result).toMatchObject({ status: 'pass', value: { name: 'Bo', role: 'user' } });
  });
});

describe('jsonSchemaGate: responseFormat', () => {
  it('offers the JSON Schema itself, named `response` unless told', () => {
    const gate = jsonSchemaGate({ schema: person });
    expect(gate.responseFormat).toEqual({ type: 'json_schema', schema: person, name: 'response' });
    const named = jsonSchemaGate({ schema: person, responseFormat: { name: 'person', strict: true } });
    expect(named.responseFormat).toEqual({ type: 'json_schema', schema: person, name: 'person', strict: true });
  });

  it('can send another schema, or none', () => {
    const variant = { type: 'object' } as const;
    expect(jsonSchemaGate({ schema: person, responseFormat: { schema: variant } }).responseFormat?.schema).toBe(
      variant,
    );
    expect(jsonSchemaGate({ schema: person, responseFormat: false }).responseFormat).toBeUndefined();
    expect(jsonSchemaGate({ schema: true }).responseFormat).toBeUndefined();
  });
});

describe('jsonSchemaGate: configuration errors name the field', () => {
  it.each([
    ['options', () => jsonSchemaGate(undefined as never)],
    ['schema', () => jsonSchemaGate({} as never)],
    ['schema', () => jsonSchemaGate({ schema: { type: 'nope' } })],
    ['schema', () => jsonSchemaGate({ schema: { $ref: 'https://example.com/remote.json' } })],
    ['name', () => jsonSchemaGate({ schema: true, name: '' })],
    ['maxBytes', () => jsonSchemaGate({ schema: true, maxBytes: 0 })],
    ['maxDepth', () => jsonSchemaGate({ schema: true, maxDepth: 100_000 })],
    ['maxFeedbackErrors', () => jsonSchemaGate({ schema: true, maxFeedbackErrors: 1.5 })],
    ['formats', () => jsonSchemaGate({ schema: true, formats: 'yes' as never })],
    ['cache', () => jsonSchemaGate({ schema: true, cache: {} as never })],
    ['defaultDraft', () => jsonSchemaGate({ schema: true, defaultDraft: '3' as never })],
    ['registry[0]', () => jsonSchemaGate({ schema: true, registry: [{ type: 'string' }] })],
    ['responseFormat', () => jsonSchemaGate({ schema: true, responseFormat: 'json' as never })],
    ['responseFormat.name', () => jsonSchemaGate({ schema: true, responseFormat: { name: 'has spaces' } })],
    ['responseFormat.strict', () => jsonSchemaGate({ schema: true, responseFormat: { strict: 1 as never } })],
    ['responseFormat.schema', () => jsonSchemaGate({ schema: true, responseFormat: { schema: [] as never } })],
  ])('%s', (field, build) => {
    expect(configError(build).field).toBe(field);
  });

  it('the unresolvable reference is named in the message', () => {
    const error = configError(() => jsonSchemaGate({ schema: { properties: { a: { $ref: 'other.json#/x' } } } }));
    expect(error.message).toContain('other.json');
  });
});
