import { ConfigError } from '@llm-cascade/core';
import type { AnswerExtractor } from './extractor.ts';

/** How comments are written: C-like `//` and `/* *\/`, `#` to the end of the line, or not stripped. */
export type CommentStyle = 'c' | 'hash' | 'none';

/** Options of `normalizedCode`. */
export interface NormalizedCodeOptions {
  /**
   * Which comments to strip. `auto` (default) reads the code fence's language (`ts`, `python`, ...) and
   * strips nothing when there is no fence or the language is unknown, because stripping the wrong syntax
   * would delete code.
   */
  readonly comments?: CommentStyle | 'auto';
}

const C_LIKE = new Set([
  'js',
  'javascript',
  'mjs',
  'cjs',
  'jsx',
  'ts',
  'typescript',
  'tsx',
  'mts',
  'cts',
  'java',
  'c',
  'h',
  'cpp',
  'c++',
  'cc',
  'hpp',
  'cs',
  'csharp',
  'c#',
  'go',
  'golang',
  'rust',
  'rs',
  'swift',
  'kotlin',
  'kt',
  'scala',
  'php',
  'dart',
  'jsonc',
]);
const HASH = new Set([
  'python',
  'py',
  'python3',
  'sh',
  'bash',
  'shell',
  'zsh',
  'ruby',
  'rb',
  'r',
  'perl',
  'pl',
  'yaml',
  'yml',
  'toml',
]);

const FENCE = /```([^\n`]*)\n([\s\S]*?)(?:```|$)/;

function styleOf(language: string): CommentStyle {
  const name = language.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (C_LIKE.has(name)) return 'c';
  if (HASH.has(name)) return 'hash';
  return 'none';
}

/**
 * Removes comments (outside string literals) and collapses runs of spaces and tabs outside strings. Lines
 * keep their indentation except in C-like code, where it carries no meaning; blank lines go.
 */
export function normaliseCode(code: string, style: CommentStyle): string {
  let out = '';
  let i = 0;
  const n = code.length;
  while (i < n) {
    const c = code[i] as string;
    const next = code[i + 1];
    if (style === 'c' && c === '/' && next === '/') {
      while (i < n && code[i] !== '\n') i += 1;
      continue;
    }
    if (style === 'c' && c === '/' && next === '*') {
      const close = code.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      out += ' ';
      continue;
    }
    if (style === 'hash' && c === '#') {
      while (i < n && code[i] !== '\n') i += 1;
      continue;
    }
    if (c === '"' || c === "'" || (c === '`' && style === 'c')) {
      const triple = style === 'hash' && code.startsWith(c.repeat(3), i);
      const end = stringEnd(code, i, c, triple);
      out += code.slice(i, end);
      i = end;
      continue;
    }
    if (c === ' ' || c === '\t') {
      const start = i;
      while (i < n && (code[i] === ' ' || code[i] === '\t')) i += 1;
      // Indentation is kept as written (it is syntax in Python); other runs become one space.
      out += out.length === 0 || out.endsWith('\n') ? code.slice(start, i) : ' ';
      continue;
    }
    out += c === '\r' ? '' : c;
    i += 1;
  }
  const lines: string[] = [];
  for (const line of out.split('\n')) {
    const kept = style === 'c' ? line.trim() : line.trimEnd();
    if (kept.length > 0) lines.push(kept);
  }
  return lines.join('\n');
}

/** Index just past the string literal opening at `start`. Single-line strings also end at a newline. */
function stringEnd(code: string, start: number, quote: string, triple: boolean): number {
  const n = code.length;
  let i = start + (triple ? 3 : 1);
  while (i < n) {
    const c = code[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (triple) {
      if (code.startsWith(quote.repeat(3), i)) return i + 3;
    } else if (c === quote) {
      return i + 1;
    } else if (c === '\n' && quote !== '`') {
      return i;
    }
    i += 1;
  }
  return n;
}

/**
 * Extracts code for comparison: the first fenced block when there is one (else the whole answer), with
 * comments and whitespace differences removed conservatively, so two samples that differ only in a
 * comment or in spacing agree. Code is never run: samples whose code behaves the same but is written
 * differently do not agree. Warning: this is a text normalisation, not a parser; a JavaScript regex
 * literal holding a quote can confuse it (the sample then simply votes apart).
 */
export function normalizedCode(options: NormalizedCodeOptions = {}): AnswerExtractor<string> {
  const comments = options.comments ?? 'auto';
  if (!['auto', 'c', 'hash', 'none'].includes(comments)) {
    throw new ConfigError('comments', `must be one of 'auto', 'c', 'hash', 'none', got ${String(comments)}`);
  }
  return (text) => {
    const fence = FENCE.exec(text);
    const code = fence === null ? text : (fence[2] as string);
    const style = comments !== 'auto' ? comments : fence === null ? 'none' : styleOf(fence[1] as string);
    const key = normaliseCode(code, style);
    return key.length === 0 ? undefined : { key, value: key };
  };
}
