import { ConfigError } from '@llm-cascade/core';
import type { AnswerExtractor } from './extractor.ts';

export interface LastNumberOptions {
  /** Read `50%` as 0.5 instead of 50. Default false (so `50%` and `50` agree). */
  readonly percentAsFraction?: boolean;
  /**
   * Significant digits kept in the key, so `1/3` and `0.333333333333` agree and float noise does not split a
   * vote. Default 12; at most 17.
   */
  readonly significantDigits?: number;
}

// One number: an optional sign (not after a word character, so `5-3` reads 3), an optional currency symbol,
// digits with thousands commas or a decimal part or an exponent, an optional `/denominator`, an optional
// `%`. The guards refuse a piece of a longer chain: `05/01/2021` (a date) and `1.2.3` (a version) hold no
// number, rather than a misleading fragment of one.
const NUMBER =
  /(?:(?<![\p{L}\p{N}_)\]])([-+\u2212]))?(?:[$\u20ac\u00a3\u00a5\u20b9]\s?)?(?<![\p{N}.\/,])(\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+)(?:\s?\/\s?(\d+(?:\.\d+)?))?(?![\p{N}]|[.\/,]\d)(\s?%)?/gu;

/** Canonical key of a number: rounded to `digits` significant digits, `-0` as `0`. */
export function numberKey(value: number, digits = 12): string {
  const rounded = Number(value.toPrecision(digits));
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/**
 * Extracts the last number in the answer, compared numerically: `1,234.50`, `$1234.5` and `1234.50`
 * agree; `3/4` reads 0.75; `-3`, `+3` and `\u22123` are signed; `50%` reads 50 (or 0.5, see options). The last
 * number is the usual convention for math word problems, whose reasoning ends with the result. Warning:
 * it is wrong for answers followed by other numbers ("42 (checked in step 3)"); use `answerAfterMarker`
 * with `then: lastNumber()` there. Mixed numbers (`1 1/2`) read as their last part; dates hold no number.
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
    let found: number | undefined;
    for (const match of text.matchAll(NUMBER)) {
      const value = readNumber(match, percentAsFraction);
      if (value !== undefined) found = value;
    }
    return found === undefined ? undefined : { key: numberKey(found, digits), value: found };
  };
}

function readNumber(match: RegExpExecArray | RegExpMatchArray, percentAsFraction: boolean): number | undefined {
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
