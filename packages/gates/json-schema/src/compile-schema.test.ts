import { ConfigError } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { compileJsonSchema } from './compile-schema.ts';
import { detectDraft } from './draft.ts';
import { createValidatorCache, hashJson } from './validator-cache.ts';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('detectDraft', () => {
  it('reads every supported $schema, with or without # and with either scheme', () => {
    expect(detectDraft({ $schema: 'http://json-schema.org/draft-04/schema#' })).toBe('04');
    expect(detectDraft({ $schema: 'http://json-schema.org/draft-06/schema#' })).toBe('06');
    expect(detectDraft({ $schema: 'https://json-schema.org/draft-07/schema' })).toBe('07');
    expect(detectDraft({ $schema: 'https://json-schema.org/draft/2019-09/schema' })).toBe('2019-09');
    expect(detectDraft({ $schema: 'https://json-schema.org/draft/2020-12/schema' })).toBe('2020-12');
    expect(detectDraft({ type: 'string' })).toBeUndefined();
    expect(detectDraft({ $schema: 'http://example.com/my-meta' })).toBeUndefined();
    expect(detectDraft(true)).toBeUndefined();
  });
});

describe('compileJsonSchema: drafts', () => {
  it('defaults to 2020-12, where prefixItems is a tuple', () => {
    const validator = compileJsonSchema({ schema: { prefixItems: [{ type: 'string' }], items: false }, cache: false });
    expect(validator.draft).toBe('2020-12');
    expect(validator.validate(['a']).valid).toBe(true);
    expect(validator.validate(['a', 'b']).valid).toBe(false);
  });

  it('draft-04: boolean exclusiveMaximum', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: 'number',
      maximum: 3,
      exclusiveMaximum: true,
    };
    const validator = compileJsonSchema({ schema, cache: false });
    expect(validator.draft).toBe('04');
    expect(validator.validate(2.5).valid).toBe(true);
    expect(validator.validate(3).valid).toBe(false);
  });

  it('draft-06: numeric exclusiveMaximum and const', () => {
    const schema = { $schema: 'http://json-schema.org/draft-06/schema#', type: 'number', exclusiveMaximum: 3 };
    const validator = compileJsonSchema({ schema, cache: false });
    expect(validator.draft).toBe('06');
    expect(validator.validate(3).valid).toBe(false);
    expect(compileJsonSchema({ schema: { $schema: schema.$schema, const: 1 }, cache: false }).validate(2).valid).toBe(
      false,
    );
  });

  it('draft-07: array-form items is a tuple and if/then/else applies', () => {
    const validator = compileJsonSchema({
      schema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'array',
        items: [{ type: 'string' }, { type: 'number' }],
      },
      cache: false,
    });
    expect(validator.draft).toBe('07');
    expect(validator.validate(['a', 1]).valid).toBe(true);
    expect(validator.validate([1, 'a']).valid).toBe(false);
    const conditional = compileJsonSchema({
      // biome-ignore lint/suspicious/noThenProperty: `then` is JSON Schema's if/then/else keyword.
      schema: { if: { properties: { kind: { const: 'n' } } }, then: { properties: { v: { type: 'number' } } } },
      defaultDraft: '07',
      cache: false,
    });
    expect(conditional.validate({ kind: 'n', v: 'x' }).valid).toBe(false);
    expect(conditional.validate({ kind: 's', v: 'x' }).valid).toBe(true);
  });

  it('2019-09: unevaluatedProperties and dependentRequired', () => {
    const validator = compileJsonSchema({
      schema: {
        $schema: 'https://json-schema.org/draft/2019-09/schema',
        allOf: [{ properties: { a: true } }],
        unevaluatedProperties: false,
        dependentRequired: { a: ['b'] },
      },
      cache: false,
    });
    expect(validator.draft).toBe('2019-09');
    expect(validator.validate({ a: 1, b: 2 }).valid).toBe(false);
    expect(validator.validate({ a: 1 }).valid).toBe(false);
    expect(validator.validate({}).valid).toBe(true);
  });

  it('defaultDraft applies only when $schema is absent', () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'string' };
    expect(compileJsonSchema({ schema, defaultDraft: '04', cache: false }).draft).toBe('2020-12');
    expect(compileJsonSchema({ schema: { type: 'string' }, defaultDraft: '04', cache: false }).draft).toBe('04');
  });

  it('asserts formats by default and can turn them off', () => {
    const schema = { type: 'string', format: 'email' };
    expect(compileJsonSchema({ schema, cache: false }).validate('not an email').valid).toBe(false);
    expect(compileJsonSchema({ schema, cache: false }).validate('ann@example.com').valid).toBe(true);
    expect(compileJsonSchema({ schema, formats: false, cache: false }).validate('not an email').valid).toBe(true);
  });
});

describe('compileJsonSchema: errors', () => {
  it('reports every error (allErrors) as path and message', () => {
    const validator = compileJsonSchema({
      schema: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          age: { type: 'integer', minimum: 0 },
          kind: { enum: ['a', 'b'] },
          items: { type: 'array', items: { type: 'object', properties: { price: { type: 'number' } } } },
        },
        required: ['name', 'id'],
        additionalProperties: false,
      },
      cache: false,
    });
    const result = validator.validate({ age: -1.5, kind: 'c', items: [{ price: 'x' }], extra: true, 'odd key': 1 });
    expect(result.valid).toBe(false);
    if (result.valid) return;
    const lines = result.issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        "$: must have required property 'name'",
        "$: must have required property 'id'",
        '$: must NOT have additional properties: "extra"',
        '$: must NOT have additional properties: "odd key"',
        '$.age: must be integer',
        '$.age: must be >= 0',
        '$.kind: must be equal to one of the allowed values: ["a","b"]',
        '$.items[0].price: must be number',
      ]),
    );
    expect(result.errorCount).toBe(lines.length);
  });

  it('quotes keys that are not identifiers and decodes JSON Pointer escapes', () => {
    const validator = compileJsonSchema({
      schema: { properties: { 'a/b': { type: 'string' }, 'c~d': { type: 'string' } } },
      cache: false,
    });
    const result = validator.validate({ 'a/b': 1, 'c~d': 2 });
    expect(result.valid ? [] : result.issues.map((i) => i.path)).toEqual(['$["a/b"]', '$["c~d"]']);
  });
});

