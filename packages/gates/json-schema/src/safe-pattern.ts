import { RE2JS } from 're2js';
import { BudgetExceededError, spend } from './budget.ts';

/**
 * Strings longer than this are not matched by the RE2 engine: it is linear, but in JavaScript about
 * 1.2 µs a character on a hostile pattern, so a longer string fails the pattern rather than stall the
 * event loop (see the package README). Patterns V8 provably runs in linear time have no such cap.
 */
export const PATTERN_INPUT_LIMIT = 8192;

/** How schema `pattern`s and `patternProperties` run. */
export type PatternEngine = 'linear' | 'ecmascript';

interface RegExpLike {
  test(input: string): boolean;
  toString(): string;
}

/**
 * True for patterns V8's backtracking engine runs in time linear in the input: a sequence of single
 * characters, escapes and classes (no groups, alternation or backreferences), each with an optional greedy
 * quantifier, where at most one quantifier is unbounded and then only behind a leading `^`, and the
 * bounded choices multiply to at most 16. Anything the check does not understand is treated as unsafe.
 */
export function isLinearOnBacktracker(pattern: string): boolean {
  let i = 0;
  const anchored = pattern.startsWith('^');
  if (anchored) i = 1;
  let unbounded = 0;
  let choices = 1;
  let length = 0;
  while (i < pattern.length) {
    const char = pattern[i] as string;
    if (char === '$' && i === pattern.length - 1) break;
    const atomEnd = atomAt(pattern, i);
    if (atomEnd === -1) return false;
    i = atomEnd;
    const quantifier = quantifierAt(pattern, i);
    if (quantifier === undefined) return false;
    i = quantifier.end;
    if (quantifier.max === Number.POSITIVE_INFINITY) {
      unbounded += 1;
      length += quantifier.min;
    } else {
      choices *= quantifier.max - quantifier.min + 1;
      length += quantifier.max;
    }
    if (choices > 16 || length > 1024) return false;
  }
  return unbounded === 0 || (unbounded === 1 && anchored);
}

// The end of the atom starting at `i`, or -1 for anything but a character, an escape or a class.
function atomAt(pattern: string, i: number): number {
  const char = pattern[i] as string;
  if (char === '\\') {
    const next = pattern[i + 1];
    if (next === undefined) return -1;
    if ('dDwWsSnrtfv'.includes(next) || /[^A-Za-z0-9]/.test(next)) return i + 2;
    if (next === 'u' && /^[0-9A-Fa-f]{4}$/.test(pattern.slice(i + 2, i + 6))) return i + 6;
    if (next === 'x' && /^[0-9A-Fa-f]{2}$/.test(pattern.slice(i + 2, i + 4))) return i + 4;
    return -1;
  }
  if (char === '[') {
    let j = i + 1;
    while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
    return j < pattern.length ? j + 1 : -1;
  }
  if ('()|*+?{}^$]'.includes(char)) return -1;
  // A surrogate pair is one character under the `u` flag.
  const code = char.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdbff ? i + 2 : i + 1;
}

function quantifierAt(pattern: string, i: number): { min: number; max: number; end: number } | undefined {
  const char = pattern[i];
  let result: { min: number; max: number; end: number };
  if (char === '*') result = { min: 0, max: Number.POSITIVE_INFINITY, end: i + 1 };
  else if (char === '+') result = { min: 1, max: Number.POSITIVE_INFINITY, end: i + 1 };
  else if (char === '?') result = { min: 0, max: 1, end: i + 1 };
  else if (char === '{') {
    const match = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(pattern.slice(i, i + 12));
    if (match === null) return undefined;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3]);
    if (max < min) return undefined;
    result = { min, max, end: i + match[0].length };
  } else return { min: 1, max: 1, end: i };
  // Lazy and possessive-looking suffixes are outside the checked grammar.
  return pattern[result.end] === '?' ? undefined : result;
}

// ECMAScript's `.` and `\s` differ from RE2's: written out as explicit classes, outside character classes.
const DOT = '[^\\n\\r\\u2028\\u2029]';
const SPACE =
  '\\t\\n\\v\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';

