/**
 * Answers written to break the checker rather than to pass it: deep nesting that overflows a parser's native
 * stack, lone surrogates that the compiler cannot encode, regular expressions the parser lets through. Each
 * fails the answer (or passes valid code) with a verdict; none may take down this process, and the next
 * check must work.
 */
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

const fence = (tag: string, code: string) => `Here you go:\n\n\`\`\`${tag}\n${code}\n\`\`\`\n`;
/** 3 KB of brackets: oxc's parser overflowed the 4 MiB stack of a worker thread on this, killing the process. */
const DEEP_PARENS = `const x = ${'('.repeat(3_000)}1${')'.repeat(3_000)};`;
/** No brackets at all, so the pre-scan cannot see it; still deep enough to overflow oxc in any process. */
const DEEP_NOT = `const x = ${'!'.repeat(30_000)}1;`;

describe('deeply nested JavaScript', () => {
  const javascript = gate({ language: 'javascript' });

  it('fails 3,000 nested brackets with too-deep before parsing, and the next check works', async () => {
    const result = await javascript.evaluate(gateContext({ text: fence('js', DEEP_PARENS) }));
    expect(result).toMatchObject({
      status: 'fail',
      reason: 'too-deep',
      details: { language: 'javascript', nestingLimit: 256 },
    });
    expect(result.feedback).toBe(
      'Your JavaScript code nests brackets more than 256 levels deep (at line 1, column 267 of your code block), which this checker does not accept. Write flatter code: use intermediate variables and helper functions.',
    );
    expect((await javascript.check('export const ok = [1, 2].map((x) => x * 2);')).status).toBe('pass');
    // The pre-scan answered: the parser process never crashed.
    expect(javascript.stats.javascript).toMatchObject({ crashes: 0, started: 1 });
  });

  it('fails the same answer with too-deep when the fence, not the gate, names the language', async () => {
    const any = gate();
    const result = await any.evaluate(gateContext({ text: fence('javascript', DEEP_PARENS) }));
    expect(result).toMatchObject({ status: 'fail', reason: 'too-deep', details: { language: 'javascript' } });
  });

  it('contains a parser crash the pre-scan cannot see: too-deep, one crashed process, then recovery', {
    timeout: 30_000,
  }, async () => {
    const crashing = gate({ language: 'javascript' });
    await crashing.warmUp();
    const result = await crashing.evaluate(gateContext({ text: fence('js', DEEP_NOT) }));
    expect(result).toMatchObject({ status: 'fail', reason: 'too-deep' });
    expect(result.details?.message).toMatch(/overflowed its stack on the code \(SIGSEGV\)/);
    expect(result.feedback).toMatch(/^The JavaScript parser ran out of stack on your code: it nests too deeply/);
    expect(crashing.stats.javascript).toMatchObject({ crashes: 1 });
    expect((await crashing.check('export const ok = !!1;')).status).toBe('pass');
    expect(crashing.stats.javascript).toMatchObject({ crashes: 1, started: 2 });
  });

  it('contains a crash when JSX text hides brackets from the pre-scan', { timeout: 30_000 }, async () => {
    // The apostrophe in the JSX text reads as a string to the scan, which then skips the rest of the line. The
    // parser process has a larger stack than a worker thread: 10,000 brackets overflow it.
    const jsx = gate({ language: 'javascript', jsx: true });
    const code = `export const view = <p>it's {${'('.repeat(10_000)}1${')'.repeat(10_000)}}</p>;`;
    const result = await jsx.check(code);
    expect(result).toMatchObject({ status: 'fail', reason: 'too-deep' });
    expect(result.nesting).toBeUndefined();
    expect((await jsx.check("export const view = <p>it's fine</p>;")).status).toBe('pass');
  });

  it('still passes real code nested within the limit', async () => {
    const depth = 200;
    const result = await javascript.check(`export const x = ${'['.repeat(depth)}1${']'.repeat(depth)};`);
    expect(result.status).toBe('pass');
  });
});

