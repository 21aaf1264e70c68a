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

const BACKTICK = 0x60;
const NEWLINE = 0x0a;

interface Fence {
  readonly language: string;
  readonly code: string;
}

/**
 * The first Markdown code fence: three backticks, an info string without backticks up to the end of its
 * line, then the body up to the next three backticks (or the end, for an answer cut off mid-fence).
 * Found with indexOf and remembered positions, so it is linear on any input; the next newline and the
 * next backtick are searched again only once passed (a run of backticks before one late newline would
 * otherwise rescan the text for every backtick).
 */
function firstFence(text: string): Fence | undefined {
  let newline = -2;
  let tick = -2;
  let from = 0;
  for (;;) {
    const open = text.indexOf('```', from);
    if (open < 0) return undefined;
    const info = open + 3;
    if (newline !== -1 && newline < info) newline = text.indexOf('\n', info);
    if (newline === -1) return undefined;
    if (tick !== -1 && tick < info) tick = text.indexOf('`', info);
    if (tick !== -1 && tick < newline) {
      // A backtick in the info string: not a fence here, but one may open a character later.
      from = open + 1;
      continue;
    }
    const close = text.indexOf('```', newline + 1);
    return { language: text.slice(info, newline), code: text.slice(newline + 1, close < 0 ? text.length : close) };
  }
}

function styleOf(language: string): CommentStyle {
  const name = language.trim().split(/\s+/, 1)[0]?.toLowerCase() ?? '';
  if (C_LIKE.has(name)) return 'c';
  if (HASH.has(name)) return 'hash';
  return 'none';
}

const SLASH = 0x2f;
const STAR = 0x2a;
const HASH_SIGN = 0x23;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const SPACE = 0x20;
const TAB = 0x09;
const RETURN = 0x0d;
const BACKSLASH = 0x5c;

/**
 * Removes comments (outside string literals) and collapses runs of spaces and tabs outside strings. Lines
 * keep their indentation except in C-like code, where it carries no meaning; blank lines go.
 *
 * Two linear passes. Text that stays as written (string literals, indentation, single spaces) is copied as
 * whole slices; whether the output is at the start of a line is read from the code rather than asked of the
 * growing output (asking the output `endsWith` flattened it every time: seconds on a 200 KB sample).
 */
export function normaliseCode(code: string, style: CommentStyle): string {
  const n = code.length;
  const cLike = style === 'c';
  let out = '';
  // Whether `out` is empty or ends with a newline.
  let outAtLineStart = true;
  // Start of the run of code not yet copied to `out`, which stays as written.
  let plain = 0;
  const flush = (to: number): void => {
    if (to <= plain) return;
    out += code.slice(plain, to);
    outAtLineStart = code.charCodeAt(to - 1) === NEWLINE;
  };
  let i = 0;
  while (i < n) {
    const c = code.charCodeAt(i);
    const next = i + 1 < n ? code.charCodeAt(i + 1) : -1;
    if ((cLike && c === SLASH && next === SLASH) || (style === 'hash' && c === HASH_SIGN)) {
      flush(i);
      const end = code.indexOf('\n', i);
      i = end < 0 ? n : end;
      plain = i;
    } else if (cLike && c === SLASH && next === STAR) {
      flush(i);
      const close = code.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      out += ' ';
      outAtLineStart = false;
      plain = i;
    } else if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE || (c === BACKTICK && cLike)) {
      // Kept as written: the literal stays in the pending run.
      i = stringEnd(code, i, c, style === 'hash' && next === c && code.charCodeAt(i + 2) === c);
    } else if (c === SPACE || c === TAB) {
      const start = i;
      while (i < n && (code.charCodeAt(i) === SPACE || code.charCodeAt(i) === TAB)) i += 1;
      const atLineStart = start > plain ? code.charCodeAt(start - 1) === NEWLINE : outAtLineStart;
      // Indentation is kept as written (it is syntax in Python); other runs become one space.
      if (atLineStart || (i - start === 1 && c === SPACE)) continue;
      flush(start);
      out += ' ';
      outAtLineStart = false;
      plain = i;
    } else if (c === RETURN) {
      flush(i);
      i += 1;
      plain = i;
    } else {
      i += 1;
    }
  }
  flush(n);
  return keptLines(out, cLike);
}

// What String.prototype.trim removes: ECMAScript WhiteSpace and LineTerminator.
function isTrimmed(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * The non-blank lines of `text`, trimmed at the end (and at the start when `trimStart`), joined by newlines.
 * Consecutive lines that need no change are copied as one slice, so a text of many short lines is not
 * rebuilt line by line.
 */
function keptLines(text: string, trimStart: boolean): string {
  let result = '';
  // Start of the run of whole lines kept as they are, not yet copied to `result`; -1 when there is none.
  let runStart = -1;
  let runEnd = -1;
  const append = (piece: string): void => {
    result = result.length === 0 ? piece : `${result}\n${piece}`;
  };
  let from = 0;
  for (;;) {
    const newline = text.indexOf('\n', from);
    const lineEnd = newline < 0 ? text.length : newline;
    let start = from;
    let end = lineEnd;
    while (end > start && isTrimmed(text.charCodeAt(end - 1))) end -= 1;
    if (trimStart) while (start < end && isTrimmed(text.charCodeAt(start))) start += 1;
    if (start === from && end === lineEnd && end > start) {
      if (runStart < 0) runStart = start;
      runEnd = end;
    } else {
      if (runStart >= 0) append(text.slice(runStart, runEnd));
      runStart = -1;
      if (end > start) append(text.slice(start, end));
    }
    if (newline < 0) break;
    from = newline + 1;
  }
  if (runStart >= 0) append(text.slice(runStart, runEnd));
  return result;
}

/** Index just past the string literal opening at `start`. Single-line strings also end at a newline. */
function stringEnd(code: string, start: number, quote: number, triple: boolean): number {
  const n = code.length;
  let i = start + (triple ? 3 : 1);
  while (i < n) {
    const c = code.charCodeAt(i);
    if (c === BACKSLASH) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (!triple) return i + 1;
      if (code.charCodeAt(i + 1) === quote && code.charCodeAt(i + 2) === quote) return i + 3;
    } else if (c === NEWLINE && !triple && quote !== BACKTICK) {
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
    const fence = firstFence(text);
    const code = fence === undefined ? text : fence.code;
    const style = comments !== 'auto' ? comments : fence === undefined ? 'none' : styleOf(fence.language);
    const key = normaliseCode(code, style);
    return key.length === 0 ? undefined : { key, value: key };
  };
}
