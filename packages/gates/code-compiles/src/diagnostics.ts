import { type CodeLanguage, languageLabel } from './languages.ts';

/** One compiler complaint, with 1-based positions in the checked code (not the model's whole answer). */
export interface CodeDiagnostic {
  /** `syntax` for parse errors, `type` for type-check errors (TypeScript, checked JavaScript). */
  readonly kind: 'syntax' | 'type';
  readonly severity: 'error' | 'warning';
  /** 1-based; 0 for a diagnostic about no line (a missing global type, a compiler option). */
  readonly line: number;
  /** 1-based, in UTF-16 code units; 0 with `line` 0. */
  readonly column: number;
  /** `TS2322` for TypeScript, the exception name for Python (`SyntaxError`, `IndentationError`), `oxc` for the JS parser. */
  readonly code: string;
  readonly message: string;
}

export interface FeedbackLimits {
  /** Diagnostics listed; the rest are counted. */
  readonly maxDiagnostics: number;
  /** Characters of one diagnostic's message. */
  readonly maxMessageLength: number;
  /** Characters of the whole feedback. */
  readonly maxFeedbackLength: number;
}

export const DEFAULT_FEEDBACK_LIMITS: FeedbackLimits = {
  maxDiagnostics: 10,
  maxMessageLength: 400,
  maxFeedbackLength: 4000,
};

const SOURCE_LINE_LIMIT = 160;

/** 1-based line and column of a UTF-16 offset. `lineStarts` comes from `lineStartsOf`. */
export function positionOf(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((lineStarts[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (lineStarts[low] as number) + 1 };
}

/** UTF-16 offsets where each line starts (`\n`, `\r\n` and lone `\r` end lines, as compilers count them). */
export function lineStartsOf(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i += 1) {
    const code = source.charCodeAt(i);
    if (code === 0x0a) starts.push(i + 1);
    else if (code === 0x0d) {
      if (source.charCodeAt(i + 1) === 0x0a) i += 1;
      starts.push(i + 1);
    }
  }
  return starts;
}

export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, Math.max(0, limit - 3))}...`;
}

function sourceLine(source: string, lineStarts: readonly number[], line: number): string | undefined {
  const start = lineStarts[line - 1];
  if (start === undefined) return undefined;
  const next = lineStarts[line];
  const text = source.slice(start, next === undefined ? source.length : next).replace(/\r?\n$|\r$/, '');
  const trimmed = text.trim();
  return trimmed.length === 0 ? undefined : truncate(trimmed, SOURCE_LINE_LIMIT);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * The repair prompt's account of what the compiler said: errors first, each with its line of code, capped in
 * count and length so a file with hundreds of errors does not flood the model's context.
 */
export function formatFeedback(options: {
  readonly language: CodeLanguage;
  readonly diagnostics: readonly CodeDiagnostic[];
  readonly source: string;
  readonly limits: FeedbackLimits;
  /** Whether the code came from a fenced block (line numbers count from its first line). */
  readonly fromFence: boolean;
}): string {
  const { diagnostics, source, limits } = options;
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const syntax = errors.some((d) => d.kind === 'syntax');
  const label = languageLabel(options.language);
  const verb =
    options.language === 'python'
      ? 'does not compile'
      : syntax
        ? 'does not parse'
        : options.language === 'typescript'
          ? 'does not type-check'
          : 'does not pass the type check';
  const head = `Your ${label} code ${verb}: ${plural(errors.length, syntax ? 'syntax error' : 'error')}.${
    options.fromFence ? ' Line numbers count from the first line of your code block.' : ''
  }`;
  const lineStarts = lineStartsOf(source);
  const parts = [head];
  let length = head.length;
  let shown = 0;
  for (const diagnostic of errors) {
    if (shown >= limits.maxDiagnostics) break;
    const where = diagnostic.line > 0 ? `line ${diagnostic.line}, column ${diagnostic.column}` : 'global';
    let entry = `${where}: ${diagnostic.code}: ${truncate(diagnostic.message, limits.maxMessageLength)}`;
    const code = diagnostic.line > 0 ? sourceLine(source, lineStarts, diagnostic.line) : undefined;
    if (code !== undefined) entry += `\n    ${code}`;
    if (length + entry.length + 1 > limits.maxFeedbackLength - 40) break;
    parts.push(entry);
    length += entry.length + 1;
    shown += 1;
  }
  if (shown < errors.length) parts.push(`...and ${plural(errors.length - shown, 'more error')}.`);
  return truncate(parts.join('\n'), limits.maxFeedbackLength);
}
