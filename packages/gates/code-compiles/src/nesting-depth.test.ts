import { describe, expect, it } from 'vitest';
import { nestingFailure, scanNesting } from './nesting-depth.ts';

const depthOf = (source: string): number => {
  const scan = scanNesting(source, 1_000);
  if (scan.exceeded) throw new Error('unexpectedly past the limit');
  return scan.maxDepth;
};

describe('scanNesting', () => {
  it('counts (, [, { and template ${ as nesting', () => {
    expect(depthOf('const a = 1;')).toBe(0);
    expect(depthOf('f(a[b({c: 1})]);')).toBe(4);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test, not a template
    expect(depthOf('const s = `a${`b${c}`}`;')).toBe(2);
    expect(depthOf('if (a) { while (b) { x(); } }')).toBe(3);
  });

  it('stops at the first bracket past the limit and says where', () => {
    const source = `const x = ${'('.repeat(3_000)}1${')'.repeat(3_000)};`;
    expect(scanNesting(source, 256)).toEqual({ exceeded: true, depth: 257, offset: 'const x = '.length + 256 });
    expect(nestingFailure(`let a;\n  ${'['.repeat(10)}`, 4)).toEqual({ depth: 5, limit: 4, line: 2, column: 7 });
    expect(nestingFailure('f((1));', 4)).toBeUndefined();
  });

  it('does not count brackets in strings, comments, template text or regular expressions', () => {
    const hidden = '((((((((((';
    for (const source of [
      `const s = '${hidden}';`,
      `const s = "${hidden}\\"${hidden}";`,
      `// ${hidden}\nlet a;`,
      `/* ${hidden}\n${hidden} */ let a;`,
      `const t = \`${hidden}\`;`,
      `const r = /${hidden.replaceAll('(', '\\(')}[(]/g;`,
      `#!/usr/bin/env node ${hidden}\nlet a;`,
    ]) {
      expect(depthOf(source)).toBe(0);
    }
  });

  it('tells a regular expression from a division by the token before the slash', () => {
    // Division: after a name, a number, a closing bracket (not of if/while/for/with) or a string.
    expect(scanNesting('const x = a / b / (c);', 10)).toMatchObject({ maxDepth: 1, regularExpressions: 0 });
    expect(scanNesting('const x = (a) / 2 / (b);', 10)).toMatchObject({ maxDepth: 1, regularExpressions: 0 });
    expect(scanNesting('const x = a[0] / 2, y = i++ / 2;', 10)).toMatchObject({ regularExpressions: 0 });
    // A regular expression: after an operator, an opening bracket, a keyword or a control statement's `)`.
    expect(scanNesting('const r = /[(]/; f(/(/);', 10)).toMatchObject({ maxDepth: 1, regularExpressions: 2 });
    expect(scanNesting('if (ok) /((/.test(s);', 10)).toMatchObject({ maxDepth: 1, regularExpressions: 1 });
    expect(scanNesting('function f() { return /((/; }', 10)).toMatchObject({ maxDepth: 1, regularExpressions: 1 });
    expect(scanNesting('x = typeof /(/ ; y = a\n/ 2', 10)).toMatchObject({ maxDepth: 0, regularExpressions: 1 });
  });

  it('returns to template text when a template expression closes, at any depth', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test, not a template
    expect(depthOf('const s = `${a}((${b}((`; f(1);')).toBe(1);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test, not a template
    expect(depthOf('const s = `${ { a: `${ [1] }` } }`;')).toBe(4);
  });

  it('ignores closers with nothing open, and a closing ) or ] cannot end a template expression', () => {
    expect(depthOf(')))]]]}}} f(1);')).toBe(1);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test, not a template
    expect(depthOf('const s = `${ ) }((`;')).toBe(1);
  });

  it('runs in constant memory whatever the input: its stack is sized by the limit', () => {
    const source = '{'.repeat(200_000);
    expect(scanNesting(source, 64)).toMatchObject({ exceeded: true, depth: 65, offset: 64 });
  });
});
