/**
 * A linear pre-scan of JavaScript and TypeScript bracket nesting, run before the parser sees the code. Recursive
 * descent parsers (oxc, tsgo) use native stack per nesting level, and oxc overflows its stack on a few
 * thousand `(`: an uncatchable crash. The scan answers "too deep" in microseconds instead.
 *
 * It is a lexer, not a parser: it skips strings, comments, template text and regular expression literals so
 * brackets inside them do not count, and guesses whether a `/` starts a regular expression from the token
 * before it, as every JavaScript highlighter does. The guess can be wrong (`if (x) /re/` is guessed right,
 * JSX text is not understood), and a wrong guess can hide brackets from the scan. That is why the scan is
 * only the first line of defence: the JavaScript parser runs in a child process whose crash costs that one
 * check, and chains that are not brackets at all (`!!!!…`, `a.b.b.b…`, `1+1+1…`) overflow oxc too.
 */

import { lineStartsOf, positionOf } from './diagnostics.ts';
import type { NestingFailure } from './worker-protocol.ts';

/**
 * What the scan found: the deepest nesting and how many regular expression literals it skipped, or the
 * offset where the nesting first went past the limit.
 */
export type NestingScan =
  | { readonly exceeded: false; readonly maxDepth: number; readonly regularExpressions: number }
  | { readonly exceeded: true; readonly depth: number; readonly offset: number };

// Bracket kinds on the stack (plain numbers: the file also runs under Node's type stripping, which has no enums).
const PAREN = 0;
/** `(` right after `if`, `while`, `for` or `with`: a regular expression may follow its `)`. */
const CONTROL_PAREN = 1;
const SQUARE = 2;
const BRACE = 3;
/** `${` inside a template literal: its `}` returns to template text. */
const TEMPLATE_EXPRESSION = 4;

// After these words an expression starts, so a `/` begins a regular expression.
const EXPRESSION_KEYWORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
  'extends',
  'default',
]);
const CONTROL_KEYWORDS = new Set(['if', 'while', 'for', 'with']);

const SLASH = 0x2f;
const STAR = 0x2a;
const BACKSLASH = 0x5c;
const BACKTICK = 0x60;
const DOLLAR = 0x24;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

