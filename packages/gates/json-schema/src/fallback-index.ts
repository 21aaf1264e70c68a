/**
 * The resource index of the fallback evaluator: every schema resource (`$id`), anchor, dynamic anchor and
 * `$recursiveAnchor` of a schema and its registry, found by walking applicator keywords only (an `$id`
 * inside `enum`, `const` or an unknown keyword is data, not an identifier), and `$ref` resolution on it.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
/** A schema node: an object or a boolean. */
export type SchemaNode = JsonObject | boolean;

/** Where a schema object sits: the absolute URI of its resource. */
export interface Resource {
  readonly uri: string;
  readonly root: SchemaNode;
  readonly anchors: Map<string, SchemaNode>;
  readonly dynamicAnchors: Map<string, SchemaNode>;
  readonly recursiveAnchor: boolean;
}

/** Thrown when a reference resolves to nothing; `missingRef` names it, as ajv's error does. */
export class MissingRefError extends Error {
  readonly missingRef: string;
  constructor(ref: string) {
    super(`can't resolve reference ${ref}`);
    this.missingRef = ref;
  }
}

const ONE = [
  'additionalItems',
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
];
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The subschemas directly under a schema object, in applicator keywords only. */
export function childrenOf(node: JsonObject): SchemaNode[] {
  const children: SchemaNode[] = [];
  const push = (value: Json | undefined): void => {
    if (typeof value === 'boolean' || isObject(value)) children.push(value);
  };
  for (const key of ONE) push(node[key]);
  for (const key of LIST) {
    const value = node[key];
    if (Array.isArray(value)) value.forEach(push);
  }
  for (const key of MAP) {
    const value = node[key];
    if (isObject(value)) Object.values(value).forEach(push);
  }
  const items = node.items;
  if (Array.isArray(items)) items.forEach(push);
  else push(items);
  const dependencies = node.dependencies;
  if (isObject(dependencies)) Object.values(dependencies).forEach(push);
  return children;
}

/** Resolves a reference against a base URI; URNs and other opaque bases take fragment-only references. */
export function resolveUri(ref: string, base: string): string {
  try {
    return new URL(ref, base).href;
  } catch {
    if (ref.startsWith('#')) return `${base.split('#')[0]}${ref}`;
    return ref;
  }
}

function withoutFragment(uri: string): { readonly document: string; readonly fragment: string } {
  const hash = uri.indexOf('#');
  return hash === -1
    ? { document: uri, fragment: '' }
    : { document: uri.slice(0, hash), fragment: decodeURIComponent(uri.slice(hash + 1)) };
}

/** The index of every resource reachable from the schemas given to it. */
export class SchemaIndex {
  readonly resources = new Map<string, Resource>();
  readonly #bases = new WeakMap<object, string>();

  /** Adds a schema (and every resource inside it) under `retrieval`, its URI when it has no `$id`. */
  add(schema: SchemaNode, retrieval: string): void {
    const stack: { node: SchemaNode; base: string }[] = [{ node: schema, base: retrieval }];
    let first = true;
    for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
      const { node } = entry;
      let base = entry.base;
      if (!isObject(node)) {
        if (first) this.#addResource(retrieval, node);
        first = false;
        continue;
      }
      const id = typeof node.$id === 'string' ? node.$id : undefined;
      if (id !== undefined && !id.startsWith('#')) {
        base = withoutFragment(resolveUri(id, base)).document;
        this.#addResource(base, node);
      }
      if (first) {
        if (id === undefined || id.startsWith('#')) this.#addResource(retrieval, node);
        else if (retrieval !== base && !this.resources.has(retrieval)) this.#addResource(retrieval, node);
        first = false;
      }
      this.#bases.set(node, base);
      const resource = this.resources.get(base);
      if (resource !== undefined) {
        if (typeof node.$anchor === 'string') resource.anchors.set(node.$anchor, node);
        if (typeof node.$dynamicAnchor === 'string') {
          resource.anchors.set(node.$dynamicAnchor, node);
          resource.dynamicAnchors.set(node.$dynamicAnchor, node);
        }
        // A draft 06/07 style plain-name `$id` is an anchor.
        if (id?.startsWith('#') === true && id.length > 1) resource.anchors.set(id.slice(1), node);
      }
      for (const child of childrenOf(node)) stack.push({ node: child, base });
    }
  }

  #addResource(uri: string, root: SchemaNode): void {
    if (this.resources.has(uri)) return;
    const recursiveAnchor = isObject(root) && root.$recursiveAnchor === true;
    this.resources.set(uri, { uri, root, anchors: new Map(), dynamicAnchors: new Map(), recursiveAnchor });
  }

  /** The base URI of a schema object met while indexing, or the one given. */
  baseOf(node: SchemaNode, fallback: string): string {
    return isObject(node) ? (this.#bases.get(node) ?? fallback) : fallback;
  }

  /** The schema an absolute URI (with fragment) points at, and its resource's URI. */
  resolve(absolute: string): { readonly node: SchemaNode; readonly base: string } {
    const { document, fragment } = withoutFragment(absolute);
    const resource = this.resources.get(document);
    if (resource === undefined) throw new MissingRefError(absolute);
    if (fragment === '') return { node: resource.root, base: document };
    if (!fragment.startsWith('/')) {
      const anchored = resource.anchors.get(fragment);
      if (anchored === undefined) throw new MissingRefError(absolute);
      return { node: anchored, base: this.baseOf(anchored, document) };
    }
    let node: Json = resource.root;
    let base = document;
    for (const raw of fragment.slice(1).split('/')) {
      const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
      if (Array.isArray(node)) node = node[Number(key)] as Json;
      else if (isObject(node) && Object.hasOwn(node, key)) node = node[key] as Json;
      else throw new MissingRefError(absolute);
      if (node === undefined) throw new MissingRefError(absolute);
      if (isObject(node)) base = this.#bases.get(node) ?? base;
    }
    if (typeof node !== 'boolean' && !isObject(node)) throw new MissingRefError(absolute);
    return { node, base };
  }
}
