import type { StandardSchemaV1 } from '@standard-schema/spec';

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;

type TypeName = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';

type RequiredKeys<S> = S extends { readonly required: readonly (infer K)[] } ? K & string : never;

type PropertiesOf<S> = S extends { readonly properties: infer P } ? P : Record<never, never>;

type IsClosed<S> = S extends { readonly additionalProperties: false } | { readonly unevaluatedProperties: false }
  ? true
  : false;

type ObjectOf<S> = Simplify<
  {
    -readonly [K in keyof PropertiesOf<S> as K extends RequiredKeys<S> ? K : never]: FromJsonSchema<PropertiesOf<S>[K]>;
  } & {
    -readonly [K in keyof PropertiesOf<S> as K extends RequiredKeys<S> ? never : K]?: FromJsonSchema<
      PropertiesOf<S>[K]
    >;
  } & { -readonly [K in Exclude<RequiredKeys<S>, keyof PropertiesOf<S>>]: unknown } & (IsClosed<S> extends true
      ? unknown
      : { [key: string]: unknown })
>;

// Tuple positions are optional: without minItems, a shorter array is valid.
type TupleOf<P> = { -readonly [K in keyof P]?: FromJsonSchema<P[K]> };

type RestOf<S, K extends string> = S extends { readonly [key in K]: false }
  ? []
  : S extends { readonly [key in K]: infer R }
    ? FromJsonSchema<R>[]
    : unknown[];

type ArrayOf<S> = S extends { readonly prefixItems: infer P extends readonly unknown[] }
  ? [...TupleOf<P>, ...RestOf<S, 'items'>]
  : S extends { readonly items: infer I extends readonly unknown[] }
    ? [...TupleOf<I>, ...RestOf<S, 'additionalItems'>]
    : S extends { readonly items: infer I }
      ? FromJsonSchema<I>[]
      : unknown[];

type OfType<T, S> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'object'
          ? ObjectOf<S>
          : T extends 'array'
            ? ArrayOf<S>
            : unknown;

// A widened `type` (plain `string`) says nothing, so it infers unknown rather than a wrong type.
type NamedType<T, S> = T extends TypeName ? (string extends T ? unknown : OfType<T, S>) : unknown;

type Typed<S> = S extends { readonly type: infer T }
  ? T extends readonly (infer U)[]
    ? NamedType<U, S>
    : NamedType<T, S>
  : unknown;

type Members<S, K extends string> = S extends { readonly [key in K]: readonly (infer M)[] }
  ? FromJsonSchema<M>
  : unknown;

type AllOf<S> = S extends { readonly allOf: readonly (infer M)[] } ? UnionToIntersection<FromJsonSchema<M>> : unknown;

/**
 * A deliberately small FromSchema: the type of the values a literal JSON Schema accepts. It reads `const`,
 * `enum`, `type` (and type arrays such as `['string', 'null']`), `properties` with `required` and a closed
 * `additionalProperties: false`, `items`, tuples (`prefixItems`, or array `items` before 2020-12), `anyOf`,
 * `oneOf` and `allOf`. Everything else, `$ref` included, infers `unknown`, which keeps it safe on recursive
 * schemas and cheap for the type checker.
 */
export type FromJsonSchema<S> = S extends true
  ? unknown
  : S extends false
    ? never
    : S extends { readonly const: infer C }
      ? C
      : S extends { readonly enum: readonly (infer E)[] }
        ? E
        : Typed<S> & Members<S, 'anyOf'> & Members<S, 'oneOf'> & AllOf<S>;

/**
 * The value a gate built on schema `TSchema` passes on: the output type of a Standard Schema (zod, valibot,
 * arktype), or, for a JSON Schema written as a literal (inline, or `as const`), `FromJsonSchema` of it.
 *
 * A schema typed loosely (a `JsonSchema` variable, JSON read from disk) infers `unknown`: the gate still
 * validates at run time, and the caller narrows or casts.
 */
export type InferSchemaValue<TSchema> = TSchema extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<TSchema>
  : FromJsonSchema<TSchema>;