describe('compileJsonSchema: configuration errors', () => {
  it('a schema that does not compile is a ConfigError naming `schema`', () => {
    const error = configError(() => compileJsonSchema({ schema: { type: 'nope' }, cache: false }));
    expect(error.field).toBe('schema');
    expect(error.message).toMatch(/^schema: does not compile as draft 2020-12/);
  });

  it('rejects non-schemas, cycles and $async', () => {
    expect(configError(() => compileJsonSchema({ schema: [] as never })).field).toBe('schema');
    expect(configError(() => compileJsonSchema({ schema: 'string' as never })).field).toBe('schema');
    const cyclic: { [key: string]: unknown } = { type: 'object' };
    cyclic.properties = { self: cyclic };
    expect(configError(() => compileJsonSchema({ schema: cyclic })).message).toMatch(/cycle/);
    expect(configError(() => compileJsonSchema({ schema: { $async: true } })).message).toMatch(/\$async/);
    expect(configError(() => compileJsonSchema({ schema: {}, defaultDraft: '03' as never })).field).toBe(
      'defaultDraft',
    );
  });

  it('never fetches a remote $ref: it fails at build time naming the reference', () => {
    const error = configError(() =>
      compileJsonSchema({ schema: { $ref: 'https://schemas.example.com/person.json' }, cache: false }),
    );
    expect(error.field).toBe('schema');
    expect(error.message).toContain('"https://schemas.example.com/person.json"');
    expect(error.message).toContain('registry');
  });

  it('fails on an unresolvable local $ref too', () => {
    const error = configError(() => compileJsonSchema({ schema: { $ref: '#/$defs/missing' }, cache: false }));
    expect(error.field).toBe('schema');
  });

  it('an unknown $schema without a registry entry fails closed', () => {
    expect(
      configError(() => compileJsonSchema({ schema: { $schema: 'http://example.com/meta' }, cache: false })).field,
    ).toBe('schema');
  });
});

describe('compileJsonSchema: registry', () => {
  const person = {
    $id: 'https://schemas.example.com/person.json',
    type: 'object',
    properties: { name: { type: 'string' } },
    required: ['name'],
  };

  it('resolves $refs from a list of schemas with $id', () => {
    const validator = compileJsonSchema({
      schema: { type: 'array', items: { $ref: 'https://schemas.example.com/person.json' } },
      registry: [person],
      cache: false,
    });
    expect(validator.validate([{ name: 'Ann' }]).valid).toBe(true);
    expect(validator.validate([{}]).valid).toBe(false);
  });

  it('resolves $refs from a map of URI to schema, schemas without $id included', () => {
    const validator = compileJsonSchema({
      schema: { $ref: 'http://localhost:1234/integer.json' },
      registry: { 'http://localhost:1234/integer.json': { type: 'integer' } },
      cache: false,
    });
    expect(validator.validate(1).valid).toBe(true);
    expect(validator.validate('1').valid).toBe(false);
  });

  it('names the registry entry that is wrong', () => {
    expect(configError(() => compileJsonSchema({ schema: {}, registry: [{ type: 'string' }] })).field).toBe(
      'registry[0]',
    );
    const error = configError(() =>
      compileJsonSchema({ schema: {}, registry: { 'http://x/a': { type: 'nope' } }, cache: false }),
    );
    expect(error.field).toBe('registry["http://x/a"]');
    expect(configError(() => compileJsonSchema({ schema: {}, registry: 'x' as never, cache: false })).field).toBe(
      'registry',
    );
  });
});

describe('compileJsonSchema: cache', () => {
  it('returns the cached validator for the same schema, spelled in any key order', () => {
    const cache = createValidatorCache<ReturnType<typeof compileJsonSchema>>({ size: 4 });
    const first = compileJsonSchema({ schema: { type: 'object', required: ['a'] }, cache });
    const second = compileJsonSchema({ schema: { required: ['a'], type: 'object' }, cache });
    expect(second).toBe(first);
    expect(cache.size).toBe(1);
  });

  it('keys on the draft, the format setting and the registry as well as the schema', () => {
    const cache = createValidatorCache<ReturnType<typeof compileJsonSchema>>({ size: 8 });
    const schema = { type: 'string', format: 'email' };
    const a = compileJsonSchema({ schema, cache });
    const b = compileJsonSchema({ schema, cache, formats: false });
    const c = compileJsonSchema({ schema, cache, defaultDraft: '07' });
    const d = compileJsonSchema({ schema, cache, registry: { 'http://x/y': { type: 'string' } } });
    expect(new Set([a, b, c, d]).size).toBe(4);
    expect(b.validate('nope').valid).toBe(true);
    expect(a.validate('nope').valid).toBe(false);
  });

  it('is bounded and drops the least recently used entry', () => {
    const cache = createValidatorCache<string>({ size: 2 });
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
    expect(cache.size).toBe(2);
    expect(() => createValidatorCache({ size: 0 })).toThrow(RangeError);
  });

  it('hashes canonically', () => {
    expect(hashJson({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(hashJson({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(hashJson({ a: 1 })).not.toBe(hashJson({ a: 2 }));
  });
});
