import {
  ConfigError,
  type Gate,
  type GateContext,
  type GateResult,
  type JsonSchema,
  type ResponseFormat,
} from '@llm-cascade/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import {
  compileJsonSchema,
  type JsonSchemaRegistry,
  type JsonSchemaValidator,
  type JsonValidation,
} from './compile-schema.ts';
import type { JsonSchemaDraft } from './draft.ts';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_KEYS,
  DEFAULT_MAX_VALUES,
  extractJson,
} from './extract-json.ts';
import { DEFAULT_MAX_FEEDBACK_ERRORS, extractionFeedback, schemaFeedback } from './feedback.ts';
import type { InferSchemaValue } from './infer-schema.ts';
import type { PatternEngine } from './safe-pattern.ts';
import { deriveJsonSchema, isStandardSchema, type StandardValidation, validateStandard } from './standard-schema.ts';
import type { ValidatorCache } from './validator-cache.ts';

/** The highest `maxDepth` accepted: deeper values would strain the validator's own recursion. */
export const MAX_DEPTH_LIMIT = 4096;

/** How the gate describes its schema to providers that support structured output. */
export interface ResponseFormatOptions {
  /** The schema's name; OpenAI requires `^[A-Za-z0-9_-]{1,64}$`. Default `response`. */
  readonly name?: string;
  /** OpenAI's strict mode; only some schemas qualify, so it is opt-in. */
  readonly strict?: boolean;
  /**
   * The JSON Schema to send instead of the derived one: for a Standard Schema whose library has no
   * converter, or to send a provider-friendly variant.
   */
  readonly schema?: JsonSchema;
}

/** Options of `jsonSchemaGate`. Only `schema` is required; every other option has a safe default. */
export interface JsonSchemaGateOptions<TSchema extends JsonSchema | StandardSchemaV1> {
  /**
   * A JSON Schema (draft 04, 06, 07, 2019-09 or 2020-12, detected from `$schema`) or a Standard Schema
   * (zod 4, valibot, arktype). Write a JSON Schema inline or `as const` to get a typed `value`.
   */
  readonly schema: TSchema;
  /** Names the gate in attempts, traces and repairs. Default `json-schema`. */
  readonly name?: string;
  /** The draft of a JSON Schema without `$schema`. Default 2020-12. */
  readonly defaultDraft?: JsonSchemaDraft;
  /** Schemas that `$ref`s may point at, preloaded by `$id` or URI: remote references are never fetched. */
  readonly registry?: JsonSchemaRegistry;
  /** Assert JSON Schema `format`s (email, date-time, uri, ...) with ajv-formats. Default true. */
  readonly formats?: boolean;
  /**
   * How schema `pattern`s run: `linear` (default; V8 for provably linear patterns, RE2 for the rest, so no
   * pattern can stall on model text) or `ecmascript` (V8 for all, for trusted schemas using lookaround).
   */
  readonly patterns?: PatternEngine;
  /** Answers over this many UTF-8 bytes fail with `too-large`, unparsed. Default 1 MiB. */
  readonly maxBytes?: number;
  /** Nesting deeper than this fails with `too-deep`, checked before parsing. Default 256, at most 4096. */
  readonly maxDepth?: number;
  /** More values (array elements, object members) than this fail with `too-large`, before parsing. Default 100,000. */
  readonly maxValues?: number;
  /** More object keys than this fail with `too-large`, before parsing. Default 10,000. */
  readonly maxKeys?: number;
  /** Errors listed in the repair feedback; the rest are counted. Default 10. */
  readonly maxFeedbackErrors?: number;
  /** Where compiled JSON Schema validators are kept; `false` compiles afresh. Default: a process-wide LRU of 128. */
  readonly cache?: ValidatorCache<JsonSchemaValidator> | false;
  /** The structured-output request the gate offers providers; `false` offers none. */
  readonly responseFormat?: ResponseFormatOptions | false;
}

/** A JSON-schema gate: a core `Gate` plus what it was built from. */
export interface JsonSchemaGate<TValue = unknown> extends Gate<TValue> {
  /** `json-schema` for ajv, else the Standard Schema vendor (`zod`, `valibot`, `arktype`). */
  readonly validator: string;
  /** The draft a JSON Schema compiled under; undefined for a Standard Schema. */
  readonly draft: JsonSchemaDraft | undefined;
  /**
   * Checks a raw answer exactly as `evaluate` does, without a gate context: extraction, caps, validation.
   * Synchronous for a JSON Schema; a Standard Schema may answer with a Promise.
   */
  check(text: string): GateResult<TValue> | Promise<GateResult<TValue>>;
}

