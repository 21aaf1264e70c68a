import { ConfigError } from '@llm-cascade/core';
import { gateContext } from '@llm-cascade/core/test';
import { afterAll, describe, expect, it } from 'vitest';
import { codeTestsGate } from './index.ts';

const fence = (lang: string, code: string) => `Here you go:\n\`\`\`${lang}\n${code}\n\`\`\`\n`;

describe('codeTestsGate (TypeScript and JavaScript in QuickJS)', () => {
  const gate = codeTestsGate({
    language: 'typescript',
    poolSize: 1,
    tests: {
      assertions: [
        "import * as assert from 'assert'\nassert.deepEqual(add(1, 2), 3);",
        'assert.strictEqual(add(-1, 1), 0);',
        { name: 'big', code: 'assert.strictEqual(add(2 ** 40, 1), 2 ** 40 + 1);' },
      ],
    },
  });
  afterAll(() => gate.close());

  it('passes an answer whose code passes every test, with the code as its value', async () => {
    const code = 'export function add(a: number, b: number): number {\n  return a + b;\n}';
    const result = await gate.evaluate(gateContext({ text: fence('ts', code) }));
    expect(result).toMatchObject({ status: 'pass', reason: 'ok', score: 1, value: code });
  });

  it('fails a wrong answer with feedback naming the test, expected and actual', async () => {
    const result = await gate.evaluate(
      gateContext({ text: fence('typescript', 'function add(a: number, b: number) { return a - b; }') }),
    );
    expect(result.status).toBe('fail');
    expect(result.reason).toBe('tests-failed');
    expect(result.score).toBeCloseTo(0);
    expect(result.feedback).toContain('passed 0 of 3 tests');
    expect(result.feedback).toContain('Test 1 (test 1) failed');
    expect(result.feedback).toContain('actual: -1');
    expect(result.feedback).toContain('expected: 3');
  });

  it('reports a syntax error with its line, before any test', async () => {
    const result = await gate.evaluate(
      gateContext({ text: fence('ts', 'function add(a: number, b: number) {\n  return a +;\n}') }),
    );
    expect(result).toMatchObject({ status: 'fail', reason: 'code-error' });
    expect(result.feedback).toContain('line 2');
  });

  it('erases enums and parameter properties (transform mode) as well as plain types', async () => {
    const code =
      'enum Op { Add }\nclass Calc { constructor(private base: number) {} run(op: Op, x: number) { return op === Op.Add ? this.base + x : 0; } }\nfunction add(a: number, b: number) { return new Calc(a).run(Op.Add, b); }';
    const result = await gate.evaluate(gateContext({ text: fence('ts', code) }));
    expect(result.status).toBe('pass');
  });

  it('drops imports used only as types or not at all, as tsc does, and fails an import it needs', async () => {
    const body = 'function add(a: number, b: number): Num { return a + b; }';
    const unused = await gate.evaluate(
      gateContext({ text: fence('ts', `import * as math from 'mathjs';\nimport { Num } from './types';\n${body}`) }),
    );
    expect(unused).toMatchObject({ status: 'pass', reason: 'ok' });
    const used = await gate.evaluate(
      gateContext({ text: fence('ts', `import * as math from 'mathjs';\n${body.replace('a + b', 'math.add(a, b)')}`) }),
    );
    expect(used).toMatchObject({ status: 'fail', reason: 'code-error' });
    expect(used.feedback).toContain('mathjs');
  });

  it('fails with no-code when the answer has no code of the language', async () => {
    const result = await gate.evaluate(gateContext({ text: fence('python', 'def add(a, b):\n    return a + b') }));
    expect(result).toMatchObject({ status: 'fail', reason: 'no-code' });
  });
});

describe('codeTestsGate cases, threshold and request tests', () => {
  const gate = codeTestsGate({
    language: 'javascript',
    poolSize: 1,
    threshold: 0.5,
    tests: {
      entryPoint: 'median',
      cases: [
        { args: [[1, 2, 3]], expected: 2 },
        { args: [[3, 1, 2]], expected: 2 },
        { args: [[1, 2, 3, 4]], expected: 2.5 },
      ],
    },
  });
  afterAll(() => gate.close());

  it('gives partial credit: 2 of 3 passes a 0.5 threshold, with the score', async () => {
    const code = 'function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }';
    const result = await gate.evaluate(gateContext({ text: fence('js', code) }));
    expect(result.status).toBe('pass');
    expect(result.score).toBeCloseTo(2 / 3);
  });

  it('shows arguments, expected and actual of a failing case', async () => {
    const result = await gate.evaluate(gateContext({ text: fence('js', 'function median(xs) { return xs[1]; }') }));
    expect(result.status).toBe('fail');
    expect(result.score).toBeCloseTo(1 / 3);
    expect(result.feedback).toContain('Arguments: [[3,1,2]]');
    expect(result.feedback).toContain('Expected: 2');
    expect(result.feedback).toContain('Actual:   1');
  });

  it('fails with code-error when the entry point is missing', async () => {
    const result = await gate.evaluate(gateContext({ text: fence('js', 'function mean(xs) { return 0; }') }));
    expect(result).toMatchObject({ status: 'fail', reason: 'code-error' });
    expect(result.feedback).toContain('median');
  });

  it('reads tests from request metadata and skips a request without any', async () => {
    const fromMetadata = codeTestsGate({ language: 'javascript', poolSize: 1 });
    try {
      const tests = JSON.stringify({ entryPoint: 'twice', cases: [{ args: [2], expected: 4 }] });
      const context = gateContext({
        text: fence('js', 'const twice = (x) => 2 * x;'),
        request: { metadata: { codeTests: tests } },
      });
      expect((await fromMetadata.evaluate(context)).status).toBe('pass');
      const none = await fromMetadata.evaluate(gateContext({ text: fence('js', 'const twice = 1;') }));
      expect(none).toMatchObject({ status: 'skipped', reason: 'no-tests' });
    } finally {
      await fromMetadata.close();
    }
  });
});

describe('codeTestsGate options', () => {
  it('rejects unknown and invalid options with ConfigError naming the field', () => {
    expect(() => codeTestsGate({ language: 'ruby' as never })).toThrow(ConfigError);
    expect(() => codeTestsGate({ language: 'python', threshold: 0 })).toThrow(/threshold/);
    expect(() => codeTestsGate({ language: 'python', timeotMs: 5 } as never)).toThrow(/timeotMs/);
    expect(() => codeTestsGate({ language: 'python', tests: { cases: [] } as never })).toThrow(/tests/);
    expect(() =>
      codeTestsGate({ language: 'python', tests: { entryPoint: 'f', cases: [{ args: [1], expected: Number.NaN }] } }),
    ).toThrow(/tests.cases\[0\].expected/);
    expect(() => codeTestsGate({ language: 'python', tests: { entryPoint: 'f()', cases: [] } })).toThrow(/entryPoint/);
  });
});
