import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ConfigError, type JsonSchema } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { retainedCompiledSchemas } from './ajv-instance.ts';
import { compileJsonSchema, type JsonSchemaValidator } from './compile-schema.ts';
import { createValidatorCache } from './validator-cache.ts';

const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('every compile is isolated', () => {
  it('a schema that reuses a meta-schema $id compiles, and spoils nothing compiled after it', () => {
    const copied = { $schema: DRAFT_07, $id: DRAFT_07, type: 'object', required: ['a'] };
    for (const cache of [false, undefined] as const) {
      const first = compileJsonSchema({ schema: copied, ...(cache === false ? { cache } : {}) });
      expect(first.validate({ a: 1 }).valid).toBe(true);
      expect(first.validate({}).valid).toBe(false);
    }
    // Every later schema of that draft still compiles and validates.
    for (let index = 0; index < 5; index += 1) {
      const later = compileJsonSchema({
        schema: { $schema: DRAFT_07, type: 'string', maxLength: index },
        cache: false,
      });
      expect(later.validate('x'.repeat(index)).valid).toBe(true);
      expect(later.validate('x'.repeat(index + 1)).valid).toBe(false);
    }
    const draft04 = { $schema: DRAFT_04, id: DRAFT_04, type: 'number' };
    expect(compileJsonSchema({ schema: draft04, cache: false }).validate(1).valid).toBe(true);
    expect(compileJsonSchema({ schema: { $schema: DRAFT_04, type: 'string' }, cache: false }).validate('a').valid).toBe(
      true,
    );
  });

  it('a $ref never resolves to a schema another gate compiled earlier', () => {
    const elsewhere = { $id: 'https://schemas.example.com/leak.json', type: 'string' };
    expect(compileJsonSchema({ schema: elsewhere, cache: false }).validate('a').valid).toBe(true);
    const error = configError(() =>
      compileJsonSchema({ schema: { $ref: 'https://schemas.example.com/leak.json' }, cache: false }),
    );
    expect(error.field).toBe('schema');
    expect(error.message).toContain('"https://schemas.example.com/leak.json"');
    // With its own registry the same reference resolves, to the registry's schema.
    const registry = [{ $id: 'https://schemas.example.com/leak.json', type: 'integer' }];
    const own = compileJsonSchema({
      schema: { $ref: 'https://schemas.example.com/leak.json' },
      registry,
      cache: false,
    });
    expect(own.validate(1).valid).toBe(true);
    expect(own.validate('a').valid).toBe(false);
  });

  it('two schemas with the same $id live side by side, each with its own content', () => {
    const a = compileJsonSchema({
      schema: { $id: 'https://schemas.example.com/same.json', type: 'string' },
      cache: false,
    });
    const b = compileJsonSchema({
      schema: { $id: 'https://schemas.example.com/same.json', type: 'number' },
      cache: false,
    });
    expect([a.validate('x').valid, a.validate(1).valid, b.validate('x').valid, b.validate(1).valid]).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });
});