const RESPONSE_FORMAT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function checkInteger(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}

function checkOptions(options: unknown): asserts options is JsonSchemaGateOptions<JsonSchema | StandardSchemaV1> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  const o = options as { [key: string]: unknown };
  if (o.schema === undefined) throw new ConfigError('schema', 'is required: a JSON Schema or a Standard Schema');
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name.length === 0)) {
    throw new ConfigError('name', 'must be a non-empty string');
  }
  checkInteger('maxBytes', o.maxBytes, 1);
  checkInteger('maxDepth', o.maxDepth, 1, MAX_DEPTH_LIMIT);
  checkInteger('maxValues', o.maxValues, 1);
  checkInteger('maxKeys', o.maxKeys, 1);
  checkInteger('maxFeedbackErrors', o.maxFeedbackErrors, 1, 1000);
  if (o.formats !== undefined && typeof o.formats !== 'boolean') throw new ConfigError('formats', 'must be a boolean');
  if (o.patterns !== undefined && o.patterns !== 'linear' && o.patterns !== 'ecmascript') {
    throw new ConfigError('patterns', "must be 'linear' or 'ecmascript'");
  }
  if (o.cache !== undefined && o.cache !== false) {
    const cache = o.cache as { get?: unknown; set?: unknown } | null;
    if (
      typeof cache !== 'object' ||
      cache === null ||
      typeof cache.get !== 'function' ||
      typeof cache.set !== 'function'
    ) {
      throw new ConfigError('cache', 'must be a ValidatorCache (see createValidatorCache) or false');
    }
  }
  const format = o.responseFormat;
  if (format !== undefined && format !== false) {
    if (typeof format !== 'object' || format === null)
      throw new ConfigError('responseFormat', 'must be an object or false');
    const { name, strict, schema } = format as { name?: unknown; strict?: unknown; schema?: unknown };
    if (name !== undefined && (typeof name !== 'string' || !RESPONSE_FORMAT_NAME.test(name))) {
      throw new ConfigError('responseFormat.name', 'must be 1 to 64 letters, digits, underscores or dashes');
    }
    if (strict !== undefined && typeof strict !== 'boolean')
      throw new ConfigError('responseFormat.strict', 'must be a boolean');
    if (
      schema !== undefined &&
      typeof schema !== 'boolean' &&
      (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    ) {
      throw new ConfigError('responseFormat.schema', 'must be a JSON Schema (an object or a boolean)');
    }
  }
}

function buildResponseFormat(options: ResponseFormatOptions | undefined, schema: JsonSchema): ResponseFormat {
  return {
    type: 'json_schema',
    schema,
    name: options?.name ?? 'response',
    ...(options?.strict === undefined ? {} : { strict: options.strict }),
  };
}

/**
 * A gate that passes when the answer holds JSON valid against a schema, and passes the parsed value on.
 *
 * - Takes a JSON Schema (any draft from 04 to 2020-12, validated by ajv with formats) or a Standard Schema
 *   (zod 4, valibot, arktype, validated through `~standard.validate`).
 * - Finds the JSON in raw model text (code fences, prose around it, a BOM), with a size cap and a nesting
 *   cap checked before parsing; nothing is evaluated.
 * - Fails with reason `no-json`, `invalid-json`, `schema-invalid`, `too-large` or `too-deep`, and feedback
 *   listing the errors (path and message) for a repair. It never throws for model output.
 * - Offers providers a `responseFormat`: the JSON Schema itself, or one derived by the Standard Schema
 *   library's own converter when it has one.
 *
 * Bad configuration throws `ConfigError` naming the field when the gate is built: a schema that does not
 * compile, or a `$ref` the `registry` does not resolve (remote references are never fetched).
 *
 * Misuse: the gate validates the *first* JSON value in the answer, so ask for one value. A Standard Schema
 * whose own code throws (a refinement that assumes its input) is recorded by the engine as `gate-error`.
 *
 * @example
 * const gate = jsonSchemaGate({
 *   schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
 * });
 * // gate: JsonSchemaGate<{ city: string; [x: string]: unknown }>
 */
