// Conformance of the JSON-schema gate's validator to the official JSON-Schema-Test-Suite, per draft: the share
// of required tests passed, with the spec's format semantics and with the gate's defaults. The suite is read
// in place from the shared data folder (never copied here), as packages/gates/json-schema's suite test does.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError, type JsonSchema } from '@llm-cascade/core';
import { compileJsonSchema, type JsonSchemaDraft } from '@llm-cascade/gate-json-schema';
import { type BenchResult, saveResult } from './result-file.ts';
import { sharedDataDir, skipped } from './shared-data.ts';

const NAME = 'json-schema-suite';
const TITLE = 'JSON-schema gate: JSON-Schema-Test-Suite conformance';
const COMMAND = 'scripts/with-node pnpm bench json-schema-suite';

interface SuiteGroup {
  readonly description: string;
  readonly schema: JsonSchema;
  readonly tests: readonly { readonly description: string; readonly data: unknown; readonly valid: boolean }[];
}

const DRAFTS: readonly { readonly folder: string; readonly draft: JsonSchemaDraft }[] = [
  { folder: 'draft4', draft: '04' },
  { folder: 'draft6', draft: '06' },
  { folder: 'draft7', draft: '07' },
  { folder: 'draft2019-09', draft: '2019-09' },
  { folder: 'draft2020-12', draft: '2020-12' },
];
const DRAFT_FOLDER = /^(draft\d|draft20\d\d-\d\d|v1)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.json') ? [path] : [];
  });
}

/** The suite's remotes under their `http://localhost:1234/` URIs: the shared ones plus this draft's folder. */
function remotesFor(suiteDir: string, folder: string): { [uri: string]: JsonSchema } {
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

interface DraftScore {
  readonly passed: number;
  readonly total: number;
  readonly failingFiles: string;
}

/** The required tests (the files at the top of the draft's folder; `optional/` is left out). */
function runDraft(suiteDir: string, folder: string, draft: JsonSchemaDraft, formats: boolean): DraftScore {
  const registry = remotesFor(suiteDir, folder);
  const dir = join(suiteDir, 'tests', folder);
  const failures = new Map<string, number>();
  let passed = 0;
  let total = 0;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    const groups = JSON.parse(readFileSync(join(dir, file), 'utf8')) as SuiteGroup[];
    for (const group of groups) {
      let validate: ((value: unknown) => boolean) | undefined;
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
        // A schema the gate refuses at build time counts as failing all its tests.
        if (!ConfigError.isInstance(error)) throw error;
      }
      for (const test of group.tests) {
        total += 1;
        if (validate !== undefined && validate(test.data) === test.valid) passed += 1;
        else failures.set(file, (failures.get(file) ?? 0) + 1);
      }
    }
  }
  const failingFiles = [...failures.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([file, count]) => `${file} ${count}`)
    .join(', ');
  return { passed, total, failingFiles };
}

const percent = (score: DraftScore) => `${((100 * score.passed) / score.total).toFixed(2)}%`;

export async function jsonSchemaSuiteBench(): Promise<BenchResult> {
  const data = sharedDataDir();
  const suiteDir = data === undefined ? undefined : join(data, 'json-schema-test-suite');
  if (suiteDir === undefined || !existsSync(join(suiteDir, 'tests'))) {
    return skipped(NAME, TITLE, COMMAND, 'json-schema-test-suite (the JSON-Schema-Test-Suite checkout)');
  }
  const rows: string[] = [];
  const figures: Record<string, number | string | boolean> = {};
  for (const { folder, draft } of DRAFTS) {
    // The spec asserts `format` up to draft 07 and makes it an annotation from 2019-09 on; the gate's
    // defaults assert it in every draft, so 2019-09 and 2020-12 are scored both ways.
    const specFormats = draft !== '2019-09' && draft !== '2020-12';
    const spec = runDraft(suiteDir, folder, draft, specFormats);
    const defaults = specFormats ? spec : runDraft(suiteDir, folder, draft, true);
    rows.push(
      `| ${draft} | ${spec.passed.toLocaleString('en')} / ${spec.total.toLocaleString('en')} | ${percent(spec)} | ${percent(defaults)} | ${spec.failingFiles || 'none'} |`,
    );
    figures[`${draft}: total`] = spec.total;
    figures[`${draft}: passedSpecFormats`] = spec.passed;
    figures[`${draft}: percentSpecFormats`] = Number(((100 * spec.passed) / spec.total).toFixed(2));
    figures[`${draft}: percentGateDefaults`] = Number(((100 * defaults.passed) / defaults.total).toFixed(2));
  }
  const markdown = [
    'The required tests of the official [JSON-Schema-Test-Suite](https://github.com/json-schema-org/JSON-Schema-Test-Suite)',
    '(the files at the top of each draft folder; `optional/` left out), each group compiled by `compileJsonSchema` with',
    'the suite’s remotes as the registry. *Spec formats*: `format` asserted up to draft 07 and an annotation from 2019-09',
    'on, as the spec says; *gate defaults*: `format` asserted in every draft (`formats: true`, the gate’s default). A',
    'schema the gate refuses at build time counts as failing all its tests.',
    '',
    '| draft | passed (spec formats) | spec formats | gate defaults | failing tests by file (spec formats) |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  return saveResult({ name: NAME, title: TITLE, command: COMMAND, markdown, figures });
}
