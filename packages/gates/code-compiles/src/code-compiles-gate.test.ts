import { gateContext } from '@llm-cascade/core/test';
import { afterAll, describe, expect, it } from 'vitest';
import { type CodeCompilesGate, codeCompilesGate } from './code-compiles-gate.ts';
import type { CodeCompilesGateOptions } from './gate-options.ts';

const gates: CodeCompilesGate[] = [];
function gate(options: CodeCompilesGateOptions = {}): CodeCompilesGate {
  const made = codeCompilesGate({ poolSize: 1, ...options });
  gates.push(made);
  return made;
}
afterAll(async () => {
  await Promise.all(gates.map((g) => g.close()));
});

const answer = (language: string, code: string) =>
  `Here is the function:\n\n\`\`\`${language}\n${code}\n\`\`\`\n\nIt doubles each value.`;

describe('codeCompilesGate as a cascade gate', () => {
  const typescript = gate({ language: 'typescript' });

  it('passes a fenced answer that type-checks, carrying the code as its value', async () => {
    const code = 'export const double = (values: number[]): number[] => values.map((v) => v * 2);';
    const result = await typescript.evaluate(gateContext({ text: answer('ts', code) }));
    expect(result).toMatchObject({ status: 'pass', reason: 'ok', value: code });
    expect(result.details).toMatchObject({
      language: 'typescript',
      errors: 0,
      warnings: 0,
      syntaxErrors: 0,
      typeErrors: 0,
      source: 'fence',
      blocks: 1,
      sourceBytes: code.length,
    });
    expect(typeof result.details?.durationMs).toBe('number');
    expect(typescript.name).toBe('code-compiles');
  });

  it('fails a type error with feedback fit for a repair prompt and counts in details', async () => {
    const code = 'export function double(values: number[]): string[] {\n  return values.map((v) => v * 2);\n}';
    const result = await typescript.evaluate(gateContext({ text: answer('typescript', code) }));
    expect(result).toMatchObject({ status: 'fail', reason: 'type-error' });
    expect(result.details).toMatchObject({ errors: 1, typeErrors: 1, syntaxErrors: 0, firstError: 'TS2322' });
    expect(result.feedback).toBe(
      [
        'Your TypeScript code does not type-check: 1 error. Line numbers count from the first line of your code block.',
        "line 2, column 3: TS2322: Type 'number[]' is not assignable to type 'string[]'.",
        "  Type 'number' is not assignable to type 'string'.",
        '    return values.map((v) => v * 2);',
      ].join('\n'),
    );
  });

  it('fails a syntax error with reason syntax-error', async () => {
    const result = await typescript.evaluate(gateContext({ text: answer('ts', 'export const a = (;') }));
    expect(result).toMatchObject({ status: 'fail', reason: 'syntax-error', details: { syntaxErrors: 1 } });
    expect(result.feedback).toMatch(/^Your TypeScript code does not parse: 1 syntax error\./);
  });

  it('trims the feedback of a file with many errors', async () => {
    const code = Array.from({ length: 40 }, (_, i) => `export const v${i}: number = "${i}";`).join('\n');
    const trimmed = gate({ language: 'typescript', maxDiagnostics: 3, maxMessageLength: 30 });
    const result = await trimmed.evaluate(gateContext({ text: code }));
    expect(result.details).toMatchObject({ errors: 40, source: 'text' });
    const listed = (result.feedback ?? '').split('\n').filter((line) => line.startsWith('line '));
    expect(listed).toHaveLength(3);
    expect(listed[0]).toBe("line 1, column 14: TS2322: Type 'string' is not assign...");
    expect(result.feedback).toContain('...and 37 more errors.');
    expect(result.feedback).not.toContain('Line numbers count from the first line of your code block');
  });

  it('fails with no-code and says why when the answer has no code of the language', async () => {
    expect(await typescript.evaluate(gateContext({ text: answer('python', 'x = 1') }))).toEqual({
      status: 'fail',
      reason: 'no-code',
      feedback:
        'Your answer has code blocks (python) but none in TypeScript. Give your TypeScript code in a ```typescript block.',
      details: { blocks: 1 },
    });
    expect(await gate().evaluate(gateContext({ text: 'The answer is 42.' }))).toMatchObject({
      status: 'fail',
      reason: 'no-code',
    });
  });

  it('fails too-large before sending anything to a checker', async () => {
    const small = gate({ language: 'typescript', maxSourceBytes: 100 });
    const code = `export const s = "${'é'.repeat(60)}";`;
    const result = await small.evaluate(gateContext({ text: answer('ts', code) }));
    expect(result).toMatchObject({ status: 'fail', reason: 'too-large' });
    expect(result.feedback).toMatch(/over the 100-byte limit/);
    const huge = await small.evaluate(gateContext({ text: 'x'.repeat(1000) }));
    expect(huge).toMatchObject({ status: 'fail', reason: 'too-large', details: { answerLength: 1000 } });
    expect(small.stats.typescript).toBeUndefined();
  });

  // Starts three kinds of checker cold: a worker thread with tsgo, a Node parser process and Python.
  it('checks whichever language the fence names when no language is set', { timeout: 60_000 }, async () => {
    const any = gate();
    expect((await any.evaluate(gateContext({ text: answer('py', 'def f(:\n  pass') }))).reason).toBe('syntax-error');
    expect((await any.evaluate(gateContext({ text: answer('js', 'let a = 1;') }))).status).toBe('pass');
    const ts = await any.evaluate(gateContext({ text: answer('ts', 'const a: number = "x";') }));
    expect(ts).toMatchObject({ reason: 'type-error', details: { language: 'typescript' } });
  });

  it('runs concurrent checks through a bounded pool, each with its own verdict', async () => {
    const pooled = gate({ language: 'typescript', poolSize: 2 });
    await pooled.warmUp({ workers: 5 });
    expect(pooled.stats.typescript).toMatchObject({ started: 2, live: 2, checks: 0 });
    const codes = Array.from({ length: 24 }, (_, i) =>
      i % 4 === 0 ? `export const v${i}: number = "no";` : `export const v${i}: number = ${i};`,
    );
    const results = await Promise.all(codes.map((code) => pooled.evaluate(gateContext({ text: code }))));
    results.forEach((result, i) => {
      expect(result.status).toBe(i % 4 === 0 ? 'fail' : 'pass');
      if (i % 4 !== 0) expect(result.value).toBe(codes[i]);
    });
    expect(pooled.stats.typescript).toMatchObject({ checks: 24, queued: 0, busy: 0 });
    expect(pooled.stats.typescript?.maxBusy).toBe(2);
    expect(pooled.stats.typescript?.started).toBe(2);
  });

  it('drops a queued check whose signal fires, and rejects with its reason', async () => {
    const single = gate({ language: 'typescript' });
    await single.warmUp();
    const controller = new AbortController();
    const first = single.check('export const a = 1;');
    const queued = single.check('export const b = 2;', { signal: controller.signal });
    controller.abort(new Error('caller gave up'));
    await expect(queued).rejects.toThrow('caller gave up');
    expect((await first).status).toBe('pass');
    expect(single.stats.typescript?.checks).toBe(1);
  });

  it('refuses checks once closed', async () => {
    const closing = gate({ language: 'python' });
    expect((await closing.check('x = 1')).status).toBe('pass');
    await closing.close();
    await expect(closing.check('x = 1')).rejects.toThrow(/closed/);
    await expect(closing.evaluate(gateContext({ text: 'x = 1' }))).rejects.toThrow(/closed/);
  });
});
