import { Ajv, type Options as AjvOptions } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import draft06MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import AjvDraft04 from 'ajv-draft-04';
import type { JsonSchemaDraft } from './draft.ts';
import { addSafeFormats } from './safe-formats.ts';
import { ecmascriptRegExp, linearRegExp, type PatternEngine } from './safe-pattern.ts';
import { addLinearUniqueItems } from './unique-items.ts';

/** How an instance is built: the draft class, formats, and whether it checks schemas against the meta-schema. */
export interface AjvSettings {
  readonly draft: JsonSchemaDraft;
  readonly formats: boolean;
  /** Check each compiled schema against its meta-schema (slow the first time: the meta-schema compiles). */
  readonly validateSchema: boolean;
  /** Where schema patterns run; default `linear`. */
  readonly patterns?: PatternEngine;
}

// Every instance holding user schemas, tracked weakly so tests can count what the process still retains.
const live = new Set<WeakRef<Ajv>>();
const collected = new FinalizationRegistry<WeakRef<Ajv>>((ref) => live.delete(ref));

function track(ajv: Ajv): Ajv {
  const ref = new WeakRef(ajv);
  live.add(ref);
  collected.register(ajv, ref);
  return ajv;
}

/**
 * A new ajv instance of the draft's class. Every compile gets its own: an instance keeps every schema it
 * compiled and resolves `$ref`s against all of them, so a shared one leaks memory past any validator LRU
 * and lets one gate's `$ref` reach another gate's schema. Without meta-schema validation a fresh instance
 * costs about 0.3 ms and a small compile on it about 1 ms (measured in the package README).
 */
export function createAjv(settings: AjvSettings): Ajv {
  // strict: false because real schemas carry keywords ajv does not know (OpenAI's, descriptions, examples).
  // ownProperties: without it `required: ['constructor']` is met by `{}` through the prototype.
  // regExp: schema patterns run on a linear-time engine, so no pattern can stall on model text.
  const options: AjvOptions = {
    strict: false,
    allErrors: true,
    validateFormats: settings.formats,
    ownProperties: true,
    validateSchema: settings.validateSchema,
    logger: false,
    code: { regExp: settings.patterns === 'ecmascript' ? ecmascriptRegExp : linearRegExp },
  };
  let ajv: Ajv;
  switch (settings.draft) {
    case '04':
      ajv = new AjvDraft04.default(options) as unknown as Ajv;
      break;
    case '06':
      // Draft-06 is draft-07 without if/then/else and a few annotations; ajv validates it with the 07 class.
      ajv = new Ajv(options);
      ajv.addMetaSchema(draft06MetaSchema);
      break;
    case '07':
      ajv = new Ajv(options);
      break;
    case '2019-09':
      ajv = new Ajv2019(options);
      break;
    case '2020-12':
      ajv = new Ajv2020(options);
      break;
  }
  if (settings.formats) addSafeFormats(ajv);
  addLinearUniqueItems(ajv);
  return track(ajv);
}

// Instances that hold meta-schemas only, one per draft and format setting: `validateSchema` compiles the
// meta-schema once (about 35 ms) and never adds the schema it checks, so user schemas never reach them.
const metaInstances = new Map<string, Ajv>();

/** The shared instance that checks schemas of a draft against its meta-schema. */
export function metaValidator(draft: JsonSchemaDraft, formats: boolean): Ajv {
  const key = `${draft}:${formats ? 'f' : '-'}`;
  let ajv = metaInstances.get(key);
  if (ajv === undefined) {
    ajv = createAjv({ draft, formats, validateSchema: true });
    metaInstances.set(key, ajv);
  }
  return ajv;
}

/**
 * Frees a URI a fresh instance took for a meta-schema, when a user schema claims it: real schemas copy a
 * draft's meta-schema and keep its `$id`. On a private instance that never checks meta-schemas, dropping
 * the preloaded copy is harmless.
 */
export function releaseId(ajv: Ajv, id: string): void {
  const normalized = id.replace(/#$/, '');
  if (ajv.schemas[normalized] !== undefined || ajv.refs[normalized] !== undefined) ajv.removeSchema(normalized);
}

/**
 * Compiled schemas held by every ajv instance still alive (meta-schemas included). Bounded by the validator
 * caches and the gates in use; for tests and the memory script, after a garbage collection.
 */
export function retainedCompiledSchemas(): { readonly instances: number; readonly schemas: number } {
  let instances = 0;
  let schemas = 0;
  for (const ref of live) {
    const ajv = ref.deref();
    if (ajv === undefined) continue;
    instances += 1;
    schemas += (ajv as unknown as { _cache: Map<unknown, unknown> })._cache.size;
  }
  return { instances, schemas };
}

const metaSchemaLists = new Map<
  JsonSchemaDraft,
  readonly { readonly uri: string; readonly schema: boolean | object }[]
>();

/** The meta-schemas ajv ships for a draft (the draft's own and its vocabularies), by URI. */
export function metaSchemasOf(draft: JsonSchemaDraft): readonly { readonly uri: string; readonly schema: never }[] {
  let list = metaSchemaLists.get(draft);
  if (list === undefined) {
    const ajv = createAjv({ draft, formats: false, validateSchema: false });
    list = Object.entries(ajv.schemas).flatMap(([uri, env]) =>
      env === undefined ? [] : [{ uri, schema: env.schema as boolean | object }],
    );
    metaSchemaLists.set(draft, list);
  }
  return list as readonly { readonly uri: string; readonly schema: never }[];
}
