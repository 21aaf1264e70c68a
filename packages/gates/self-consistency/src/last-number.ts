import { ConfigError } from '@llm-cascade/core';
import type { AnswerExtractor } from './extractor.ts';

/** Options of `lastNumber`. */
export interface LastNumberOptions {
  /** Read `50%` as 0.5 instead of 50. Default false (so `50%` and `50` agree). */
  readonly percentAsFraction?: boolean;
  /**
   * Significant digits kept in the key, so `1/3` and `0.333333333333` agree and float noise does not split a
   * vote. Default 12; at most 17.
   */
  readonly significantDigits?: number;
}

// One number, matched where a backwards scan found it (sticky): an optional sign (not after a word
// character, so `5-3` reads 3), an optional currency symbol, digits with thousands commas, a decimal part
// or an exponent, an optional `/denominator`, an optional `%`. The guards refuse a piece of a longer
// chain: `05/01/2021` (a date) and `1.2.3` (a version) hold no number, rather than a misleading fragment.
const NUMBER_AT =
  /(?:(?<![A-Za-z0-9_)\]])([-+\u2212]))?(?:[$\u20ac\u00a3\u00a5\u20b9]\s?)?(?<![0-9./,])(\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+)(?:\s?\/\s?(\d+(?:\.\d+)?))?(?![0-9]|[./,]\d)(\s?%)?/y;

const isDigit = (code: number) => code >= 48 && code <= 57;
const isSpace = (code: number) => code === 32 || (code >= 9 && code <= 13);
const SIGNS = '+-\u2212';
const CURRENCIES = '$\u20ac\u00a3\u00a5\u20b9';

/** Start of the run of number characters (digits, `.`, `,`, ` / `, an exponent) that ends at `last`. */
function chunkStart(text: string, last: number): number {
  let j = last;
  while (j > 0) {
    const c = text.charCodeAt(j - 1);
    if (isDigit(c) || c === 46 /* . */ || c === 44 /* , */) j -= 1;
    else if (c === 47 /* / */) j -= j >= 2 && isSpace(text.charCodeAt(j - 2)) ? 2 : 1;
    else if (isSpace(c) && j >= 2 && text.charCodeAt(j - 2) === 47) j -= 1;
    else if ((c === 101 || c === 69) /* e E */ && j >= 2 && isDigit(text.charCodeAt(j - 2))) j -= 1;
    else if ((c === 43 || c === 45) && j >= 3 && /[eE]/.test(text.charAt(j - 2)) && isDigit(text.charCodeAt(j - 3)))
      j -= 1;
    else break;
  }
  return j;
}

/** Where matching may begin: before a sign and currency symbol in front of the chunk, if any. */
function matchFrom(text: string, chunk: number): number {
  let k = chunk;
  if (k >= 1 && CURRENCIES.includes(text.charAt(k - 1))) k -= 1;
  else if (k >= 2 && isSpace(text.charCodeAt(k - 1)) && CURRENCIES.includes(text.charAt(k - 2))) k -= 2;
  if (k >= 1 && SIGNS.includes(text.charAt(k - 1))) k -= 1;
  return k;
}

/**
 * Whether `NUMBER_AT` can match at `position`: every match opens with a sign, a currency symbol, or the
 * number itself (a digit or `.`) not preceded by `[0-9./,]`. Checking that first spares a regex call at
 * each of the positions inside a long run such as `1/1/1/...` (a quarter of a million calls for 256 KB).
 */
function mayStartNumber(text: string, position: number): boolean {
  const c = text.charCodeAt(position);
  if (isDigit(c) || c === 46 /* . */) {
    if (position === 0) return true;
    const before = text.charCodeAt(position - 1);
    // Not after a digit, `.`, `/` or `,`.
    return !(isDigit(before) || before === 46 || before === 47 || before === 44);
  }
  const char = text.charAt(position);
  return SIGNS.includes(char) || CURRENCIES.includes(char);
}

/**
 * The last number in the text, as a left-to-right scan would find it. Works backwards one run of number
 * characters at a time (matches never span two runs), so a long chain of thought costs a few regex
 * attempts near its end rather than one per number in it.
 */
function findLastNumber(text: string, percentAsFraction: boolean): number | undefined {
  let end = text.length;
  while (end > 0) {
    let last = end - 1;
    while (last >= 0 && !isDigit(text.charCodeAt(last))) last -= 1;
    if (last < 0) return undefined;
    const chunk = chunkStart(text, last);
    let found: number | undefined;
    let position = matchFrom(text, chunk);
    while (position <= last) {
      if (!mayStartNumber(text, position)) {
        position += 1;
        continue;
      }
      NUMBER_AT.lastIndex = position;
      const match = NUMBER_AT.exec(text);
      if (match === null) {
        position += 1;
        continue;
      }
      found = readNumber(match, percentAsFraction) ?? found;
      position = match.index + match[0].length;
    }
    if (found !== undefined) return found;
    end = chunk;
  }
  return undefined;
}

/** Canonical key of a number: rounded to `digits` significant digits, `-0` as `0`. */
export function numberKey(value: number, digits = 12): string {
  // Whole numbers that fit the precision are their own key; toPrecision is the slow path.
  if (Number.isInteger(value) && Math.abs(value) < 10 ** digits) return value === 0 ? '0' : String(value);
  const rounded = Number(value.toPrecision(digits));
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/**
 * Extracts the last number in the answer, compared numerically: `1,234.50`, `$1234.5` and `1234.50`
 * agree; `3/4` reads 0.75; `-3`, `+3` and `\u22123` are signed; `50%` reads 50 (or 0.5, see options). The last
 * number is the usual convention for math word problems, whose reasoning ends with the result. Warning:
 * it is wrong for answers followed by other numbers ("42 (checked in step 3)"); use `answerAfterMarker`
 * with `read: lastNumber()` there. Mixed numbers (`1 1/2`) read as their last part; dates hold no number.
 */
export function lastNumber(options: LastNumberOptions = {}): AnswerExtractor<number> {
  const digits = options.significantDigits ?? 12;
  if (!(Number.isInteger(digits) && digits >= 1 && digits <= 17)) {
    throw new ConfigError('significantDigits', `must be a whole number from 1 to 17, got ${String(digits)}`);
  }
  if (options.percentAsFraction !== undefined && typeof options.percentAsFraction !== 'boolean') {
    throw new ConfigError('percentAsFraction', 'must be a boolean');
  }
  const percentAsFraction = options.percentAsFraction === true;
  return (text) => {
    const found = findLastNumber(text, percentAsFraction);
    return found === undefined ? undefined : { key: numberKey(found, digits), value: found };
  };
}

function readNumber(match: RegExpExecArray, percentAsFraction: boolean): number | undefined {
  const [, sign, whole, denominator, percent] = match;
  let value = Number((whole as string).replaceAll(',', ''));
  if (denominator !== undefined) {
    const below = Number(denominator);
    if (below === 0) return undefined;
    value /= below;
  }
  if (sign === '-' || sign === '\u2212') value = -value;
  if (percent !== undefined && percentAsFraction) value /= 100;
  return Number.isFinite(value) ? value : undefined;
}
