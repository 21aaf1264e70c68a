import { ConfigError, type JsonSchema } from '@llm-cascade/core';
import type { Ajv, AnySchema, ErrorObject } from 'ajv';
import { createAjv, metaSchemasOf, metaValidator, releaseId } from './ajv-instance.ts';
import { issuesFromAjv } from './ajv-issues.ts';
import { BudgetExceededError, VALIDATION_BUDGET_MS, withBudget } from './budget.ts';
import { DEFAULT_DRAFT, detectDraft, JSON_SCHEMA_DRAFTS, type JsonSchemaDraft } from './draft.ts';
import { hasRefSiblings, upgradeTo2020 } from './draft-upgrade.ts';
import type { SchemaNode } from './fallback-index.ts';
import { compileFallback, needsFallback } from './fallback-validator.ts';
import { hasCustomMeta, idOf, type RegistryEntry, registryEntries, registryKey } from './registry.ts';
import type { PatternEngine } from './safe-pattern.ts';
import {
  canonicalJson,
  createValidatorCache,
  DEFAULT_CACHE_SIZE,
  hashText,
  type ValidatorCache,
} from './validator-cache.ts';

export { issuesFromAjv, MAX_ISSUES } from './ajv-issues.ts';

/**
 * Schemas that `$ref`s may point at, since remote references are never fetched: a map from URI to schema,
 * or a list of schemas that each carry an `$id` (`id` in draft-04).
 */
export type JsonSchemaRegistry = { readonly [uri: string]: JsonSchema } | readonly JsonSchema[];

/** One validation error, ready to show a model: `$.items[0].price` and `must be number`. */
export interface SchemaIssue {
  readonly path: string;
  readonly message: string;
}

/** The verdict on one parsed value: valid, or the errors (counted, and the first ones kept). */
export type JsonValidation =
  | { readonly valid: true }
  | {
      readonly valid: false;
      /** Every error the validator reported (ajv runs with `allErrors`). */
      readonly errorCount: number;
      /** The first errors, in order, at most `MAX_ISSUES`. */
      readonly issues: readonly SchemaIssue[];
    };

/** A compiled JSON Schema. Reuse it: compiling costs milliseconds, validating microseconds. */
export interface JsonSchemaValidator {
  /** The draft the schema was compiled under. */
  readonly draft: JsonSchemaDraft;
  /** The cache key: a hash of the schema, its draft, the format setting and the registry. */
  readonly key: string;
  /**
   * `ajv` (generated code, the fast path) or `fallback`: the package's own spec-conformant evaluator, used
   * for the features ajv gets wrong (`$dynamicRef`, `$recursiveRef`, `unevaluated*`, `enum: []`,
   * a `__proto__` property) and for schemas that overflow ajv's compiler.
   */
  readonly engine: 'ajv' | 'fallback';
  /** Validates an already parsed value. Synchronous; never throws for any JSON value. */
  validate(value: unknown): JsonValidation;
}

/** What `compileJsonSchema` compiles, and how; the same JSON-Schema options the gate takes. */
export interface CompileJsonSchemaOptions {
  /** A JSON Schema of draft 04, 06, 07, 2019-09 or 2020-12. */
  readonly schema: JsonSchema;
  /** The draft of a schema without `$schema`. Default 2020-12. */
  readonly defaultDraft?: JsonSchemaDraft;
  /** Schemas that `$ref`s may point at, preloaded by `$id`: nothing is ever fetched. */
  readonly registry?: JsonSchemaRegistry;
  /** Assert `format` (email, date-time, uri...) with ajv-formats, length-capped and linear. Default true. */
  readonly formats?: boolean;
  /**
   * How `pattern` and `patternProperties` run. `linear` (default): V8 for patterns it provably runs in
   * linear time, RE2 for the rest; a pattern RE2 cannot express (lookaround, backreference) fails to
   * compile. `ecmascript`: V8 for every pattern, as written: only for trusted schemas, since a
   * backtracking pattern can then stall the event loop on model text.
   */
  readonly patterns?: PatternEngine;
  /** Where compiled validators are kept; `false` compiles afresh. Default: one cache shared by the process. */
  readonly cache?: ValidatorCache<JsonSchemaValidator> | false;
}

const sharedCache: ValidatorCache<JsonSchemaValidator> = createValidatorCache({ size: DEFAULT_CACHE_SIZE });

/** The cache `compileJsonSchema` and `jsonSchemaGate` use unless given their own. */
export function defaultValidatorCache(): ValidatorCache<JsonSchemaValidator> {
  return sharedCache;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function missingRefOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const ref = (error as { missingRef?: unknown }).missingRef;
  return typeof ref === 'string' ? ref : undefined;
}

function failed(message: string): JsonValidation {
  return { valid: false, errorCount: 1, issues: [{ path: '$', message }] };
}