describe('deeply nested TypeScript', () => {
  const typescript = gate({ language: 'typescript' });

  it('fails deep brackets with too-deep before tsgo sees them (it took minutes on 50,000)', {
    timeout: 30_000,
  }, async () => {
    const code = `export const x = ${'['.repeat(5_000)}1${']'.repeat(5_000)};`;
    const result = await typescript.evaluate(gateContext({ text: fence('ts', code) }));
    expect(result).toMatchObject({ status: 'fail', reason: 'too-deep', details: { language: 'typescript' } });
    expect(result.feedback).toMatch(/^Your TypeScript code nests brackets more than 256 levels deep \(at line 1/);
    expect(typescript.stats.typescript).toMatchObject({ crashes: 0, timeouts: 0 });
    expect((await typescript.check('export const ok: number = 1;')).status).toBe('pass');
  });

  it('passes a 100,000-long chain of `!`: tsgo (Go, growing stacks) needs no cap on chains', {
    timeout: 60_000,
  }, async () => {
    expect(await typescript.check(`export const x = ${'!'.repeat(100_000)}1;`)).toMatchObject({ status: 'pass' });
    expect(typescript.stats.typescript).toMatchObject({ crashes: 0, timeouts: 0 });
  });
});

describe('lone surrogates', () => {
  it('TypeScript: a lone surrogate in a string or comment is checked as U+FFFD, not a crashed compiler', {
    timeout: 30_000,
  }, async () => {
    const typescript = gate({ language: 'typescript' });
    expect(await typescript.check('export const s = "\ud800";')).toMatchObject({ status: 'pass', reason: 'ok' });
    expect(await typescript.check('export const s = 1; // \udc00')).toMatchObject({ status: 'pass' });
    const mistyped = await typescript.check('export const s: number = "\ud800x";');
    expect(mistyped).toMatchObject({ status: 'fail', reason: 'type-error' });
    // Positions are unchanged: the replacement is one UTF-16 unit, as the surrogate was.
    expect(mistyped.diagnostics[0]).toMatchObject({ line: 1, column: 14, code: 'TS2322' });
    // Where a lone surrogate cannot stand, U+FFFD cannot either: a syntax error with feedback (tsgo's words
    // for a stray U+FFFD are "File appears to be binary").
    const identifier = await typescript.evaluate(gateContext({ text: fence('ts', 'export const \ud800 = 1;') }));
    expect(identifier).toMatchObject({ status: 'fail', reason: 'syntax-error' });
    expect(identifier.feedback).toContain('line 1, column 14: TS1134: Variable declaration expected.');
    expect(typescript.stats.typescript).toMatchObject({ crashes: 0, started: 1 });
  });

  it('TypeScript declarations with a lone surrogate do not break the checker', { timeout: 30_000 }, async () => {
    const typescript = gate({
      language: 'typescript',
      declarations: { 'globals.d.ts': 'declare const banner: "\udfff";' },
    });
    expect((await typescript.check('export const b: string = banner;')).status).toBe('pass');
  });

  it('JavaScript: passes a lone surrogate in a string literal', async () => {
    const javascript = gate({ language: 'javascript' });
    expect(await javascript.check('export const s = "\ud800";')).toMatchObject({ status: 'pass' });
  });
});

describe('thousands of errors', () => {
  it.each(['javascript', 'typescript'] as const)(
    '%s: sends back the first 1,000 diagnostics, not all 6,000',
    {
      timeout: 60_000,
    },
    async (language) => {
      const checker = gate({ language });
      const result = await checker.evaluate(gateContext({ text: fence(language, 'let a = 1;\n'.repeat(6_000)) }));
      expect(result).toMatchObject({ status: 'fail', details: { errors: 1_000 } });
      expect(result.feedback).toMatch(/\.\.\.and 990 more errors\.$/);
    },
  );
});

describe('regular expression literals Node refuses', () => {
  const javascript = gate({ language: 'javascript' });

  it.each([
    ['/(?<a>x)(?<a>y)/', 'Duplicate capture group name'],
    ['/[z-a]/', 'Range out of order in character class'],
    ['/a{2,1}/', 'numbers out of order in {} quantifier'],
    ['/\\p{Foo}/u', 'Invalid property name'],
    ['/(/', 'Unterminated group'],
  ])('fails %s as a syntax error at its position', async (literal, message) => {
    const result = await javascript.evaluate(
      gateContext({ text: fence('js', `const ok = 1;\nconst r = ${literal};`) }),
    );
    expect(result).toMatchObject({ status: 'fail', reason: 'syntax-error' });
    expect(result.feedback).toContain(`line 2, column 11: SyntaxError: Invalid regular expression: ${literal}`);
    expect(result.feedback).toContain(message);
  });

  it('fails invalid flags too (oxc checks those itself)', async () => {
    expect((await javascript.check('const r = /a/gg;')).reason).toBe('syntax-error');
    expect((await javascript.check('const r = /a/q;')).reason).toBe('syntax-error');
  });

  it('passes the regular expressions Node accepts, new syntax included', async () => {
    for (const code of [
      'export const r = [/(?<a>x)|(?<a>y)/, /[\\p{L}--\\p{Ll}]/v, /(?i:a)b/, /\\d+(?=px)/gu];',
      'export const half = (a, b) => a / 2 / b;',
      'export const s = "/[z-a]/"; // /[z-a]/',
    ]) {
      expect(await javascript.check(code)).toMatchObject({ status: 'pass' });
    }
  });

  it('finds a bad literal anywhere: in a template, in JSX, under a long member chain', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test, not a template
    expect((await javascript.check('const t = `${f(/[z-a]/)}`;')).reason).toBe('syntax-error');
    const jsx = gate({ language: 'javascript', jsx: true });
    expect((await jsx.check('const v = <p title={/[z-a]/.source}>x</p>;')).reason).toBe('syntax-error');
    // A 2,000-long member chain parses, and the AST walk that finds the literal uses no recursion.
    const chain = `const v = a${'.b'.repeat(2_000)}(/[z-a]/);`;
    expect((await javascript.check(chain)).reason).toBe('syntax-error');
  });
});
