import { ConfigError, type JsonSchema } from '@llm-cascade/core';
import type { JsonSchemaRegistry } from './compile-schema.ts';
import { detectDraft, type JsonSchemaDraft } from './draft.ts';
import { hashJson } from './validator-cache.ts';

/** One schema of a registry, with the URI it is added under (if any) and the option field that names it. */
export interface RegistryEntry {
  readonly schema: JsonSchema;
  readonly uri: string | undefined;
  readonly field: string;
  /** The draft its `$schema` names, or undefined (then the referencing schema's draft applies). */
  readonly draft: JsonSchemaDraft | undefined;
  /** A `$schema` that names no known draft: a custom meta-schema, checked by ajv itself. */
  readonly customMeta: boolean;
}

export function idOf(schema: JsonSchema): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const id = schema.$id ?? schema.id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** True when a schema's `$schema` names a meta-schema that is not one of the known drafts. */
export function hasCustomMeta(schema: JsonSchema): boolean {
  return typeof schema === 'object' && typeof schema.$schema === 'string' && detectDraft(schema) === undefined;
}

function entry(schema: JsonSchema, uri: string | undefined, field: string): RegistryEntry {
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    throw new ConfigError(field, 'must be a JSON Schema (an object or a boolean)');
  }
  return { schema, uri, field, draft: detectDraft(schema), customMeta: hasCustomMeta(schema) };
}

/** The registry as a list of entries, each checked for shape and, in list form, for an `$id`. */
export function registryEntries(registry: JsonSchemaRegistry | undefined): RegistryEntry[] {
  if (registry === undefined) return [];
  if (Array.isArray(registry)) {
    return registry.map((schema: JsonSchema, index) => {
      const field = `registry[${index}]`;
      if (idOf(schema) === undefined) throw new ConfigError(field, 'needs an `$id` to be referenced by');
      return entry(schema, undefined, field);
    });
  }
  return Object.entries(registry as { readonly [uri: string]: JsonSchema }).map(([uri, schema]) =>
    entry(schema, uri, `registry[${JSON.stringify(uri)}]`),
  );
}

const registryKeys = new WeakMap<object, string>();

/** A hash of the registry's content, memoised per registry object. */
export function registryKey(registry: JsonSchemaRegistry | undefined): string {
  if (registry === undefined) return '';
  let key = registryKeys.get(registry);
  if (key === undefined) {
    key = hashJson(registry);
    registryKeys.set(registry, key);
  }
  return key;
}
