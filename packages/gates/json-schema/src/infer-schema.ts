import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/**
 * The value a gate built on schema `TSchema` passes on: the output type of a Standard Schema (zod, valibot,
 * arktype), or, for a JSON Schema written as a literal (inline, or `as const`), the type json-schema-to-ts
 * infers from it (objects, required keys, arrays, tuples, enums, const, unions, `$ref` into `$defs`).
 *
 * A schema typed loosely (a `JsonSchema` variable, JSON read from disk) infers `unknown`: the gate still
 * validates at run time, and the caller narrows or casts. A very large literal schema can slow the type
 * checker; widening it to `JsonSchema` turns inference off.
 */
export type InferSchemaValue<TSchema> = TSchema extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<TSchema>
  : TSchema extends boolean
    ? TSchema extends false
      ? never
      : unknown
    : TSchema extends JSONSchema
      ? FromSchema<TSchema>
      : unknown;