export function jsonSchemaGate<const TSchema extends JsonSchema | StandardSchemaV1>(
  options: JsonSchemaGateOptions<TSchema>,
): JsonSchemaGate<InferSchemaValue<TSchema>> {
  checkOptions(options);
  type TValue = InferSchemaValue<TSchema>;
  const name = options.name ?? 'json-schema';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxValues = options.maxValues ?? DEFAULT_MAX_VALUES;
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const maxFeedbackErrors = options.maxFeedbackErrors ?? DEFAULT_MAX_FEEDBACK_ERRORS;
  const formatOptions = options.responseFormat === false ? undefined : options.responseFormat;
  const schema: unknown = options.schema;

  let validateValue: (value: unknown) => JsonValidation | StandardValidation | Promise<StandardValidation>;
  let responseFormat: ResponseFormat | undefined;
  let validatorName: string;
  let draft: JsonSchemaDraft | undefined;

  if (isStandardSchema(schema)) {
    for (const field of ['defaultDraft', 'registry', 'formats', 'patterns', 'cache'] as const) {
      if (options[field] !== undefined) {
        throw new ConfigError(field, 'applies to JSON Schemas only; this schema is a Standard Schema');
      }
    }
    validatorName = schema['~standard'].vendor;
    draft = undefined;
    validateValue = (value) => validateStandard(schema, value);
    if (options.responseFormat !== false) {
      if (formatOptions?.schema !== undefined) {
        responseFormat = buildResponseFormat(formatOptions, formatOptions.schema);
      } else {
        const derived = deriveJsonSchema(schema);
        if (derived.ok) {
          responseFormat = buildResponseFormat(formatOptions, derived.schema);
        } else if (formatOptions !== undefined) {
          // Asked for explicitly, so a missing converter is an error rather than a quiet omission.
          throw new ConfigError(
            'responseFormat',
            `${derived.message}; pass \`responseFormat.schema\` or \`responseFormat: false\``,
          );
        }
      }
    }
  } else {
    const validator = compileJsonSchema({
      schema: schema as JsonSchema,
      ...(options.defaultDraft === undefined ? {} : { defaultDraft: options.defaultDraft }),
      ...(options.registry === undefined ? {} : { registry: options.registry }),
      ...(options.formats === undefined ? {} : { formats: options.formats }),
      ...(options.patterns === undefined ? {} : { patterns: options.patterns }),
      ...(options.cache === undefined ? {} : { cache: options.cache }),
    });
    validatorName = 'json-schema';
    draft = validator.draft;
    validateValue = (value) => validator.validate(value);
    if (options.responseFormat !== false) {
      const sent = formatOptions?.schema ?? (schema as JsonSchema);
      // A boolean schema (`true`: any JSON) asks a provider for nothing it can enforce.
      if (typeof sent !== 'boolean') responseFormat = buildResponseFormat(formatOptions, sent);
    }
  }

  const details = draft === undefined ? { validator: validatorName } : { validator: validatorName, draft };

  const verdict = (
    outcome: JsonValidation | StandardValidation,
    parsed: unknown,
    source: string,
  ): GateResult<TValue> => {
    if (outcome.valid) {
      const value = 'value' in outcome ? outcome.value : parsed;
      return { status: 'pass', reason: 'ok', value: value as TValue, details: { ...details, source } };
    }
    return {
      status: 'fail',
      reason: 'schema-invalid',
      feedback: schemaFeedback(outcome.issues, outcome.errorCount, maxFeedbackErrors),
      details: { ...details, source, errors: outcome.errorCount },
    };
  };

  const check = (text: string): GateResult<TValue> | Promise<GateResult<TValue>> => {
    const extracted = extractJson(text, { maxBytes, maxDepth, maxValues, maxKeys });
    if (!extracted.ok) {
      return {
        status: 'fail',
        reason: extracted.reason,
        feedback: extractionFeedback(extracted.reason, extracted.message),
        details: { ...details, error: extracted.message },
      };
    }
    const outcome = validateValue(extracted.value);
    if (outcome instanceof Promise)
      return outcome.then((settled) => verdict(settled, extracted.value, extracted.source));
    return verdict(outcome, extracted.value, extracted.source);
  };

  return {
    name,
    validator: validatorName,
    draft,
    ...(responseFormat === undefined ? {} : { responseFormat }),
    check,
    evaluate(context: GateContext) {
      return check(context.candidate.text);
    },
  };
}