describe('a registry may mix drafts', () => {
  it('a draft-04 schema in a draft-07 schema registry keeps draft-04 meaning', () => {
    const price = {
      $schema: DRAFT_04,
      id: 'https://schemas.example.com/price.json',
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
    };
    const validator = compileJsonSchema({
      schema: { $schema: DRAFT_07, type: 'object', properties: { price: { $ref: price.id } }, required: ['price'] },
      registry: [price],
      cache: false,
    });
    expect(validator.draft).toBe('07');
    expect(validator.validate({ price: 1 }).valid).toBe(true);
    expect(validator.validate({ price: 0 }).valid).toBe(false);
    expect(validator.validate({ price: 'x' }).valid).toBe(false);
  });

  it('draft-07 tuples and dependencies in a 2020-12 registry, and draft-04 keywords it does not know stay inert', () => {
    const registry: { [uri: string]: JsonSchema } = {
      'https://schemas.example.com/pair.json': {
        $schema: DRAFT_07,
        type: 'array',
        items: [{ type: 'string' }, { type: 'number' }],
        additionalItems: false,
      },
      'https://schemas.example.com/card.json': {
        $schema: DRAFT_07,
        type: 'object',
        dependencies: { card: ['billing'], gift: { required: ['to'] } },
      },
      // `const` is not a draft-04 keyword: there it is an annotation, so 2 passes.
      'https://schemas.example.com/old.json': { $schema: DRAFT_04, type: 'integer', const: 1 },
    };
    const validator = compileJsonSchema({
      schema: {
        type: 'object',
        properties: {
          pair: { $ref: 'https://schemas.example.com/pair.json' },
          card: { $ref: 'https://schemas.example.com/card.json' },
          old: { $ref: 'https://schemas.example.com/old.json' },
        },
      },
      registry,
      cache: false,
    });
    expect(validator.draft).toBe('2020-12');
    expect(validator.validate({ pair: ['a', 1], card: { card: 1, billing: 2 }, old: 2 }).valid).toBe(true);
    expect(validator.validate({ pair: ['a', 1, 2] }).valid).toBe(false);
    expect(validator.validate({ pair: [1, 'a'] }).valid).toBe(false);
    expect(validator.validate({ card: { card: 1 } }).valid).toBe(false);
    expect(validator.validate({ card: { gift: 1 } }).valid).toBe(false);
    expect(validator.validate({ old: 1.5 }).valid).toBe(false);
  });

  it('a bad entry of another draft is named by its field', () => {
    const error = configError(() =>
      compileJsonSchema({
        schema: { $schema: DRAFT_07, $ref: 'https://schemas.example.com/bad.json' },
        registry: [{ $schema: DRAFT_04, id: 'https://schemas.example.com/bad.json', type: 'nope' }],
        cache: false,
      }),
    );
    expect(error.field).toBe('registry[0]');
  });

  it('draft 04-07: keywords beside $ref are ignored, as those drafts say', () => {
    const validator = compileJsonSchema({
      schema: { $schema: DRAFT_07, definitions: { a: { type: 'integer' } }, $ref: '#/definitions/a', maximum: 3 },
      cache: false,
    });
    expect(validator.validate(5).valid).toBe(true);
    expect(validator.validate('5').valid).toBe(false);
  });
});

describe('memory follows the validators in use', () => {
  it('compiled schemas retained by the process stay bounded by the cache, however many are compiled', async () => {
    setFlagsFromString('--expose_gc');
    // V8's eval compilation cache keeps generated validator code (and through it, the ajv instance that
    // made it) for a while at its own discretion; that is V8's memory, measured in the README. Off here, so
    // the count is what this package retains, deterministically.
    setFlagsFromString('--no-compilation-cache');
    const gc = runInNewContext('gc') as () => void;
    const settle = async (): Promise<void> => {
      // WeakRefs made in this turn keep their targets alive until it ends; collect in a later one.
      for (let round = 0; round < 3; round += 1) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        gc();
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    };
    const cache = createValidatorCache<JsonSchemaValidator>({ size: 8 });
    const compile = (index: number): JsonSchemaValidator =>
      compileJsonSchema({ schema: { type: 'object', properties: { [`k${index}`]: { type: 'string' } } }, cache });
    for (let index = 0; index < 16; index += 1) compile(index);
    await settle();
    const warm = retainedCompiledSchemas();
    for (let index = 16; index < 416; index += 1) compile(index);
    await settle();
    const after = retainedCompiledSchemas();
    // 400 more compiles, 8 cached validators: the retained count does not grow with the compiles.
    expect(after.schemas - warm.schemas).toBeLessThanOrEqual(8);
    expect(after.instances - warm.instances).toBeLessThanOrEqual(8);
    expect(cache.size).toBe(8);
    // Hundreds of compiles take seconds on a loaded machine.
  }, 60_000);
});
