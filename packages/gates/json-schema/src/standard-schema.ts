import type { JsonSchema } from '@llm-cascade/core';
import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
import type { JsonValidation, SchemaIssue } from './compile-schema.ts';
import { MAX_ISSUES } from './compile-schema.ts';
import { formatPath } from './json-path.ts';

/**
 * True for a Standard Schema (zod 4, valibot, arktype, ...): it carries `~standard` with a `validate`
 * function. Arktype types are callable, so functions count too.
 */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as { '~standard'?: unknown })['~standard'];
  return (
    typeof props === 'object' &&
    props !== null &&
    (props as { version?: unknown }).version === 1 &&
    typeof (props as { validate?: unknown }).validate === 'function'
  );
}

function hasJsonSchemaConverter(value: StandardSchemaV1): value is StandardSchemaV1 & StandardJSONSchemaV1 {
  const converter = (value['~standard'] as { jsonSchema?: unknown }).jsonSchema;
  return (
    typeof converter === 'object' &&
    converter !== null &&
    typeof (converter as { input?: unknown }).input === 'function'
  );
}

/** A JSON Schema derived from a Standard Schema, or why none could be. */
export type DerivedJsonSchema =
  | { readonly ok: true; readonly schema: JsonSchema }
  | { readonly ok: false; readonly message: string };

/**
 * Derives the JSON Schema of what a model must write for a Standard Schema, through the library's own
 * Standard JSON Schema converter (`~standard.jsonSchema`, Standard Schema 1.1): zod 4 and arktype have one;
 * valibot gets one from `toStandardJsonSchema` in `@valibot/to-json-schema`. Nothing is hand-converted.
 *
 * The *input* side is used: the model writes the value the schema parses, before any transform. Targets
 * draft 2020-12, then draft-07 for libraries that only support that.
 */
export function deriveJsonSchema(schema: StandardSchemaV1): DerivedJsonSchema {
  if (!hasJsonSchemaConverter(schema)) {
    return {
      ok: false,
      message: `the ${schema['~standard'].vendor} schema has no Standard JSON Schema converter (\`~standard.jsonSchema\`)`,
    };
  }
  const converter = schema['~standard'].jsonSchema;
  let lastError: unknown;
  for (const target of ['draft-2020-12', 'draft-07'] as const) {
    try {
      const derived = converter.input({ target });
      if (typeof derived === 'object' && derived !== null) return { ok: true, schema: derived };
    } catch (error) {
      lastError = error;
    }
  }
  const why = lastError instanceof Error ? lastError.message : String(lastError);
  return { ok: false, message: `the ${schema['~standard'].vendor} schema cannot be converted to JSON Schema: ${why}` };
}

function segmentOf(segment: PropertyKey | StandardSchemaV1.PathSegment): string | number | symbol {
  if (typeof segment === 'object' && segment !== null) return segmentOf(segment.key);
  return segment;
}

/** Turns Standard Schema issues into path-and-message issues, dropping exact repeats. */
export function issuesFromStandard(issues: readonly StandardSchemaV1.Issue[]): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    if (out.length >= MAX_ISSUES) break;
    const path = formatPath((issue.path ?? []).map(segmentOf));
    const message = typeof issue.message === 'string' && issue.message.length > 0 ? issue.message : 'is invalid';
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message });
  }
  return out;
}

/** The outcome of a Standard Schema validation, with the library's output value when it passes. */
export type StandardValidation =
  | { readonly valid: true; readonly value: unknown }
  | Exclude<JsonValidation, { valid: true }>;

function toValidation(result: StandardSchemaV1.Result<unknown>): StandardValidation {
  // The spec: a falsy `issues` is success. An empty list is truthy, so it fails, closed, with no detail.
  if (!result.issues) return { valid: true, value: result.value };
  const issues = issuesFromStandard(result.issues);
  if (issues.length === 0) return { valid: false, errorCount: 1, issues: [{ path: '$', message: 'is invalid' }] };
  return { valid: false, errorCount: result.issues.length, issues };
}

/** Validates through `~standard.validate`, which may answer synchronously or with a Promise. */
export function validateStandard(
  schema: StandardSchemaV1,
  value: unknown,
): StandardValidation | Promise<StandardValidation> {
  const result = schema['~standard'].validate(value);
  // A thenable from any realm or promise library counts as asynchronous, not only a native Promise.
  if (typeof (result as { then?: unknown }).then === 'function') {
    return Promise.resolve(result).then(toValidation);
  }
  return toValidation(result as StandardSchemaV1.Result<unknown>);
}
