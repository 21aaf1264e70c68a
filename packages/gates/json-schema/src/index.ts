export { VALIDATION_BUDGET_MS } from './budget.ts';
export type {
  CompileJsonSchemaOptions,
  JsonSchemaRegistry,
  JsonSchemaValidator,
  JsonValidation,
  SchemaIssue,
} from './compile-schema.ts';
export { compileJsonSchema, defaultValidatorCache, MAX_ISSUES } from './compile-schema.ts';
export type { JsonSchemaDraft } from './draft.ts';
export { DEFAULT_DRAFT, detectDraft, JSON_SCHEMA_DRAFTS } from './draft.ts';
export type { ExtractJsonFailureReason, ExtractJsonOptions, ExtractJsonResult, JsonSource } from './extract-json.ts';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_KEYS,
  DEFAULT_MAX_VALUES,
  extractJson,
} from './extract-json.ts';
export { DEFAULT_MAX_FEEDBACK_ERRORS } from './feedback.ts';
export type { FromJsonSchema, InferSchemaValue } from './infer-schema.ts';
export type { JsonSchemaGate, JsonSchemaGateOptions, ResponseFormatOptions } from './json-schema-gate.ts';
export { jsonSchemaGate, MAX_DEPTH_LIMIT } from './json-schema-gate.ts';
export { FORMAT_LENGTH_LIMITS } from './safe-formats.ts';
export type { PatternEngine } from './safe-pattern.ts';
export { PATTERN_INPUT_LIMIT } from './safe-pattern.ts';
export type { DerivedJsonSchema, StandardValidation } from './standard-schema.ts';
export { deriveJsonSchema, isStandardSchema } from './standard-schema.ts';
export type { ValidatorCache, ValidatorCacheOptions } from './validator-cache.ts';
export { createValidatorCache, DEFAULT_CACHE_SIZE } from './validator-cache.ts';
