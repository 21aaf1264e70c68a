import type { JsonSchema } from '@llm-cascade/core';

/** The JSON Schema drafts the gate validates. */
export type JsonSchemaDraft = '04' | '06' | '07' | '2019-09' | '2020-12';

/** Every draft the gate accepts, oldest first. */
export const JSON_SCHEMA_DRAFTS: readonly JsonSchemaDraft[] = ['04', '06', '07', '2019-09', '2020-12'];

/**
 * The draft assumed for a schema without `$schema`: 2020-12, the current draft and the one zod, arktype
 * and most structured-output APIs emit. Pre-2019 idioms such as array-form `items` tuples do not compile
 * under it: give those schemas a `$schema`, or set `defaultDraft: '07'`.
 */
export const DEFAULT_DRAFT: JsonSchemaDraft = '2020-12';

// The meta-schema URIs of each draft, without the trailing `#` and with either scheme.
const BY_URI: ReadonlyMap<string, JsonSchemaDraft> = new Map([
  ['json-schema.org/draft-04/schema', '04'],
  ['json-schema.org/draft-06/schema', '06'],
  ['json-schema.org/draft-07/schema', '07'],
  ['json-schema.org/draft/2019-09/schema', '2019-09'],
  ['json-schema.org/draft/2020-12/schema', '2020-12'],
]);

/**
 * The draft a schema declares through `$schema`, or undefined when it declares none or one this package
 * does not know (a custom meta-schema, which must then be preloaded through `registry`).
 */
export function detectDraft(schema: JsonSchema): JsonSchemaDraft | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const uri = schema.$schema;
  if (typeof uri !== 'string') return undefined;
  const bare = uri
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/#$/, '');
  return BY_URI.get(bare);
}
