import { ConfigError, type JsonSchema } from '@llm-cascade/core';
import { Ajv, type Options as AjvOptions, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import draft06MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { DEFAULT_DRAFT, detectDraft, JSON_SCHEMA_DRAFTS, type JsonSchemaDraft } from './draft.ts';
import { formatPath, pointerSegments } from './json-path.ts';
import {
  canonicalJson,
  createValidatorCache,
  DEFAULT_CACHE_SIZE,
  hashJson,
  hashText,
  type ValidatorCache,
} from './validator-cache.ts';

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
  /** Assert `format` (email, date-time, uri...) with ajv-formats. Default true. */
  readonly formats?: boolean;
  /** Where compiled validators are kept; `false` compiles afresh. Default: one cache shared by the process. */
  readonly cache?: ValidatorCache<JsonSchemaValidator> | false;
}

/** At most this many issues are kept from one validation; the count of all of them is kept too. */
export const MAX_ISSUES = 100;

type AjvInstance = Pick<Ajv, 'compile' | 'addSchema' | 'addMetaSchema' | 'removeSchema'>;

const sharedCache: ValidatorCache<JsonSchemaValidator> = createValidatorCache({ size: DEFAULT_CACHE_SIZE });

/** The cache `compileJsonSchema` and `jsonSchemaGate` use unless given their own. */
export function defaultValidatorCache(): ValidatorCache<JsonSchemaValidator> {
  return sharedCache;
}

function createAjv(draft: JsonSchemaDraft, formats: boolean): AjvInstance {
  // strict: false because real schemas carry keywords ajv does not know (OpenAI's, descriptions, examples).
  // ownProperties: without it `required: ['constructor']` is met by `{}` through the prototype.
  const options: AjvOptions = { strict: false, allErrors: true, validateFormats: formats, ownProperties: true };
  let ajv: AjvInstance;
  switch (draft) {
    case '04':
      ajv = new AjvDraft04.default(options);
      break;
    case '06': {
      // Draft-06 is draft-07 without if/then/else and a few annotations; ajv validates it with the 07 class.
      const draft07 = new Ajv(options);
      draft07.addMetaSchema(draft06MetaSchema);
      ajv = draft07;
      break;
    }
    case '07':
      ajv = new Ajv(options);
      break;
    case '2019-09':
      ajv = new Ajv2019(options);
      break;
    case '2020-12':
      ajv = new Ajv2020(options);
      break;
  }
  if (formats) addFormats.default(ajv as Ajv);
  return ajv;
}

interface PooledAjv {
  readonly ajv: AjvInstance;
  compiled: number;
}

// Creating an ajv instance and compiling its meta-schema costs 10-30 ms; compiling one schema on a warm
// instance about 1 ms. So instances are pooled per (draft, formats, registry). Each compiled schema stays
// referenced by its instance, so an instance is retired after RETIRE_AFTER schemas: memory then follows the
// validators still in use, which keep their own instance alive.
const POOL_SIZE = 16;
const RETIRE_AFTER = 256;
const pool = createValidatorCache<PooledAjv>({ size: POOL_SIZE });

function newInstance(draft: JsonSchemaDraft, formats: boolean, registry: JsonSchemaRegistry | undefined): AjvInstance {
  const ajv = createAjv(draft, formats);
  if (registry !== undefined) loadRegistry(ajv, registry, 'registry');
  return ajv;
}

function isIdCollision(error: unknown): boolean {
  return error instanceof Error && /already exists/.test(error.message);
}

function compileOnPooled(
  instanceKey: string,
  draft: JsonSchemaDraft,
  formats: boolean,
  registry: JsonSchemaRegistry | undefined,
  schema: AnySchema,
): ValidateFunction {
  let pooled = pool.get(instanceKey);
  if (pooled === undefined) {
    pooled = { ajv: newInstance(draft, formats, registry), compiled: 0 };
    pool.set(instanceKey, pooled);
  }
  pooled.compiled += 1;
  if (pooled.compiled >= RETIRE_AFTER) pool.delete(instanceKey);
  try {
    return pooled.ajv.compile(schema);
  } catch (error) {
    // A failed compile may have registered the schema's $id; take it back so the instance stays clean.
    pooled.ajv.removeSchema(schema);
    // Another schema with the same $id lives on the pooled instance: this one gets an instance of its own.
    if (isIdCollision(error)) return newInstance(draft, formats, registry).compile(schema);
    throw error;
  }
}

