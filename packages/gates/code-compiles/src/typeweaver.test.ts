/**
 * Real data: 430 single-file npm modules with model-written type annotations (TypeWeaver, ECOOP 2023),
 * each with the verdict of the upstream tsc run. The gate checks them with the same flags as far as
 * TypeScript 7 allows, and the agreement is printed with every disagreement explained.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CodeCheckResult } from './check-result.ts';
import { codeCompilesGate } from './code-compiles-gate.ts';
import { defaultPoolSize } from './gate-options.ts';

const dataDir = process.env.LLM_CASCADE_SHARED_DATA ?? '';
if (dataDir === '')
  console.log('typeweaver.test: LLM_CASCADE_SHARED_DATA is empty; skipping the TypeWeaver agreement check');

interface TypeWeaverRow {
  readonly id: string;
  readonly code: string;
  readonly labels: {
    readonly typechecks: boolean;
    readonly ts_error_codes: readonly string[];
    readonly tsc_errors: readonly { readonly code: string; readonly message: string }[];
  };
}

// Upstream ran with @types of every dependency installed; here only @types/node exists. Errors made of
// these codes alone mean "a dependency's types are missing", not a different verdict on the code.
const ENVIRONMENT_CODES = new Set(['TS2307', 'TS7016', 'TS2503', 'TS2591', 'TS2580']);

// Why the modules seen to disagree under TypeScript 4.9 and 7 do, found by reading each one.
const EXPLAINED: { readonly [pkg: string]: string } = {
  isstream:
    'TS 5.5 infers the type predicate `obj is Stream` for isStream(obj), so `obj._read` on the narrowed obj no longer type-checks',
  'node-domexception':
    "TS 5's lib.es2017.arraybuffer.d.ts adds `new ArrayBuffer()` without a length, which TS 4.9 rejected (TS2554)",
  abbrev: "TS4033 came from TS 4.9's declaration emit; TS 7 emits the declaration without complaint",
};

type Category =
  | 'agree'
  | 'missing dependency types here (upstream had them)'
  | 'declaration-emit error upstream only (TS4xxx, TypeScript 4.9 declaration emit)'
  | 'TypeScript 4.9 vs 7 checker or lib difference';

function categorise(row: TypeWeaverRow, result: CodeCheckResult): Category {
  const ours = result.status === 'pass';
  if (ours === row.labels.typechecks) return 'agree';
  const ourCodes = result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
  if (!ours && ourCodes.every((code) => ENVIRONMENT_CODES.has(code))) {
    return 'missing dependency types here (upstream had them)';
  }
  if (ours && row.labels.ts_error_codes.every((code) => code.startsWith('TS4'))) {
    return 'declaration-emit error upstream only (TS4xxx, TypeScript 4.9 declaration emit)';
  }
  return 'TypeScript 4.9 vs 7 checker or lib difference';
}

describe.skipIf(dataDir === '')('TypeWeaver: agreement with the recorded tsc results', () => {
  it('agrees with upstream tsc on at least 92% of the 430 modules, every disagreement explained', {
    timeout: 180_000,
  }, async () => {
    const rows = readFileSync(join(dataDir, 'typeweaver-ts', 'files.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as TypeWeaverRow);
    expect(rows).toHaveLength(430);

    // @types/node, as upstream had it; read from this workspace, nothing else on disk is visible.
    const typesNode = realpathSync(dirname(createRequire(import.meta.url).resolve('@types/node/package.json')));
    const gate = codeCompilesGate({
      language: 'typescript',
      poolSize: Math.max(2, defaultPoolSize()),
      timeoutMs: 60_000,
      // Upstream: tsc --esModuleInterop --moduleResolution node --target es6 --lib es2021,dom --declaration
      // (TypeScript 4.9, so not strict and scripts stay scripts). TypeScript 7 dropped moduleResolution
      // node10: bundler resolution is the nearest for a single file with no relative imports.
      compilerOptions: {
        strict: false,
        target: 'es2015',
        module: 'esnext',
        moduleResolution: 'bundler',
        moduleDetection: 'auto',
        esModuleInterop: true,
        declaration: true,
        types: ['node'],
        typeRoots: [dirname(typesNode)],
      },
      lib: ['es2021', 'dom'],
      readableDirectories: [dirname(dirname(typesNode))],
    });
    let results: CodeCheckResult[];
    const started = performance.now();
    try {
      results = await Promise.all(rows.map((row) => gate.check(row.code)));
    } finally {
      await gate.close();
    }
    const seconds = (performance.now() - started) / 1000;

    const categories = new Map<Category, { id: string; upstream: string; ours: string }[]>();
    const matrix = { passPass: 0, passFail: 0, failPass: 0, failFail: 0 };
    let syntaxAgree = 0;
    let sameFirstCode = 0;
    rows.forEach((row, i) => {
      const result = results[i] as CodeCheckResult;
      const ours = result.status === 'pass';
      const theirs = row.labels.typechecks;
      if (theirs && ours) matrix.passPass += 1;
      else if (theirs) matrix.passFail += 1;
      else if (ours) matrix.failPass += 1;
      else {
        matrix.failFail += 1;
        if (result.diagnostics[0]?.code === row.labels.tsc_errors[0]?.code) sameFirstCode += 1;
      }
      const ourSyntax = result.diagnostics.some((d) => d.kind === 'syntax' && d.severity === 'error');
      const theirSyntax = row.labels.ts_error_codes.some((code) => /^TS1\d{3}$/.test(code));
      if (ourSyntax === theirSyntax) syntaxAgree += 1;
      const category = categorise(row, result);
      const ourCodes = [...new Set(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))];
      const list = categories.get(category) ?? [];
      list.push({
        id: row.id.replace('typeweaver/', ''),
        upstream: row.labels.ts_error_codes.join(' ') || 'pass',
        ours:
          result.status === 'pass'
            ? 'pass'
            : `${ourCodes.join(' ')} (${result.reason}): ${result.diagnostics[0]?.message.split('\n')[0] ?? result.message}`,
      });
      categories.set(category, list);
    });

    const agree = categories.get('agree')?.length ?? 0;
    const lines = [
      `TypeWeaver: ${rows.length} modules checked in ${seconds.toFixed(1)} s`,
      `  verdict agreement with upstream tsc: ${agree}/${rows.length} (${((100 * agree) / rows.length).toFixed(1)}%)`,
      `  upstream pass -> gate pass ${matrix.passPass}, -> gate fail ${matrix.passFail}; upstream fail -> gate fail ${matrix.failFail}, -> gate pass ${matrix.failPass}`,
      `  syntax-error agreement (TS1xxx present or not): ${syntaxAgree}/${rows.length}`,
      `  both fail with the same first error code: ${sameFirstCode}/${matrix.failFail}`,
      '  disagreements:',
    ];
    for (const [category, items] of categories) {
      if (category === 'agree') continue;
      lines.push(`    ${items.length} x ${category}`);
      for (const item of items.slice(0, category.startsWith('missing') ? 4 : items.length)) {
        const why = EXPLAINED[item.id.split('/').at(-1) ?? ''];
        lines.push(
          `      ${item.id}: upstream ${item.upstream}; gate ${item.ours.slice(0, 160)}${why === undefined ? '' : `\n        why: ${why}`}`,
        );
      }
    }
    console.log(lines.join('\n'));

    expect(results.filter((r) => r.reason === 'timeout' || r.reason === 'worker-crashed')).toEqual([]);
    // Measured 408/430 (94.9%) with typescript 7.0.2; a drop below 92% is a regression.
    expect(agree / rows.length).toBeGreaterThanOrEqual(0.92);
    // Modules upstream rejected but the gate accepts: 3 measured, each a known TS 4.9 -> 7 change.
    expect(matrix.failPass).toBeLessThanOrEqual(5);
    expect(syntaxAgree / rows.length).toBeGreaterThanOrEqual(0.97);
  });
});