/** A compiled check: ajv's validate function, or the fallback evaluator shaped like one. */
interface CompiledCheck {
  (value: unknown): boolean | Promise<unknown>;
  errors?: ErrorObject[] | null;
}

function wrap(compiled: Compiled, draft: JsonSchemaDraft, key: string): JsonSchemaValidator {
  const validate = compiled.validate;
  return {
    draft,
    key,
    engine: compiled.engine,
    validate(value) {
      let valid: boolean;
      try {
        valid = withBudget(VALIDATION_BUDGET_MS, () => validate(value) === true);
      } catch (error) {
        // Fails closed, never escapes as a throw: a check past the time budget or a string over a length
        // cap (BudgetExceededError), or ajv recursing without end on some $dynamicRef schemas.
        if (error instanceof BudgetExceededError) return failed(`the value could not be checked: ${error.message}`);
        return failed(`the validator could not check this value: ${describeError(error)}`);
      }
      if (valid) return { valid: true };
      const errors = validate.errors ?? [];
      return { valid: false, errorCount: Math.max(1, errors.length), issues: issuesFromAjv(errors) };
    },
  };
}

function checkSchema(schema: unknown, field: string): asserts schema is JsonSchema {
  if (typeof schema === 'boolean') return;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new ConfigError(
      field,
      `must be a JSON Schema (an object or a boolean), got ${Array.isArray(schema) ? 'an array' : typeof schema}`,
    );
  }
  if ((schema as { $async?: unknown }).$async === true) {
    throw new ConfigError(
      field,
      '`$async` schemas are not supported: the gate adds no asynchronous keywords or formats',
    );
  }
}

/**
 * Compiles a JSON Schema with ajv (`strict: false`, `allErrors: true`, formats from ajv-formats), choosing
 * the draft from `$schema` or `defaultDraft`, and keeps the result in a bounded LRU cache keyed by a hash of
 * the schema. Exported for benchmarks and callers that validate parsed values themselves.
 *
 * Fails closed, at build time: a schema that does not compile, or a `$ref` that nothing in `registry`
 * resolves, throws `ConfigError` naming `schema`. Remote references are never fetched.
 */
export function compileJsonSchema(options: CompileJsonSchemaOptions): JsonSchemaValidator {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  const field = 'schema';
  const { schema } = options;
  checkSchema(schema, field);
  const defaultDraft = options.defaultDraft ?? DEFAULT_DRAFT;
  if (!JSON_SCHEMA_DRAFTS.includes(defaultDraft)) {
    throw new ConfigError(
      'defaultDraft',
      `must be one of ${JSON_SCHEMA_DRAFTS.join(', ')}, got ${JSON.stringify(defaultDraft)}`,
    );
  }
  const formats = options.formats ?? true;
  const patterns = options.patterns ?? 'linear';
  if (patterns !== 'linear' && patterns !== 'ecmascript') {
    throw new ConfigError('patterns', `must be 'linear' or 'ecmascript', got ${JSON.stringify(patterns)}`);
  }
  const draft = detectDraft(schema) ?? defaultDraft;
  let canonical: string;
  try {
    canonical = canonicalJson(schema);
  } catch (error) {
    throw new ConfigError(field, `is not a JSON document: ${describeError(error)}`, { cause: error });
  }
  const schemaKey = hashText(canonical);
  if (options.registry !== undefined && (typeof options.registry !== 'object' || options.registry === null)) {
    throw new ConfigError('registry', 'must be a map from URI to schema, or an array of schemas with `$id`');
  }
  let regKey: string;
  try {
    regKey = registryKey(options.registry);
  } catch (error) {
    throw new ConfigError('registry', `is not a JSON document: ${describeError(error)}`, { cause: error });
  }
  const key = `${draft}:${formats ? 'f' : '-'}:${patterns === 'linear' ? 'l' : 'e'}:${regKey}:${schemaKey}`;
  const cache = options.cache === false ? undefined : (options.cache ?? sharedCache);
  const cached = cache?.get(key);
  if (cached !== undefined) return cached;

  const entries = registryEntries(options.registry);
  // ajv caches by object identity: compiling a private copy keeps a caller's later edits from reaching a
  // compiled validator.
  const copy = JSON.parse(canonical) as JsonSchema;
  let validate: Compiled;
  try {
    validate = compileIsolated({ schema: copy, draft, formats, patterns, entries, registryKey: regKey });
  } catch (error) {
    if (ConfigError.isInstance(error)) throw error;
    const missing = missingRefOf(error);
    if (missing !== undefined) {
      throw new ConfigError(
        field,
        `cannot resolve $ref ${JSON.stringify(missing)}: remote references are never fetched; preload it with the \`registry\` option`,
        { cause: error },
      );
    }
    throw new ConfigError(field, `does not compile as draft ${draft}: ${describeError(error)}`, { cause: error });
  }
  const validator = wrap(validate, draft, key);
  cache?.set(key, validator);
  return validator;
}

