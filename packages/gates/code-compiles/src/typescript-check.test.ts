import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '@llm-cascade/core';
import { gateContext } from '@llm-cascade/core/test';
import { afterAll, describe, expect, it } from 'vitest';
import { type CodeCompilesGate, codeCompilesGate } from './code-compiles-gate.ts';
import type { CodeCompilesGateOptions } from './gate-options.ts';

const gates: CodeCompilesGate[] = [];
function gate(options: CodeCompilesGateOptions = {}): CodeCompilesGate {
  const made = codeCompilesGate({ language: 'typescript', poolSize: 1, ...options });
  gates.push(made);
  return made;
}
afterAll(async () => {
  await Promise.all(gates.map((g) => g.close()));
});

describe('TypeScript type-check (TypeScript 7, virtual file system)', () => {
  const strict = gate();

  it('passes code that type-checks', async () => {
    const result = await strict.check(
      'export function double(values: readonly number[]): number[] {\n  return values.map((v) => v * 2);\n}\n',
    );
    expect(result).toMatchObject({ status: 'pass', reason: 'ok', language: 'typescript', errors: 0, diagnostics: [] });
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('reports a type error with its line, column, code and message', async () => {
    const result = await strict.check('const ok = 1;\nconst x: number = "a";\n');
    expect(result).toMatchObject({ status: 'fail', reason: 'type-error', errors: 1 });
    expect(result.diagnostics).toEqual([
      {
        kind: 'type',
        severity: 'error',
        line: 2,
        column: 7,
        code: 'TS2322',
        message: "Type 'string' is not assignable to type 'number'.",
      },
    ]);
  });

  it('reports syntax errors as such, without the type errors a broken parse would add', async () => {
    const result = await strict.check('const x: number = "a";\nconst y = ;\n');
    expect(result.reason).toBe('syntax-error');
    expect(result.diagnostics.every((d) => d.kind === 'syntax')).toBe(true);
    expect(result.diagnostics).toEqual([
      { kind: 'syntax', severity: 'error', line: 2, column: 11, code: 'TS1109', message: 'Expression expected.' },
    ]);
  });

  it('reports a regular expression literal tsgo refuses as a syntax error (TS1xxx), not a type error', async () => {
    const result = await strict.check('export const ok = 1;\nexport const r = /[z-a]/;\n');
    expect(result).toMatchObject({ status: 'fail', reason: 'syntax-error' });
    expect(result.diagnostics).toEqual([
      {
        kind: 'syntax',
        severity: 'error',
        line: 2,
        // The range `z-a`, inside the literal.
        column: 20,
        code: 'TS1517',
        message: 'Range out of order in character class.',
      },
    ]);
  });

  it('counts columns in UTF-16 code units, past accents and emoji', async () => {
    const result = await strict.check('const s = "é😀"; const n: number = s;');
    // `n` is the 24th UTF-16 unit (é is one, 😀 two); in UTF-8 bytes it would be the 27th.
    expect(result.diagnostics[0]).toMatchObject({ line: 1, column: 24, code: 'TS2322' });
  });

  it('flattens chained messages so the model sees why types differ', async () => {
    const result = await strict.check('const p: { a: { b: number } } = { a: { b: "x" } };');
    expect(result.diagnostics[0]?.message).toContain("Type 'string' is not assignable to type 'number'.");
  });

  it('is strict by default and follows the compiler options given', async () => {
    const code = 'export function id(a) { return a; }';
    expect((await strict.check(code)).diagnostics[0]?.code).toBe('TS7006');
    expect((await gate({ compilerOptions: { strict: false } }).check(code)).status).toBe('pass');
  });

  it('uses the lib given: no DOM by default, DOM when asked', async () => {
    const code = 'export const title: string = document.title;';
    expect((await strict.check(code)).status).toBe('fail');
    expect((await gate({ lib: ['es2023', 'dom'] }).check(code)).status).toBe('pass');
  });

  it('includes the ambient declarations given, globals and modules', async () => {
    const code = "import leftPad from 'left-pad';\nexport const s: string = leftPad(String(config.port), 6);\n";
    const without = await strict.check(code);
    expect(without.diagnostics.map((d) => d.code).sort()).toEqual(['TS2304', 'TS2307']);
    const withDeclarations = gate({
      declarations: {
        'globals.d.ts': 'declare const config: { readonly port: number };',
        'left-pad.d.ts':
          "declare module 'left-pad' { export default function leftPad(text: string, width: number): string; }",
      },
    });
    expect(await withDeclarations.check(code)).toMatchObject({ status: 'pass' });
    expect((await withDeclarations.check('config.port = 1;')).diagnostics[0]?.code).toBe('TS2540');
  });

  it('drops the diagnostic codes it is told to ignore', async () => {
    const code = "import { x } from 'some-package';\nexport const y: number = x;\n";
    expect((await strict.check(code)).diagnostics[0]?.code).toBe('TS2307');
    expect(await gate({ ignoreDiagnosticCodes: [2307] }).check(code)).toMatchObject({ status: 'pass' });
  });

  it('keeps every answer its own module, so top-level names do not clash with lib globals', async () => {
    const result = await gate({ lib: ['es2023', 'dom'] }).check('const name = 1;\nconst status: number = name;\n');
    expect(result.status).toBe('pass');
  });

  it('shows the compiler nothing of the real disk outside its lib folder', async () => {
    const result = await strict.check(
      "/// <reference path=\"/etc/hostname\" />\nimport data from '/etc/passwd';\nimport other from '../../../../../etc/passwd';\nexport const d = [data, other];\n",
    );
    // TS6231: the referenced file could not be resolved; TS2307: neither module exists.
    expect(result.diagnostics.map((d) => d.code)).toEqual(['TS6231', 'TS2307', 'TS2307']);
    expect(result.diagnostics.some((d) => d.message.includes('root:'))).toBe(false);
  });

  it('reads real directories it is allowed to, such as @types/node', async () => {
    const typesNode = realpathSync(dirname(createRequire(import.meta.url).resolve('@types/node/package.json')));
    const code = "import { readFileSync } from 'node:fs';\nexport const text: string = readFileSync('x', 'utf8');\n";
    expect((await strict.check(code)).status).toBe('fail');
    const withNode = gate({
      compilerOptions: { types: ['node'], typeRoots: [dirname(typesNode)] },
      readableDirectories: [dirname(dirname(typesNode))],
    });
    expect(await withNode.check(code)).toMatchObject({ status: 'pass' });
    expect(
      (
        await withNode.check(
          "import { readFileSync } from 'node:fs';\nexport const n: number = readFileSync('x', 'utf8');",
        )
      ).reason,
    ).toBe('type-error');
  });

  it('follows no symbolic link out of a readable directory, so nothing outside reaches the diagnostics', async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'code-compiles-symlink-')));
    try {
      const allowed = join(root, 'allowed');
      const outside = join(root, 'outside');
      mkdirSync(allowed);
      mkdirSync(outside);
      writeFileSync(join(outside, 'secret.ts'), 'export const secret = { "TOPSECRET-4711": 1 };\n');
      writeFileSync(join(allowed, 'public.ts'), 'export const open = { "public-value": 1 };\n');
      symlinkSync(join(outside, 'secret.ts'), join(allowed, 'leak.ts'));
      symlinkSync(outside, join(allowed, 'linked-dir'));
      symlinkSync(join(allowed, 'public.ts'), join(allowed, 'alias.ts'));
      const sandboxed = gate({ readableDirectories: [allowed] });
      const code = (from: string, name: string) =>
        `import { ${name} } from ${JSON.stringify(from)};\nexport const n: number = ${name};\n`;
      // A file linked from inside to outside, and a file under a directory link, are not there at all.
      for (const from of [join(allowed, 'leak'), join(allowed, 'linked-dir', 'secret')]) {
        const result = await sandboxed.check(code(from, 'secret'));
        expect(result.diagnostics.map((d) => d.code)).toEqual(['TS2307']);
        expect(JSON.stringify(result)).not.toContain('TOPSECRET');
      }
      const referenced = await sandboxed.check(
        `/// <reference path=${JSON.stringify(join(allowed, 'leak.ts'))} />\nexport const n: number = secret;\n`,
      );
      expect(JSON.stringify(referenced)).not.toContain('TOPSECRET');
      // Files really inside stay readable, through a link that stays inside too.
      for (const from of [join(allowed, 'public'), join(allowed, 'alias')]) {
        const result = await sandboxed.check(code(from, 'open'));
        expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
          ['TS2322', "Type '{ \"public-value\": number; }' is not assignable to type 'number'."],
        ]);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('checks .tsx with the jsx option', async () => {
    const tsx = gate({
      jsx: true,
      compilerOptions: { jsx: 'preserve' },
      declarations: {
        'jsx.d.ts':
          'declare namespace JSX { interface IntrinsicElements { div: { id?: string } } interface Element {} }',
      },
    });
    expect(await tsx.check('export const view = <div id="a" />;')).toMatchObject({ status: 'pass' });
    expect((await tsx.check('export const view = <div id={1} />;')).reason).toBe('type-error');
  });

  it('rejects compiler options the compiler refuses, naming the field, at warm-up and at evaluation', async () => {
    const bad = gate({ compilerOptions: { target: 'es1999' } });
    const failure = await bad.warmUp().catch((error: unknown) => error);
    expect(ConfigError.isInstance(failure)).toBe(true);
    expect((failure as ConfigError).field).toBe('compilerOptions');
    expect((failure as ConfigError).message).toMatch(/target/);
    // The engine records a gate that throws as a failed gate (`gate-error`): a misconfiguration is not the
    // model's fault, so the gate does not dress it up as one.
    await expect(bad.evaluate(gateContext({ text: 'export const a = 1;' }))).rejects.toSatisfy(ConfigError.isInstance);
  });

  it('rejects broken declarations, naming the file', async () => {
    const bad = gate({ declarations: { 'broken.d.ts': 'declare const x: ;' } });
    const failure = await bad.warmUp().catch((error: unknown) => error);
    expect(ConfigError.isInstance(failure) && failure.field).toBe('declarations.broken.d.ts');
  });
});