// Character classes of ASCII (0 for anything else), looked up rather than compared: the scan runs over up to
// a few hundred KiB.
const SPACE = 1;
const WORD = 2;
const ASCII_CLASS = new Uint8Array(128);
for (let code = 0; code < 128; code += 1) {
  const char = String.fromCharCode(code);
  if (/[A-Za-z0-9_$#]/.test(char)) ASCII_CLASS[code] = WORD;
  else if (/[\t\n\v\f\r ]/.test(char)) ASCII_CLASS[code] = SPACE;
}

function classOf(code: number): number {
  if (code < 128) return ASCII_CLASS[code] as number;
  return code === 0xa0 || code === 0xfeff || code === 0x2028 || code === 0x2029 ? SPACE : WORD;
}

function isWordCode(code: number): boolean {
  return classOf(code) === WORD;
}

function isLineEnd(code: number): boolean {
  return code === LINE_FEED || code === CARRIAGE_RETURN || code === 0x2028 || code === 0x2029;
}

/** Skips a quoted string from its opening quote; ends at the closing quote or, unterminated, at a line end. */
function skipString(source: string, start: number, quote: number): number {
  let i = start + 1;
  while (i < source.length) {
    const code = source.charCodeAt(i);
    if (code === BACKSLASH) i += 2;
    else if (code === quote) return i + 1;
    else if (code === LINE_FEED || code === CARRIAGE_RETURN) return i;
    else i += 1;
  }
  return i;
}

/** Skips a regular expression literal from its `/`, including its flags; a line end stops an unterminated one. */
function skipRegularExpression(source: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < source.length) {
    const code = source.charCodeAt(i);
    if (code === BACKSLASH) i += 2;
    else if (isLineEnd(code)) return i;
    else {
      i += 1;
      if (code === 0x5b) inClass = true;
      else if (code === 0x5d) inClass = false;
      else if (code === SLASH && !inClass) break;
    }
  }
  while (i < source.length && isWordCode(source.charCodeAt(i))) i += 1;
  return i;
}

/**
 * Skips template text from just after a `` ` `` or a template expression's `}`. Returns where the scan goes
 * on and whether it stopped at a `${` (true) or at the closing backtick or the end (false).
 */
function skipTemplateText(source: string, start: number): { next: number; expression: boolean } {
  let i = start;
  while (i < source.length) {
    const code = source.charCodeAt(i);
    if (code === BACKSLASH) i += 2;
    else if (code === BACKTICK) return { next: i + 1, expression: false };
    else if (code === DOLLAR && source.charCodeAt(i + 1) === 0x7b) return { next: i + 2, expression: true };
    else i += 1;
  }
  return { next: i, expression: false };
}

/**
 * Measures how deeply `(`, `[`, `{` and template `${` nest in JavaScript or TypeScript source, in one pass
 * and constant memory (the bracket stack never grows past `limit`). Stops at the first bracket past `limit`.
 * Unbalanced closers are ignored: the parser reports those.
 */
export function scanNesting(source: string, limit: number): NestingScan {
  const stack = new Uint8Array(limit + 1);
  let depth = 0;
  let maxDepth = 0;
  let regexAllowed = true;
  let lastWord = '';
  let regularExpressions = 0;
  let i = 0;
  if (source.startsWith('#!')) {
    while (i < source.length && !isLineEnd(source.charCodeAt(i))) i += 1;
  }
  const open = (kind: number, at: number): NestingScan | undefined => {
    if (depth >= limit) return { exceeded: true, depth: depth + 1, offset: at };
    stack[depth] = kind;
    depth += 1;
    if (depth > maxDepth) maxDepth = depth;
    return undefined;
  };
  while (i < source.length) {
    const code = source.charCodeAt(i);
    const kind = classOf(code);
    if (kind === SPACE) {
      i += 1;
      continue;
    }
    if (kind === WORD) {
      const start = i;
      i += 1;
      while (i < source.length && classOf(source.charCodeAt(i)) === WORD) i += 1;
      // Keywords are short and lowercase: other words are not worth a string and a lookup.
      if (i - start >= 2 && i - start <= 10 && code >= 0x61 && code <= 0x7a) {
        lastWord = source.slice(start, i);
        regexAllowed = EXPRESSION_KEYWORDS.has(lastWord);
      } else {
        lastWord = '';
        regexAllowed = false;
      }
      continue;
    }
    const word = lastWord;
    lastWord = '';
    switch (code) {
      case 0x27: // '
      case 0x22: // "
        i = skipString(source, i, code);
        regexAllowed = false;
        continue;
      case BACKTICK: {
        const text = skipTemplateText(source, i + 1);
        i = text.next;
        if (text.expression) {
          const exceeded = open(TEMPLATE_EXPRESSION, i - 2);
          if (exceeded !== undefined) return exceeded;
          regexAllowed = true;
        } else regexAllowed = false;
        continue;
      }
      case SLASH: {
        const next = source.charCodeAt(i + 1);
        if (next === SLASH) {
          while (i < source.length && !isLineEnd(source.charCodeAt(i))) i += 1;
        } else if (next === STAR) {
          const end = source.indexOf('*/', i + 2);
          i = end === -1 ? source.length : end + 2;
        } else if (regexAllowed) {
          i = skipRegularExpression(source, i);
          regularExpressions += 1;
          regexAllowed = false;
        } else {
          i += 1;
          regexAllowed = true;
        }
        continue;
      }
      case 0x28: // (
      case 0x5b: // [
      case 0x7b: {
        // {
        const kind =
          code === 0x5b ? SQUARE : code === 0x7b ? BRACE : CONTROL_KEYWORDS.has(word) ? CONTROL_PAREN : PAREN;
        const exceeded = open(kind, i);
        if (exceeded !== undefined) return exceeded;
        i += 1;
        regexAllowed = true;
        continue;
      }
      case 0x29: // )
      case 0x5d: {
        // ]
        i += 1;
        const top = depth > 0 ? stack[depth - 1] : undefined;
        if (top === undefined || top === TEMPLATE_EXPRESSION) {
          regexAllowed = false;
          continue;
        }
        depth -= 1;
        regexAllowed = top === CONTROL_PAREN;
        continue;
      }
      case 0x7d: {
        // }
        i += 1;
        if (depth === 0) {
          regexAllowed = true;
          continue;
        }
        depth -= 1;
        if (stack[depth] === TEMPLATE_EXPRESSION) {
          const text = skipTemplateText(source, i);
          i = text.next;
          if (text.expression) {
            const exceeded = open(TEMPLATE_EXPRESSION, i - 2);
            if (exceeded !== undefined) return exceeded;
            regexAllowed = true;
          } else regexAllowed = false;
        } else {
          // The end of a block more often than of an object literal: a statement, so maybe a regex, may follow.
          regexAllowed = true;
        }
        continue;
      }
      case 0x2b: // +
      case 0x2d: // -
        // `a++ / b` divides and `x = ++/re/.lastIndex` is nonsense: a doubled sign keeps the state before it.
        if (source.charCodeAt(i + 1) === code) i += 2;
        else {
          i += 1;
          regexAllowed = true;
        }
        continue;
      case 0x2e: // .
        // A number's fraction (`1.5`) is part of a word; a member access needs a name, never a regex.
        i += 1;
        regexAllowed = false;
        continue;
      default:
        i += 1;
        regexAllowed = true;
    }
  }
  return { exceeded: false, maxDepth, regularExpressions };
}

/** The scan as the checkers report it: `undefined` when the nesting is within `limit`. */
export function nestingFailure(source: string, limit: number): NestingFailure | undefined {
  const scan = scanNesting(source, limit);
  if (!scan.exceeded) return undefined;
  return { depth: scan.depth, limit, ...positionOf(lineStartsOf(source), scan.offset) };
}
