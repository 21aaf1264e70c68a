import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CodeCompilesGate, codeCompilesGate } from './code-compiles-gate.ts';
import type { CodeCompilesGateOptions } from './gate-options.ts';
import { resolvePythonInterpreter } from './python-backend.ts';

const gates: CodeCompilesGate[] = [];
function gate(options: CodeCompilesGateOptions = {}): CodeCompilesGate {
  const made = codeCompilesGate({ language: 'python', poolSize: 1, ...options });
  gates.push(made);
  return made;
}
const scratch = mkdtempSync(join(tmpdir(), 'code-compiles-python-'));
afterAll(async () => {
  await Promise.all(gates.map((g) => g.close()));
  rmSync(scratch, { recursive: true, force: true });
});

describe('Python compile() in a persistent interpreter', () => {
  const python = gate();

  it('resolves a shim to the real interpreter once', async () => {
    const executable = await resolvePythonInterpreter('python3');
    expect(isAbsolute(executable)).toBe(true);
    expect(executable).not.toMatch(/shims/);
    expect(await resolvePythonInterpreter('python3')).toBe(executable);
  });

  it('passes code that compiles', async () => {
    const result = await python.check(
      'def double(values: list[int]) -> list[int]:\n    return [v * 2 for v in values]\n',
    );
    expect(result).toMatchObject({ status: 'pass', reason: 'ok', language: 'python', errors: 0 });
  });

  it('reports a syntax error with line, column and exception name', async () => {
    const result = await python.check('x = 1\ndef f(:\n    pass\n');
    expect(result).toMatchObject({ status: 'fail', reason: 'syntax-error', errors: 1 });
    expect(result.diagnostics[0]).toEqual({
      kind: 'syntax',
      severity: 'error',
      line: 2,
      column: 7,
      code: 'SyntaxError',
      message: 'invalid syntax',
    });
  });

  it('names indentation errors', async () => {
    const result = await python.check('def f():\nreturn 1\n');
    expect(result.diagnostics[0]).toMatchObject({ line: 2, code: 'IndentationError' });
  });

  it('fails what compile() refuses beyond syntax: null bytes', async () => {
    expect((await python.check('x = 1\0')).reason).toBe('syntax-error');
  });

  it('checks a lone surrogate as the U+FFFD a UTF-8 file would hold, not as a codec error', async () => {
    expect(await python.check('x = "\ud800"')).toMatchObject({ status: 'pass', diagnostics: [] });
    expect(await python.check('x\udc00 = 1')).toMatchObject({ status: 'fail', reason: 'syntax-error' });
  });

  it('passes with compile warnings, reported as warnings', async () => {
    const result = await python.check('pattern = "\\d+"\n');
    expect(result.status).toBe('pass');
    expect(result.warnings).toBe(1);
    expect(result.diagnostics[0]).toMatchObject({ severity: 'warning', line: 1 });
    expect(result.diagnostics[0]?.message).toContain('escape sequence');
  });

  it('never runs the code: no file written, no exit', async () => {
    const marker = join(scratch, 'ran.txt');
    const code = `import os\nopen(${JSON.stringify(marker)}, 'w').write('ran')\nos._exit(3)\n`;
    expect((await python.check(code)).status).toBe('pass');
    expect(existsSync(marker)).toBe(false);
    expect((await python.check('x = 1')).status).toBe('pass');
    expect(python.stats.python).toMatchObject({ started: 1, crashes: 0 });
  });

  it('answers concurrent checks in order of their own code, on a bounded pool', async () => {
    const two = gate({ poolSize: 2 });
    const codes = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? `def f${i}(:\n  pass` : `x${i} = ${i}`));
    const results = await Promise.all(codes.map((code) => two.check(code)));
    expect(results.map((r) => r.status)).toEqual(codes.map((_, i) => (i % 3 === 0 ? 'fail' : 'pass')));
    expect(two.stats.python?.maxBusy).toBeLessThanOrEqual(2);
    expect(two.stats.python?.checks).toBe(40);
  });

  it('fails every check with worker-crashed, never throws, when the interpreter cannot run', async () => {
    const missing = gate({ pythonInterpreter: '/nonexistent/python3' });
    const result = await missing.check('x = 1');
    expect(result).toMatchObject({ status: 'fail', reason: 'worker-crashed' });
    expect(result.message).toContain('/nonexistent/python3');
    await expect(missing.warmUp()).rejects.toThrow(/nonexistent/);
    // A checker that cannot start is not retried for every queued check: they fail at once.
    const burst = await Promise.all(Array.from({ length: 20 }, () => missing.check('x = 1')));
    expect(burst.every((r) => r.reason === 'worker-crashed')).toBe(true);
    expect(missing.stats.python?.started).toBeLessThanOrEqual(3);
  });

  it('fails with memory-limit when compiling passes the memory cap, then recovers', async () => {
    const capped = gate({ compilerMemoryMb: 128, maxSourceBytes: 2_000_000 });
    const huge = `x = [${Array.from({ length: 300_000 }, () => 'a').join(',')}]`;
    const result = await capped.check(huge);
    expect(result).toMatchObject({ status: 'fail', reason: 'memory-limit' });
    expect((await capped.check('y = 2')).status).toBe('pass');
    expect(capped.stats.python?.started).toBe(2);
  });
});
