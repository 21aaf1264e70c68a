import { describe, expect, it } from 'vitest';
import {
  type CodeDiagnostic,
  DEFAULT_FEEDBACK_LIMITS,
  formatFeedback,
  lineStartsOf,
  positionOf,
  truncate,
} from './diagnostics.ts';

function diagnostic(line: number, message: string, kind: 'syntax' | 'type' = 'type'): CodeDiagnostic {
  return { kind, severity: 'error', line, column: 3, code: 'TS2322', message };
}

describe('positions', () => {
  it('maps UTF-16 offsets to 1-based lines and columns over LF, CRLF and CR endings', () => {
    const source = 'ab\ncd\r\nef\rgh';
    const starts = lineStartsOf(source);
    expect(starts).toEqual([0, 3, 7, 10]);
    expect(positionOf(starts, 0)).toEqual({ line: 1, column: 1 });
    expect(positionOf(starts, 4)).toEqual({ line: 2, column: 2 });
    expect(positionOf(starts, 8)).toEqual({ line: 3, column: 2 });
    expect(positionOf(starts, 11)).toEqual({ line: 4, column: 2 });
  });

  it('truncates with an ellipsis inside the limit', () => {
    expect(truncate('abcdef', 5)).toBe('ab...');
    expect(truncate('abc', 5)).toBe('abc');
  });
});

describe('formatFeedback', () => {
  const source = 'const a: number = "x";\nconst b: string = 1;\n';

  it('lists each error with its position, code, message and line of code', () => {
    const feedback = formatFeedback({
      language: 'typescript',
      diagnostics: [diagnostic(1, "Type 'string' is not assignable to type 'number'."), diagnostic(2, 'second')],
      source,
      limits: DEFAULT_FEEDBACK_LIMITS,
      fromFence: true,
    });
    expect(feedback).toBe(
      [
        'Your TypeScript code does not type-check: 2 errors. Line numbers count from the first line of your code block.',
        "line 1, column 3: TS2322: Type 'string' is not assignable to type 'number'.",
        '    const a: number = "x";',
        'line 2, column 3: TS2322: second',
        '    const b: string = 1;',
      ].join('\n'),
    );
  });

  it('caps the count, each message and the whole text', () => {
    const many = Array.from({ length: 50 }, (_, i) => diagnostic(1, `error ${i} ${'x'.repeat(1000)}`));
    const feedback = formatFeedback({
      language: 'typescript',
      diagnostics: many,
      source,
      limits: { maxDiagnostics: 3, maxMessageLength: 50, maxFeedbackLength: 4000 },
      fromFence: false,
    });
    expect(feedback.split('\n').filter((l) => l.startsWith('line '))).toHaveLength(3);
    expect(feedback).toContain('...and 47 more errors.');
    for (const line of feedback.split('\n')) expect(line.length).toBeLessThan(200);

    const short = formatFeedback({
      language: 'typescript',
      diagnostics: many,
      source,
      limits: { maxDiagnostics: 50, maxMessageLength: 1000, maxFeedbackLength: 1500 },
      fromFence: false,
    });
    expect(short.length).toBeLessThanOrEqual(1500);
    expect(short).toMatch(/more errors\.$/);
  });

  it('leaves warnings out and says "syntax error" and "does not compile" where they apply', () => {
    const python = formatFeedback({
      language: 'python',
      diagnostics: [
        diagnostic(1, 'invalid syntax', 'syntax'),
        { kind: 'syntax', severity: 'warning', line: 1, column: 1, code: 'SyntaxWarning', message: 'w' },
      ],
      source: 'def f(:\n',
      limits: DEFAULT_FEEDBACK_LIMITS,
      fromFence: false,
    });
    expect(python).toBe(
      'Your Python code does not compile: 1 syntax error.\nline 1, column 3: TS2322: invalid syntax\n    def f(:',
    );
  });
});