interface IsolatedCompile {
  readonly schema: JsonSchema;
  readonly draft: JsonSchemaDraft;
  readonly formats: boolean;
  readonly patterns: PatternEngine;
  readonly entries: readonly RegistryEntry[];
  readonly registryKey: string;
}

const checkedRegistries = createValidatorCache<true>({ size: 64 });

/** Checks a schema against its draft's meta-schema on the shared meta instance, which never keeps it. */
function checkAgainstMeta(schema: JsonSchema, draft: JsonSchemaDraft, formats: boolean, field: string): void {
  const meta = metaValidator(draft, formats);
  let valid: boolean;
  try {
    valid = meta.validateSchema(schema as AnySchema) === true;
  } catch (error) {
    throw new ConfigError(field, `does not compile as draft ${draft}: ${describeError(error)}`, { cause: error });
  }
  if (!valid) {
    throw new ConfigError(
      field,
      `does not compile as draft ${draft}: ${meta.errorsText(meta.errors, { dataVar: 'schema' })}`,
    );
  }
}

/**
 * Compiles on an ajv instance of its own, holding only this schema and its registry: nothing another gate
 * compiled can answer its `$ref`s, a schema claiming a meta-schema's `$id` spoils nothing after it, and
 * the instance is freed with the validator. When the registry mixes drafts (or a draft 04-07 schema has
 * `$ref` siblings those drafts ignore), every schema is rewritten as draft 2020-12 and read by that class.
 */
interface Compiled {
  readonly validate: CompiledCheck;
  readonly engine: 'ajv' | 'fallback';
}

function compileIsolated(job: IsolatedCompile): Compiled {
  const { schema, draft, formats, patterns, entries } = job;
  const customMeta = hasCustomMeta(schema);
  if (!customMeta) checkAgainstMeta(schema, draft, formats, 'schema');
  // A registry is checked once per draft and format setting, not on every compile that uses it.
  const checked = `${job.registryKey}:${draft}:${formats ? 'f' : '-'}`;
  if (entries.length > 0 && checkedRegistries.get(checked) === undefined) {
    for (const entry of entries) {
      if (!entry.customMeta) checkAgainstMeta(entry.schema, entry.draft ?? draft, formats, entry.field);
    }
    checkedRegistries.set(checked, true);
  }
  const older = (from: JsonSchemaDraft): boolean => from !== '2019-09' && from !== '2020-12';
  const fallback = needsFallback(
    schema as SchemaNode,
    entries.map((entry) => ({ schema: entry.schema as SchemaNode, uri: entry.uri })),
  );
  const translate =
    entries.some((entry) => (entry.draft ?? draft) !== draft) ||
    hasRefSiblings(schema, draft) ||
    entries.some((entry) => hasRefSiblings(entry.schema, entry.draft ?? draft)) ||
    (fallback && older(draft));
  const engineDraft = translate ? '2020-12' : draft;
  const read = (source: JsonSchema, from: JsonSchemaDraft, field: string): JsonSchema => {
    if (!translate) return source;
    try {
      return upgradeTo2020(source, from);
    } catch (error) {
      throw new ConfigError(field, `cannot be read beside schemas of another draft: ${describeError(error)}`, {
        cause: error,
      });
    }
  };
  const root = read(schema, draft, 'schema');
  const registry = entries.map((entry) => ({
    schema: read(entry.schema, entry.draft ?? draft, entry.field) as SchemaNode,
    uri: entry.uri,
  }));
  const viaFallback = (): Compiled => ({
    validate: compileFallback({
      schema: root as SchemaNode,
      registry,
      dialect: engineDraft === '2019-09' ? '2019-09' : '2020-12',
      formats,
      patterns,
      metaSchemas: metaSchemasOf(engineDraft),
    }),
    engine: 'fallback',
  });
  if (fallback && !customMeta) return viaFallback();
  const ajv = createAjv({ draft: engineDraft, formats, validateSchema: customMeta, patterns });
  for (const id of [idOf(root), ...entries.flatMap((entry) => [entry.uri, idOf(entry.schema)])]) {
    if (id !== undefined) releaseId(ajv, id);
  }
  entries.forEach((entry, index) => {
    addEntry(ajv, registry[index]?.schema as JsonSchema, entry);
  });
  try {
    return { validate: ajv.compile(root as AnySchema), engine: 'ajv' };
  } catch (error) {
    // ajv's compiler recurses without end on some relative-URI reference layouts; the evaluator does not.
    if (error instanceof RangeError && !customMeta) return viaFallback();
    throw error;
  }
}

function addEntry(ajv: Ajv, schema: JsonSchema, entry: RegistryEntry): void {
  try {
    ajv.addSchema(schema as AnySchema, entry.uri);
  } catch (error) {
    throw new ConfigError(entry.field, `is not a usable schema: ${describeError(error)}`, { cause: error });
  }
}
