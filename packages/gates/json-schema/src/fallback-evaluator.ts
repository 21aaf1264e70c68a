import type { ErrorObject } from 'ajv';
import { spend } from './budget.ts';
import {
  isObject,
  type Json,
  type JsonObject,
  resolveUri,
  type SchemaIndex,
  type SchemaNode,
} from './fallback-index.ts';
import { safeFormatCheck } from './safe-formats.ts';
import { canonicalJson } from './validator-cache.ts';

/**
 * The fallback evaluator's walk over a schema and a value: assertions, in-place applicators with the
 * annotations `unevaluatedItems`/`unevaluatedProperties` need (only valid subschemas contribute), and the
 * dynamic scope `$dynamicRef` and `$recursiveRef` resolve against.
 */

/** What the walk needs to know of the compile: dialect and format setting. */
export interface EvaluatorOptions {
  readonly dialect: '2019-09' | '2020-12';
  readonly formats: boolean;
}

const MAX_ERRORS = 100;

export interface Outcome {
  valid: boolean;
  /** Property names evaluated by this schema and its valid in-place subschemas; `true` for all. */
  props: Set<string> | true;
  /** Item indices evaluated, likewise. */
  items: Set<number> | true;
}

export interface Context {
  readonly base: string;
  readonly scope: readonly string[];
  readonly path: string;
}

