import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError, type JsonSchema } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { compileJsonSchema } from './compile-schema.ts';
import type { JsonSchemaDraft } from './draft.ts';

// The official JSON-Schema-Test-Suite, read in place from the shared data folder (never copied here).
const dataDir = process.env.LLM_CASCADE_SHARED_DATA ?? '';
const suiteDir = dataDir === '' ? '' : join(dataDir, 'json-schema-test-suite');
if (dataDir === '')
  console.log('[gate-json-schema] LLM_CASCADE_SHARED_DATA is empty: skipping the JSON-Schema-Test-Suite check');

interface SuiteTest {
  readonly description: string;
  readonly data: unknown;
  readonly valid: boolean;
}
interface SuiteGroup {
  readonly description: string;
  readonly schema: JsonSchema;
  readonly tests: readonly SuiteTest[];
}

// `floor` applies to the spec's own format semantics (asserted up to draft 07, annotations from 2019-09 on),
// which is what the suite tests; `defaultsFloor` to the gate's defaults, which assert formats in every draft,
// so 2020-12's format.json (15 tests expecting annotations) fails there by design. Measured: spec
// semantics 04 99.68%, 06 99.76%, 07 99.78%, 2019-09 99.92%, 2020-12 99.92%; gate defaults the same except
// 2020-12 98.77%. What still fails: a custom meta-schema without the validation vocabulary (vocabularies
// are not supported) and, in 04-07, a `$ref` sibling `$id` test.
const DRAFTS: readonly {
  readonly folder: string;
  readonly draft: JsonSchemaDraft;
  readonly floor: number;
  readonly defaultsFloor: number;
}[] = [
  { folder: 'draft4', draft: '04', floor: 0.995, defaultsFloor: 0.995 },
  { folder: 'draft6', draft: '06', floor: 0.995, defaultsFloor: 0.995 },
  { folder: 'draft7', draft: '07', floor: 0.995, defaultsFloor: 0.995 },
  { folder: 'draft2019-09', draft: '2019-09', floor: 0.995, defaultsFloor: 0.995 },
  { folder: 'draft2020-12', draft: '2020-12', floor: 0.995, defaultsFloor: 0.985 },
];
const DRAFT_FOLDER = /^(draft\d|draft20\d\d-\d\d|v1)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.json') ? [path] : [];
  });
}

/** The suite's remotes under their `http://localhost:1234/` URIs: the shared ones plus this draft's folder. */
function remotesFor(folder: string): { [uri: string]: JsonSchema } {
  const root = join(suiteDir, 'remotes');
  const registry: { [uri: string]: JsonSchema } = {};
  for (const path of filesUnder(root)) {
    const rel = relative(root, path).split('\\').join('/');
    const top = rel.split('/')[0] ?? '';
    if (DRAFT_FOLDER.test(top) && top !== folder) continue;
    registry[`http://localhost:1234/${rel}`] = JSON.parse(readFileSync(path, 'utf8')) as JsonSchema;
  }
  return registry;
}

interface DraftReport {
  passed: number;
  total: number;
  failures: Map<string, number>;
  examples: string[];
}

function runDraft(folder: string, draft: JsonSchemaDraft, formats: boolean): DraftReport {
  const registry = remotesFor(folder);
  const report: DraftReport = { passed: 0, total: 0, failures: new Map(), examples: [] };
  const fail = (file: string, what: string): void => {
    report.failures.set(file, (report.failures.get(file) ?? 0) + 1);
    if (report.examples.length < 6) report.examples.push(`${file}: ${what}`);
  };
  // Required tests only: the files at the top of the draft folder (optional/ is left out).
  const dir = join(suiteDir, 'tests', folder);
  const files = readdirSync(dir).filter((name) => name.endsWith('.json'));
  for (const file of files) {
    const groups = JSON.parse(readFileSync(join(dir, file), 'utf8')) as SuiteGroup[];
    for (const group of groups) {
      let validate: ((value: unknown) => boolean) | undefined;
      let compileError = '';
      try {
        const validator = compileJsonSchema({
          schema: group.schema,
          defaultDraft: draft,
          registry,
          formats,
          cache: false,
        });
        validate = (value) => validator.validate(value).valid;
      } catch (error) {
        if (!ConfigError.isInstance(error)) throw error;
        compileError = error.message;
      }
      for (const test of group.tests) {
        report.total += 1;
        if (validate !== undefined && validate(test.data) === test.valid) {
          report.passed += 1;
        } else {
          fail(
            file,
            `${group.description} / ${test.description}${compileError === '' ? '' : ` (does not compile: ${compileError.slice(0, 120)})`}`,
          );
        }
      }
    }
  }
  return report;
}

function describeReport(label: string, report: DraftReport): string {
  const rate = report.passed / report.total;
  const byFile = [...report.failures.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([file, count]) => `${file} ${count}`)
    .join(', ');
  return (
    `[json-schema-test-suite] ${label}: ${report.passed}/${report.total} = ${(rate * 100).toFixed(2)}%` +
    (byFile === '' ? '' : `; failing by file: ${byFile}`) +
    (report.examples.length === 0 ? '' : `\n  e.g. ${report.examples.join('\n  e.g. ')}`)
  );
}

describe.skipIf(dataDir === '')('JSON-Schema-Test-Suite (required tests), through the gate validator', () => {
  for (const { folder, draft, floor, defaultsFloor } of DRAFTS) {
    it(`draft ${draft}: at least ${(floor * 100).toFixed(1)}% (spec formats), ${(defaultsFloor * 100).toFixed(1)}% (gate defaults)`, () => {
      const specFormats = draft !== '2019-09' && draft !== '2020-12';
      const spec = runDraft(folder, draft, specFormats);
      // Up to draft 07 the spec's semantics and the gate's defaults coincide (formats asserted): one run.
      const defaults = specFormats ? spec : runDraft(folder, draft, true);
      console.log(describeReport(`draft ${draft}, spec format semantics`, spec));
      console.log(describeReport(`draft ${draft}, gate defaults (formats asserted)`, defaults));
      expect(spec.total).toBeGreaterThan(500);
      expect(spec.passed / spec.total).toBeGreaterThanOrEqual(floor);
      expect(defaults.passed / defaults.total).toBeGreaterThanOrEqual(defaultsFloor);
      // Every group compiles on an instance of its own (about 1 ms each): seconds per draft on a busy machine.
    }, 120_000);
  }
});
