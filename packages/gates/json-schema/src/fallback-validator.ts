import type { ErrorObject } from 'ajv';
import { Evaluator } from './fallback-evaluator.ts';
import {
  childrenOf,
  isObject,
  type Json,
  type JsonObject,
  resolveUri,
  SchemaIndex,
  type SchemaNode,
} from './fallback-index.ts';
import { ecmascriptRegExp, linearRegExp, type PatternEngine } from './safe-pattern.ts';

/**
 * A second, spec-conformant evaluator for the JSON Schema features ajv gets wrong: `$dynamicRef`,
 * `$recursiveRef`, `unevaluatedItems`/`unevaluatedProperties` (annotations from every valid in-place
 * subschema), `enum: []` and `__proto__` property names. The gate uses ajv for every other schema; this one
 * walks the schema per value (an interpreter, slower than ajv's generated code) with the same safe
 * patterns, formats, uniqueItems and time budget.
 */

/** What a schema dialect changes in evaluation. */
export type FallbackDialect = '2019-09' | '2020-12';

export interface FallbackOptions {
  readonly schema: SchemaNode;
  readonly registry: readonly { readonly schema: SchemaNode; readonly uri: string | undefined }[];
  readonly dialect: FallbackDialect;
  readonly formats: boolean;
  readonly patterns: PatternEngine;
  /** The dialect's own meta-schemas, which `$ref`s may name; the registry and the schema override them. */
  readonly metaSchemas: readonly { readonly uri: string; readonly schema: SchemaNode }[];
}

/** A validate function shaped like ajv's, so the gate wraps both the same way. */
export interface FallbackValidate {
  (value: unknown): boolean;
  errors: ErrorObject[] | null;
}

const ROOT_URI = 'urn:llm-cascade:root';

function hasFallbackKeyword(object: JsonObject): boolean {
  for (const key of ['$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor']) {
    if (object[key] !== undefined) return true;
  }
  if (object.unevaluatedItems !== undefined || object.unevaluatedProperties !== undefined) return true;
  if (Array.isArray(object.enum) && object.enum.length === 0) return true;
  return isObject(object.properties) && Object.hasOwn(object.properties, '__proto__');
}

/**
 * True when the schema, or a registry schema its references reach, uses a feature ajv gets wrong: those
 * schemas go to this evaluator. Registry schemas nothing reaches do not count.
 */
export function needsFallback(schema: SchemaNode, registry: FallbackOptions['registry']): boolean {
  const index = indexOf(schema, registry, []);
  const seen = new Set<object>();
  const stack: { node: SchemaNode; base: string }[] = [{ node: schema, base: index.baseOf(schema, ROOT_URI) }];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const { node } = entry;
    if (!isObject(node) || seen.has(node)) continue;
    seen.add(node);
    if (hasFallbackKeyword(node)) return true;
    const base = index.baseOf(node, entry.base);
    if (typeof node.$ref === 'string') {
      try {
        const target = index.resolve(resolveUri(node.$ref, base));
        stack.push({ node: target.node, base: target.base });
      } catch {
        // Unresolved here: ajv reports it (or finds it among its own meta-schemas).
      }
    }
    for (const child of childrenOf(node)) stack.push({ node: child, base });
  }
  return false;
}

function indexOf(
  schema: SchemaNode,
  registry: FallbackOptions['registry'],
  metaSchemas: readonly { readonly uri: string; readonly schema: SchemaNode }[],
): SchemaIndex {
  const index = new SchemaIndex();
  for (const meta of metaSchemas) index.add(meta.schema, meta.uri);
  registry.forEach((entry, position) => {
    const id = isObject(entry.schema) && typeof entry.schema.$id === 'string' ? entry.schema.$id : '';
    index.add(entry.schema, entry.uri ?? resolveUri(id, `urn:llm-cascade:registry:${position}`));
  });
  index.add(schema, ROOT_URI);
  return index;
}

/** Compiles the fallback evaluator; throws `MissingRefError` for a `$ref` reachable from the root that nothing resolves. */
export function compileFallback(options: FallbackOptions): FallbackValidate {
  const index = indexOf(options.schema, options.registry, options.metaSchemas);
  const rootBase = index.baseOf(options.schema, ROOT_URI);
  const engine = options.patterns === 'ecmascript' ? ecmascriptRegExp : linearRegExp;
  const regExps = new Map<string, { test(input: string): boolean }>();
  const regExp = (source: string): { test(input: string): boolean } => {
    let compiled = regExps.get(source);
    if (compiled === undefined) {
      compiled = engine(source, 'u');
      regExps.set(source, compiled);
    }
    return compiled;
  };
  checkReferences(index, options.schema, rootBase, regExp);
  const evaluator = new Evaluator(index, options, regExp);
  const validate = ((value: unknown) => {
    evaluator.errors = [];
    const valid = evaluator.evaluate(options.schema, value as Json, {
      base: rootBase,
      scope: [rootBase],
      path: '',
    }).valid;
    validate.errors = valid ? null : evaluator.errors;
    return valid;
  }) as FallbackValidate;
  validate.errors = null;
  return validate;
}

/** Resolves every reference reachable from the root and compiles every pattern, so both fail at build time. */
function checkReferences(
  index: SchemaIndex,
  root: SchemaNode,
  rootBase: string,
  regExp: (source: string) => unknown,
): void {
  const seen = new Set<object>();
  const stack: { node: SchemaNode; base: string }[] = [{ node: root, base: rootBase }];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const { node } = entry;
    if (!isObject(node) || seen.has(node)) continue;
    seen.add(node);
    const base = index.baseOf(node, entry.base);
    for (const key of ['$ref', '$dynamicRef', '$recursiveRef']) {
      const ref = node[key];
      if (typeof ref === 'string') {
        const target = index.resolve(resolveUri(ref, base));
        stack.push({ node: target.node, base: target.base });
      }
    }
    if (typeof node.pattern === 'string') regExp(node.pattern);
    if (isObject(node.patternProperties)) for (const source of Object.keys(node.patternProperties)) regExp(source);
    for (const child of childrenOf(node)) stack.push({ node: child, base });
  }
}