const registryKeys = new WeakMap<object, string>();

function registryKey(registry: JsonSchemaRegistry | undefined): string {
  if (registry === undefined) return '';
  let key = registryKeys.get(registry);
  if (key === undefined) {
    key = hashJson(registry);
    registryKeys.set(registry, key);
  }
  return key;
}

function idOf(schema: JsonSchema): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const id = schema.$id ?? schema.id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function missingRefOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const ref = (error as { missingRef?: unknown }).missingRef;
  return typeof ref === 'string' ? ref : undefined;
}

function loadRegistry(ajv: AjvInstance, registry: JsonSchemaRegistry, field: string): void {
  if (Array.isArray(registry)) {
    registry.forEach((schema: JsonSchema, index) => {
      const id = idOf(schema);
      if (id === undefined) throw new ConfigError(`${field}[${index}]`, 'needs an `$id` to be referenced by');
      addOne(ajv, schema, undefined, `${field}[${index}]`);
    });
    return;
  }
  for (const [uri, schema] of Object.entries(registry as { readonly [uri: string]: JsonSchema })) {
    addOne(ajv, schema, uri, `${field}[${JSON.stringify(uri)}]`);
  }
}

function addOne(ajv: AjvInstance, schema: JsonSchema, uri: string | undefined, field: string): void {
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    throw new ConfigError(field, 'must be a JSON Schema (an object or a boolean)');
  }
  try {
    ajv.addSchema(schema as AnySchema, uri);
  } catch (error) {
    throw new ConfigError(field, `is not a usable schema: ${describeError(error)}`, { cause: error });
  }
}

function messageOf(error: ErrorObject): string {
  const base = error.message ?? `fails "${error.keyword}"`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${base}: ${JSON.stringify(params.additionalProperty)}`;
    case 'unevaluatedProperties':
      return `${base}: ${JSON.stringify(params.unevaluatedProperty)}`;
    case 'enum': {
      const allowed = JSON.stringify(params.allowedValues);
      return `${base}: ${allowed.length > 120 ? `${allowed.slice(0, 119)}…` : allowed}`;
    }
    case 'const': {
      const allowed = JSON.stringify(params.allowedValue) ?? 'undefined';
      return `${base}: ${allowed.length > 120 ? `${allowed.slice(0, 119)}…` : allowed}`;
    }
    default:
      return base;
  }
}

/** Turns ajv's errors into path-and-message issues, dropping exact repeats (anyOf branches repeat a lot). */
export function issuesFromAjv(errors: readonly ErrorObject[]): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (issues.length >= MAX_ISSUES) break;
    const issue = { path: formatPath(pointerSegments(error.instancePath)), message: messageOf(error) };
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function wrap(validate: ValidateFunction, draft: JsonSchemaDraft, key: string): JsonSchemaValidator {
  return {
    draft,
    key,
    validate(value) {
      let valid: boolean;
      try {
        valid = validate(value) === true;
      } catch (error) {
        // ajv can recurse without end on some $dynamicRef schemas; that fails the value, closed, and never
        // escapes as a throw.
        const message = `the validator could not check this value: ${describeError(error)}`;
        return { valid: false, errorCount: 1, issues: [{ path: '$', message }] };
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
  const key = `${draft}:${formats ? 'f' : '-'}:${regKey}:${schemaKey}`;
  const cache = options.cache === false ? undefined : (options.cache ?? sharedCache);
  const cached = cache?.get(key);
  if (cached !== undefined) return cached;

  // ajv caches by object identity: compiling a private copy keeps a caller's later edits from reaching a
  // compiled validator, and gives every distinct schema its own entry.
  const copy = JSON.parse(canonical) as AnySchema;
  const instanceKey = `${draft}:${formats ? 'f' : '-'}:${regKey}`;
  let validate: ValidateFunction;
  try {
    validate = compileOnPooled(instanceKey, draft, formats, options.registry, copy);
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
