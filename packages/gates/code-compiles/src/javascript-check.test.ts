import { afterAll, describe, expect, it } from 'vitest';
import { type CodeCompilesGate, codeCompilesGate } from './code-compiles-gate.ts';
import type { CodeCompilesGateOptions } from './gate-options.ts';

const gates: CodeCompilesGate[] = [];
function gate(options: CodeCompilesGateOptions = {}): CodeCompilesGate {
  const made = codeCompilesGate({ language: 'javascript', poolSize: 1, ...options });
  gates.push(made);
  return made;
}
afterAll(async () => {
  await Promise.all(gates.map((g) => g.close()));
});

describe('JavaScript parse (oxc) and optional checkJs', () => {
  const parse = gate();

  it('passes ES modules and CommonJS alike', async () => {
    expect(
      await parse.check("import fs from 'node:fs';\nexport const read = (p) => fs.readFileSync(p, 'utf8');\n"),
    ).toMatchObject({
      status: 'pass',
      reason: 'ok',
      language: 'javascript',
    });
    expect(
      (
        await parse.check(
          "const fs = require('fs');\nmodule.exports = function read(p) { return fs.readFileSync(p); };\n",
        )
      ).status,
    ).toBe('pass');
  });

  it('reports a syntax error with its line and UTF-16 column', async () => {
    const result = await parse.check('const a = "é😀";\nlet x = ;\n');
    expect(result).toMatchObject({ status: 'fail', reason: 'syntax-error', errors: 1 });
    expect(result.diagnostics[0]).toMatchObject({
      kind: 'syntax',
      severity: 'error',
      line: 2,
      column: 9,
      code: 'SyntaxError',
    });
    const emoji = await parse.check('const a = "é😀"; let x = ;');
    expect(emoji.diagnostics[0]?.column).toBe(26);
  });

  it('reports early errors a parser alone would miss (redeclared let)', async () => {
    const result = await parse.check('let a = 1;\nlet a = 2;\n');
    expect(result.reason).toBe('syntax-error');
    expect(result.diagnostics[0]).toMatchObject({ line: 1, column: 5 });
    expect(result.diagnostics[0]?.message).toBe(
      'Identifier `a` has already been declared; It can not be redeclared here (line 2, column 5)',
    );
  });

  it('follows sourceType: import is an error in a script', async () => {
    const script = gate({ sourceType: 'script' });
    expect((await script.check("import x from 'x';\n")).reason).toBe('syntax-error');
    expect((await parse.check("import x from 'x';\n")).status).toBe('pass');
  });

  it('parses JSX with the jsx option', async () => {
    expect((await parse.check('const view = <div />;')).reason).toBe('syntax-error');
    expect((await gate({ jsx: true }).check('const view = <div />;')).status).toBe('pass');
  });

  it('does not type-check by default, and does with checkJs', async () => {
    const code = '/** @type {number} */\nconst count = "three";\nexport { count };\n';
    expect((await parse.check(code)).status).toBe('pass');
    const checked = await gate({ checkJs: true }).check(code);
    expect(checked).toMatchObject({ status: 'fail', reason: 'type-error' });
    expect(checked.diagnostics[0]).toMatchObject({ line: 2, column: 7, code: 'TS2322' });
  });

  it('reports the parse error, not type errors, when checked JavaScript does not parse', async () => {
    const checked = await gate({ checkJs: true }).check('/** @type {number} */\nconst count = "x";\nlet = ;\n');
    expect(checked.reason).toBe('syntax-error');
    expect(checked.diagnostics.every((d) => d.code === 'SyntaxError')).toBe(true);
  });

  it('never runs the code', async () => {
    const result = await parse.check('process.exit(3);\nwhile (true) {}\n');
    expect(result.status).toBe('pass');
    expect((await parse.check('export const alive = true;')).status).toBe('pass');
    expect(parse.stats.javascript).toMatchObject({ started: 1, crashes: 0, timeouts: 0 });
    // A parse-only gate never starts the TypeScript compiler.
    expect(parse.stats.typescript).toBeUndefined();
  });
});