function pointer(path: string, key: string | number): string {
  return `${path}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function isType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdbff || i + 1 >= text.length) count += 1;
    else {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
      count += 1;
    }
  }
  return count;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}

function merge(into: Outcome, from: Outcome): void {
  if (into.props !== true) {
    if (from.props === true) into.props = true;
    else for (const key of from.props) into.props.add(key);
  }
  if (into.items !== true) {
    if (from.items === true) into.items = true;
    else for (const index of from.items) into.items.add(index);
  }
}

export class Evaluator {
  errors: ErrorObject[] = [];
  readonly #index: SchemaIndex;
  readonly #options: EvaluatorOptions;
  readonly #regExp: (source: string) => { test(input: string): boolean };

  constructor(
    index: SchemaIndex,
    options: EvaluatorOptions,
    regExp: (source: string) => { test(input: string): boolean },
  ) {
    this.#index = index;
    this.#options = options;
    this.#regExp = regExp;
  }

  #fail(path: string, keyword: string, message: string, params: Record<string, unknown> = {}): void {
    if (this.errors.length < MAX_ERRORS)
      this.errors.push({ instancePath: path, schemaPath: '', keyword, params, message });
  }

  evaluate(node: SchemaNode, value: Json, context: Context): Outcome {
    spend(1);
    if (node === true) return { valid: true, props: new Set(), items: new Set() };
    if (node === false) {
      this.#fail(context.path, 'false schema', 'boolean schema is false');
      return { valid: false, props: new Set(), items: new Set() };
    }
    const base = this.#index.baseOf(node, context.base);
    const scope = context.scope[context.scope.length - 1] === base ? context.scope : [...context.scope, base];
    const here: Context = { base, scope, path: context.path };
    const outcome: Outcome = { valid: true, props: new Set(), items: new Set() };
    const failed = (): void => {
      outcome.valid = false;
    };
    this.#references(node, value, here, outcome);
    this.#assertions(node, value, here, failed);
    this.#inPlace(node, value, here, outcome);
    if (Array.isArray(value)) this.#arrays(node, value, here, outcome);
    if (isObject(value)) this.#objects(node, value, here, outcome);
    if (!outcome.valid) return { valid: false, props: new Set(), items: new Set() };
    return outcome;
  }

  #apply(target: SchemaNode, value: Json, context: Context, outcome: Outcome, base: string): void {
    const result = this.evaluate(target, value, { ...context, base });
    if (result.valid) merge(outcome, result);
    else outcome.valid = false;
  }

  #references(node: JsonObject, value: Json, context: Context, outcome: Outcome): void {
    if (typeof node.$ref === 'string') {
      const target = this.#index.resolve(resolveUri(node.$ref, context.base));
      this.#apply(target.node, value, context, outcome, target.base);
    }
    if (typeof node.$dynamicRef === 'string') {
      const absolute = resolveUri(node.$dynamicRef, context.base);
      let target = this.#index.resolve(absolute);
      const fragment = absolute.includes('#') ? absolute.slice(absolute.indexOf('#') + 1) : '';
      const dynamic = isObject(target.node) && target.node.$dynamicAnchor === fragment && fragment !== '';
      if (dynamic) {
        for (const uri of context.scope) {
          const anchored = this.#index.resources.get(uri)?.dynamicAnchors.get(fragment);
          if (anchored !== undefined) {
            target = { node: anchored, base: this.#index.baseOf(anchored, uri) };
            break;
          }
        }
      }
      this.#apply(target.node, value, context, outcome, target.base);
    }
    if (typeof node.$recursiveRef === 'string') {
      let target = this.#index.resolve(resolveUri(node.$recursiveRef, context.base));
      if (isObject(target.node) && target.node.$recursiveAnchor === true) {
        for (const uri of context.scope) {
          const resource = this.#index.resources.get(uri);
          if (resource?.recursiveAnchor === true) {
            target = { node: resource.root, base: uri };
            break;
          }
        }
      }
      this.#apply(target.node, value, context, outcome, target.base);
    }
  }

  #assertions(node: JsonObject, value: Json, context: Context, failed: () => void): void {
    const path = context.path;
    const check = (ok: boolean, keyword: string, message: string, params: Record<string, unknown> = {}): void => {
      if (ok) return;
      this.#fail(path, keyword, message, params);
      failed();
    };
    if (node.type !== undefined) {
      const types = Array.isArray(node.type) ? node.type : [node.type];
      check(
        types.some((type) => typeof type === 'string' && isType(value, type)),
        'type',
        `must be ${types.join(',')}`,
      );
    }
    if (Array.isArray(node.enum)) {
      check(
        node.enum.some((option) => equal(option, value)),
        'enum',
        'must be equal to one of the allowed values',
        {
          allowedValues: node.enum,
        },
      );
    }
    if (node.const !== undefined)
      check(equal(node.const, value), 'const', 'must be equal to constant', { allowedValue: node.const });
    if (typeof value === 'number') this.#numbers(node, value, check);
    if (typeof value === 'string') this.#strings(node, value, check);
  }

  #numbers(node: JsonObject, value: number, check: (ok: boolean, keyword: string, message: string) => void): void {
    if (typeof node.multipleOf === 'number') {
      const quotient = value / node.multipleOf;
      const ok =
        Number.isFinite(quotient) && Math.abs(quotient - Math.round(quotient)) < 1e-9 * Math.max(1, Math.abs(quotient));
      check(ok, 'multipleOf', `must be multiple of ${node.multipleOf}`);
    }
    if (typeof node.maximum === 'number') check(value <= node.maximum, 'maximum', `must be <= ${node.maximum}`);
    if (typeof node.minimum === 'number') check(value >= node.minimum, 'minimum', `must be >= ${node.minimum}`);
    if (typeof node.exclusiveMaximum === 'number')
      check(value < node.exclusiveMaximum, 'exclusiveMaximum', `must be < ${node.exclusiveMaximum}`);
    if (typeof node.exclusiveMinimum === 'number')
      check(value > node.exclusiveMinimum, 'exclusiveMinimum', `must be > ${node.exclusiveMinimum}`);
  }

  #strings(node: JsonObject, value: string, check: (ok: boolean, keyword: string, message: string) => void): void {
    if (typeof node.maxLength === 'number' || typeof node.minLength === 'number') {
      const length = codePoints(value);
      if (typeof node.maxLength === 'number')
        check(length <= node.maxLength, 'maxLength', `must NOT have more than ${node.maxLength} characters`);
      if (typeof node.minLength === 'number')
        check(length >= node.minLength, 'minLength', `must NOT have fewer than ${node.minLength} characters`);
    }
    if (typeof node.pattern === 'string')
      check(this.#regExp(node.pattern).test(value), 'pattern', `must match pattern "${node.pattern}"`);
    if (this.#options.formats && typeof node.format === 'string') {
      const format = safeFormatCheck(node.format);
      if (format !== undefined) check(format(value), 'format', `must match format "${node.format}"`);
    }
  }

  #inPlace(node: JsonObject, value: Json, context: Context, outcome: Outcome): void {
    const run = (schema: Json | undefined): Outcome | undefined =>
      typeof schema === 'boolean' || isObject(schema) ? this.evaluate(schema, value, context) : undefined;
    if (Array.isArray(node.allOf)) {
      for (const schema of node.allOf) {
        const result = run(schema);
        if (result?.valid === true) merge(outcome, result);
        else if (result !== undefined) outcome.valid = false;
      }
    }
    if (Array.isArray(node.anyOf)) {
      let any = false;
      for (const schema of node.anyOf) {
        const result = run(schema);
        if (result?.valid === true) {
          any = true;
          merge(outcome, result);
        }
      }
      if (!any) this.#failHere(context.path, 'anyOf', 'must match a schema in anyOf', outcome);
    }
    if (Array.isArray(node.oneOf)) {
      const passing = node.oneOf.map(run).filter((result): result is Outcome => result?.valid === true);
      if (passing.length === 1 && passing[0] !== undefined) merge(outcome, passing[0]);
      else this.#failHere(context.path, 'oneOf', 'must match exactly one schema in oneOf', outcome);
    }
    if (node.not !== undefined) {
      const saved = this.errors.length;
      const result = run(node.not);
      this.errors.length = Math.min(this.errors.length, saved);
      if (result?.valid === true) this.#failHere(context.path, 'not', 'must NOT be valid', outcome);
    }
    if (node.if !== undefined) {
      const saved = this.errors.length;
      const condition = run(node.if);
      this.errors.length = Math.min(this.errors.length, saved);
      if (condition?.valid === true) {
        merge(outcome, condition);
        const then = run(node.then);
        if (then?.valid === true) merge(outcome, then);
        else if (then !== undefined) this.#failHere(context.path, 'if', 'must match "then" schema', outcome);
      } else {
        const otherwise = run(node.else);
        if (otherwise?.valid === true) merge(outcome, otherwise);
        else if (otherwise !== undefined) this.#failHere(context.path, 'if', 'must match "else" schema', outcome);
      }
    }
    if (isObject(value) && isObject(node.dependentSchemas)) {
      for (const [name, schema] of Object.entries(node.dependentSchemas)) {
        if (!Object.hasOwn(value, name)) continue;
        const result = run(schema);
        if (result?.valid === true) merge(outcome, result);
        else if (result !== undefined) outcome.valid = false;
      }
    }
  }

  #failHere(path: string, keyword: string, message: string, outcome: Outcome): void {
    this.#fail(path, keyword, message);
    outcome.valid = false;
  }

  #arrays(node: JsonObject, value: Json[], context: Context, outcome: Outcome): void {
    const path = context.path;
    const at = (index: number): Context => ({ ...context, path: pointer(path, index) });
    const evaluated = new Set<number>();
    const each = (schema: Json | undefined, from: number): void => {
      if (typeof schema !== 'boolean' && !isObject(schema)) return;
      for (let index = from; index < value.length; index += 1) {
        if (!this.evaluate(schema, value[index] as Json, at(index)).valid) outcome.valid = false;
        evaluated.add(index);
      }
    };
    const tuple =
      this.#options.dialect === '2020-12' ? node.prefixItems : Array.isArray(node.items) ? node.items : undefined;
    let after = 0;
    if (Array.isArray(tuple)) {
      tuple.forEach((schema, index) => {
        if (index >= value.length || (typeof schema !== 'boolean' && !isObject(schema))) return;
        if (!this.evaluate(schema, value[index] as Json, at(index)).valid) outcome.valid = false;
        evaluated.add(index);
      });
      after = tuple.length;
    }
    if (this.#options.dialect === '2020-12') each(node.items, after);
    else if (Array.isArray(node.items)) each(node.additionalItems, after);
    else each(node.items, 0);
    if (node.contains !== undefined && (typeof node.contains === 'boolean' || isObject(node.contains))) {
      const saved = this.errors.length;
      let matches = 0;
      for (let index = 0; index < value.length; index += 1) {
        if (this.evaluate(node.contains, value[index] as Json, at(index)).valid) {
          matches += 1;
          if (this.#options.dialect === '2020-12') evaluated.add(index);
        }
      }
      this.errors.length = Math.min(this.errors.length, saved);
      const min = typeof node.minContains === 'number' ? node.minContains : 1;
      if (matches < min) this.#failHere(path, 'contains', `must contain at least ${min} valid item(s)`, outcome);
      if (typeof node.maxContains === 'number' && matches > node.maxContains) {
        this.#failHere(path, 'contains', `must contain at most ${node.maxContains} valid item(s)`, outcome);
      }
    }
    if (typeof node.maxItems === 'number' && value.length > node.maxItems)
      this.#failHere(path, 'maxItems', `must NOT have more than ${node.maxItems} items`, outcome);
    if (typeof node.minItems === 'number' && value.length < node.minItems)
      this.#failHere(path, 'minItems', `must NOT have fewer than ${node.minItems} items`, outcome);
    if (node.uniqueItems === true) {
      spend(value.length);
      const seen = new Set<string>();
      for (const item of value) {
        const key = canonicalJson(item);
        if (seen.has(key)) {
          this.#failHere(path, 'uniqueItems', 'must NOT have duplicate items', outcome);
          break;
        }
        seen.add(key);
      }
    }
    if (outcome.items !== true) for (const index of evaluated) outcome.items.add(index);
    if (
      node.unevaluatedItems !== undefined &&
      (typeof node.unevaluatedItems === 'boolean' || isObject(node.unevaluatedItems))
    ) {
      for (let index = 0; index < value.length; index += 1) {
        if (outcome.items === true || outcome.items.has(index)) continue;
        if (!this.evaluate(node.unevaluatedItems, value[index] as Json, at(index)).valid) {
          this.#fail(pointer(path, index), 'unevaluatedItems', 'must NOT have unevaluated items');
          outcome.valid = false;
        }
      }
      outcome.items = true;
    }
  }

  #objects(node: JsonObject, value: JsonObject, context: Context, outcome: Outcome): void {
    const path = context.path;
    const keys = Object.keys(value);
    const evaluated = new Set<string>();
    const at = (key: string): Context => ({ ...context, path: pointer(path, key) });
    const apply = (schema: Json | undefined, key: string): void => {
      if (typeof schema !== 'boolean' && !isObject(schema)) return;
      if (!this.evaluate(schema, value[key] as Json, at(key)).valid) outcome.valid = false;
      evaluated.add(key);
    };
    const properties = isObject(node.properties) ? node.properties : undefined;
    const patterns = isObject(node.patternProperties) ? Object.entries(node.patternProperties) : [];
    for (const key of keys) {
      let matched = false;
      if (properties !== undefined && Object.hasOwn(properties, key)) {
        matched = true;
        apply(properties[key], key);
      }
      for (const [source, schema] of patterns) {
        if (this.#regExp(source).test(key)) {
          matched = true;
          apply(schema, key);
        }
      }
      if (!matched && node.additionalProperties !== undefined) {
        if (node.additionalProperties === false)
          this.#fail(path, 'additionalProperties', 'must NOT have additional properties', { additionalProperty: key });
        apply(node.additionalProperties, key);
      }
      if (
        node.propertyNames !== undefined &&
        (typeof node.propertyNames === 'boolean' || isObject(node.propertyNames))
      ) {
        if (!this.evaluate(node.propertyNames, key, at(key)).valid) outcome.valid = false;
      }
    }
    if (Array.isArray(node.required)) {
      for (const name of node.required) {
        if (typeof name === 'string' && !Object.hasOwn(value, name))
          this.#failHere(path, 'required', `must have required property '${name}'`, outcome);
      }
    }
    if (isObject(node.dependentRequired)) {
      for (const [name, needed] of Object.entries(node.dependentRequired)) {
        if (!Object.hasOwn(value, name) || !Array.isArray(needed)) continue;
        for (const other of needed) {
          if (typeof other === 'string' && !Object.hasOwn(value, other))
            this.#failHere(
              path,
              'dependentRequired',
              `must have property ${other} when property ${name} is present`,
              outcome,
            );
        }
      }
    }
    if (typeof node.maxProperties === 'number' && keys.length > node.maxProperties)
      this.#failHere(path, 'maxProperties', `must NOT have more than ${node.maxProperties} properties`, outcome);
    if (typeof node.minProperties === 'number' && keys.length < node.minProperties)
      this.#failHere(path, 'minProperties', `must NOT have fewer than ${node.minProperties} properties`, outcome);
    if (outcome.props !== true) for (const key of evaluated) outcome.props.add(key);
    if (
      node.unevaluatedProperties !== undefined &&
      (typeof node.unevaluatedProperties === 'boolean' || isObject(node.unevaluatedProperties))
    ) {
      for (const key of keys) {
        if (outcome.props === true || outcome.props.has(key)) continue;
        if (!this.evaluate(node.unevaluatedProperties, value[key] as Json, at(key)).valid) {
          this.#fail(path, 'unevaluatedProperties', 'must NOT have unevaluated properties', {
            unevaluatedProperty: key,
          });
          outcome.valid = false;
        }
      }
      outcome.props = true;
    }
  }
}