// ECMAScript's long general-category names; RE2 knows the short ones and script names.
const CATEGORIES: Readonly<Record<string, string>> = {
  Letter: 'L',
  Cased_Letter: 'L',
  Uppercase_Letter: 'Lu',
  Lowercase_Letter: 'Ll',
  Titlecase_Letter: 'Lt',
  Modifier_Letter: 'Lm',
  Other_Letter: 'Lo',
  Mark: 'M',
  Nonspacing_Mark: 'Mn',
  Spacing_Mark: 'Mc',
  Enclosing_Mark: 'Me',
  Number: 'N',
  Decimal_Number: 'Nd',
  digit: 'Nd',
  Letter_Number: 'Nl',
  Other_Number: 'No',
  Punctuation: 'P',
  punct: 'P',
  Connector_Punctuation: 'Pc',
  Dash_Punctuation: 'Pd',
  Open_Punctuation: 'Ps',
  Close_Punctuation: 'Pe',
  Initial_Punctuation: 'Pi',
  Final_Punctuation: 'Pf',
  Other_Punctuation: 'Po',
  Symbol: 'S',
  Math_Symbol: 'Sm',
  Currency_Symbol: 'Sc',
  Modifier_Symbol: 'Sk',
  Other_Symbol: 'So',
  Separator: 'Z',
  Space_Separator: 'Zs',
  Line_Separator: 'Zl',
  Paragraph_Separator: 'Zp',
  Other: 'C',
  Control: 'Cc',
  cntrl: 'Cc',
  Format: 'Cf',
  Surrogate: 'Cs',
  Private_Use: 'Co',
  Unassigned: 'Cn',
};

function propertyName(body: string): string {
  const value = body.replace(/^(?:General_Category|gc|Script|sc|Script_Extensions|scx)=/, '');
  return CATEGORIES[value] ?? value;
}

/** Rewrites an ECMAScript pattern (u flag) in RE2 syntax, keeping ECMAScript's meaning of `.`, `\s`, `\S`. */
export function toRe2Syntax(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (next === 's') out += inClass ? SPACE : `[${SPACE}]`;
      else if (next === 'S' && !inClass) out += `[^${SPACE}]`;
      else if ((next === 'p' || next === 'P') && pattern[i + 2] === '{') {
        const close = pattern.indexOf('}', i + 3);
        if (close === -1) out += char + next;
        else {
          out += `\\${next}{${propertyName(pattern.slice(i + 3, close))}}`;
          i = close - 1;
        }
      } else out += char + next;
      i += 1;
    } else if (char === '[' && !inClass) {
      inClass = true;
      out += char;
    } else if (char === ']' && inClass) {
      inClass = false;
      out += char;
    } else if (char === '.' && !inClass) {
      out += DOT;
    } else {
      out += char;
    }
  }
  return RE2JS.translateRegExp(out);
}

class BacktrackingPattern implements RegExpLike {
  readonly #regExp: RegExp;
  constructor(pattern: string, flags: string) {
    this.#regExp = new RegExp(pattern, flags);
  }
  test(input: string): boolean {
    spend(input.length);
    return this.#regExp.test(input);
  }
  toString(): string {
    return this.#regExp.toString();
  }
}

class Re2Pattern implements RegExpLike {
  readonly #source: string;
  readonly #engine: RE2JS;
  constructor(pattern: string) {
    this.#source = pattern;
    try {
      this.#engine = RE2JS.compile(toRe2Syntax(pattern));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new Error(
        `pattern ${JSON.stringify(pattern)} needs a backtracking engine (lookaround or a backreference; ${detail}): rewrite it, or set \`patterns: 'ecmascript'\` for a trusted schema`,
      );
    }
  }
  test(input: string): boolean {
    spend(input.length * 8);
    if (input.length > PATTERN_INPUT_LIMIT) {
      throw new BudgetExceededError(
        `a string of ${input.length} characters is over the ${PATTERN_INPUT_LIMIT}-character limit for pattern ${JSON.stringify(this.#source.slice(0, 60))}`,
      );
    }
    return this.#engine.matcher(input).find();
  }
  toString(): string {
    return `/${this.#source}/re2`;
  }
}

/**
 * ajv's `code.regExp` engine for the default `patterns: 'linear'`: V8 for patterns it provably runs in
 * linear time (fast: about 0.1 µs on a short string), RE2 (re2js, pure JavaScript) for every other
 * pattern, so no pattern can backtrack catastrophically on model text. Patterns RE2 cannot express
 * (lookaround, backreferences) fail when the schema compiles.
 */
export const linearRegExp = Object.assign(
  (pattern: string, flags: string): RegExpLike =>
    isLinearOnBacktracker(pattern) ? new BacktrackingPattern(pattern, flags) : new Re2Pattern(pattern),
  { code: 'linearRegExp' },
);

/** ajv's `code.regExp` engine for `patterns: 'ecmascript'`: V8 for every pattern, as written, under the budget. */
export const ecmascriptRegExp = Object.assign(
  (pattern: string, flags: string): RegExpLike => new BacktrackingPattern(pattern, flags),
  { code: 'ecmascriptRegExp' },
);
