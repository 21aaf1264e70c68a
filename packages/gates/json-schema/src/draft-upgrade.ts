import type { JsonSchema } from '@llm-cascade/core';
import type { JsonSchemaDraft } from './draft.ts';

/** The meta-schema URI a translated schema declares. */
export const DRAFT_2020_12_URI = 'https://json-schema.org/draft/2020-12/schema';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// Keywords whose value is one subschema, a list of them, or a map of them, in any draft.
const ONE = new Set([
  'additionalProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
]);
const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const MAP = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);

// What each draft adds (or drops) over the one before: a keyword unknown in a schema's own draft is an
// annotation there, so it is dropped before the schema is read under 2020-12, where it would assert.
const DRAFT_04 = [
  ...'type enum multipleOf maximum exclusiveMaximum minimum exclusiveMinimum maxLength minLength pattern'.split(' '),
  ...'items additionalItems maxItems minItems uniqueItems maxProperties minProperties required properties'.split(' '),
  ...'patternProperties additionalProperties dependencies allOf anyOf oneOf not definitions format'.split(' '),
];
const DRAFT_06 = [...DRAFT_04, 'const', 'contains', 'propertyNames'];
const DRAFT_07 = [...DRAFT_06, 'if', 'then', 'else'];
const DRAFT_2019 = [
  ...DRAFT_07.filter((keyword) => keyword !== 'dependencies'),
  ...'$defs dependentRequired dependentSchemas unevaluatedItems unevaluatedProperties maxContains minContains'.split(
    ' ',
  ),
];
const ASSERTING: Readonly<Record<JsonSchemaDraft, ReadonlySet<string>>> = {
  '04': new Set(DRAFT_04),
  '06': new Set(DRAFT_06),
  '07': new Set(DRAFT_07),
  '2019-09': new Set(DRAFT_2019),
  '2020-12': new Set([...DRAFT_2019.filter((keyword) => keyword !== 'additionalItems'), 'prefixItems']),
};
const ALL_ASSERTING = new Set([...ASSERTING['2019-09'], ...ASSERTING['2020-12'], 'dependencies', 'additionalItems']);
// Places a `$ref` may point into even when the draft does not apply them: kept, and read as schemas.
const LOCATIONS = new Set(['definitions', '$defs']);

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPreRef(draft: JsonSchemaDraft): boolean {
  return draft === '04' || draft === '06' || draft === '07';
}

/**
 * True when a draft 04-07 schema holds a `$ref` beside other keywords. Those drafts ignore the siblings
 * (and a sibling `$id`), while ajv applies them; such a schema is read through `upgradeTo2020` instead.
 */
export function hasRefSiblings(schema: JsonSchema, draft: JsonSchemaDraft): boolean {
  if (!isPreRef(draft)) return false;
  const stack: unknown[] = [schema];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (Array.isArray(node)) {
      stack.push(...node);
    } else if (isObject(node)) {
      if (typeof node.$ref === 'string' && Object.keys(node).some((key) => isIgnoredBesideRef(key))) return true;
      for (const key of Object.keys(node)) if (key !== 'enum' && key !== 'const') stack.push(node[key]);
    }
  }
  return false;
}

function isIgnoredBesideRef(key: string): boolean {
  return ALL_ASSERTING.has(key) && !LOCATIONS.has(key);
}

function splitId(id: string): { readonly base: string; readonly anchor: string | undefined } {
  const hash = id.indexOf('#');
  if (hash === -1) return { base: id, anchor: undefined };
  const fragment = id.slice(hash + 1);
  return { base: id.slice(0, hash), anchor: fragment === '' || fragment.startsWith('/') ? undefined : fragment };
}

/**
 * Rewrites a schema of one draft as an equivalent draft 2020-12 schema, so that schemas of several drafts
 * can share one registry (one ajv instance reads one draft). Exact for drafts 04, 06, 07 and 2019-09 apart
 * from `$recursiveRef`, which throws (the caller names the schema):
 * - `id` (04) and `$id`: a plain fragment becomes `$anchor`; draft-04 boolean `exclusiveMaximum`/`Minimum`
 *   become numbers;
 * - array `items` becomes `prefixItems`, with `additionalItems` as `items`; `dependencies` splits into
 *   `dependentRequired` and `dependentSchemas`;
 * - in drafts 04-07, the siblings of `$ref` (which those drafts ignore) are dropped, except `definitions`
 *   and `$defs`, which references may point into;
 * - keywords the schema's own draft does not know are annotations there, and are dropped.
 */
export function upgradeTo2020(schema: JsonSchema, from: JsonSchemaDraft): JsonSchema {
  return upgradeNode(schema as Json, from, true) as JsonSchema;
}

function upgradeNode(node: Json, from: JsonSchemaDraft, root: boolean): Json {
  if (!isObject(node)) return node;
  const known = ASSERTING[from];
  const out: JsonObject = {};
  const refOnly = isPreRef(from) && typeof node.$ref === 'string';
  if (root || typeof node.$schema === 'string') out.$schema = DRAFT_2020_12_URI;
  const idKey = from === '04' ? 'id' : '$id';
  const id = node[idKey];
  if (typeof id === 'string' && !refOnly) {
    const { base, anchor } = splitId(id);
    if (base !== '') out.$id = base;
    if (anchor !== undefined) out.$anchor = anchor;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === 'id' || key === '$id') continue;
    if (key === '$recursiveRef' || key === '$recursiveAnchor') {
      if (from === '2019-09') throw new Error(`${key} cannot be read beside schemas of another draft`);
    }
    if (refOnly && isIgnoredBesideRef(key)) continue;
    if (ALL_ASSERTING.has(key) && !known.has(key) && !LOCATIONS.has(key)) continue;
    upgradeKeyword(out, node, key, value, from);
  }
  return out;
}

function upgradeKeyword(out: JsonObject, node: JsonObject, key: string, value: Json, from: JsonSchemaDraft): void {
  const sub = (schema: Json): Json => upgradeNode(schema, from, false);
  if (ONE.has(key)) {
    out[key] = sub(value);
  } else if (LIST.has(key) && Array.isArray(value)) {
    out[key] = value.map(sub);
  } else if (MAP.has(key) && isObject(value)) {
    out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, sub(schema)]));
  } else if (key === 'items' && from !== '2020-12') {
    if (Array.isArray(value)) {
      out.prefixItems = value.map(sub);
      if (node.additionalItems !== undefined) out.items = sub(node.additionalItems);
    } else {
      out.items = sub(value);
    }
  } else if (key === 'items') {
    out.items = sub(value);
  } else if (key === 'additionalItems') {
    // Read with an array `items` above; beside a schema `items` (or none) it never applies.
  } else if (key === 'dependencies' && isObject(value)) {
    for (const [name, dependency] of Object.entries(value)) {
      const target = Array.isArray(dependency) ? 'dependentRequired' : 'dependentSchemas';
      const map = isObject(out[target]) ? (out[target] as JsonObject) : {};
      map[name] = Array.isArray(dependency) ? dependency : sub(dependency);
      out[target] = map;
    }
  } else if ((key === 'exclusiveMaximum' || key === 'exclusiveMinimum') && typeof value === 'boolean') {
    const bound = key === 'exclusiveMaximum' ? 'maximum' : 'minimum';
    if (value && typeof node[bound] === 'number') out[key] = node[bound];
  } else if ((key === 'maximum' || key === 'minimum') && from === '04') {
    const exclusive = key === 'maximum' ? node.exclusiveMaximum : node.exclusiveMinimum;
    if (exclusive !== true) out[key] = value;
  } else {
    out[key] = value;
  }
}
