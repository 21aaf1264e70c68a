/** A half-open character range [start, end) of a text. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

function isNumberChar(code: number): boolean {
  // Digits, sign, decimal point, exponent.
  return (code >= DIGIT_0 && code <= DIGIT_9) || code === MINUS || code === 0x2b || code === 0x2e || code === 0x65 || code === 0x45;
}

const LITERALS = ['true', 'false', 'null'] as const;

/** Where the JSON document starts: after a code fence if there is one, at the first `{` or `[`. */
function documentStart(text: string): number {
  const fence = text.indexOf('```');
  const from = fence === -1 ? 0 : text.indexOf('\n', fence) + 1 || text.length;
  for (let i = from; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === OPEN_BRACE || code === OPEN_BRACKET) return i;
  }
  // No container: maybe the answer is a bare scalar (`42`, `"Paris"`, `true`).
  for (let i = from; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return i;
  }
  return -1;
}

/**
 * The character ranges of the JSON values in a model's answer: string contents (without the quotes),
 * numbers and `true`/`false`/`null`, but not object keys or punctuation. A lexical scan, not a parse: it
 * tolerates prose or a code fence before the document, stops at the end of the first document, and keeps
 * what it found in a truncated or malformed one (validity is the JSON-schema gate's job). An empty string
 * value is given its two quotes, so the model's choice of "nothing" still counts. Never throws.
 */
export function jsonValueRanges(text: string): TextRange[] {
  const ranges: TextRange[] = [];
  const start = documentStart(text);
  if (start === -1) return ranges;
  // Container stack as a string of 'o' / 'a' would allocate; a number array is cheap and bounded by depth.
  const stack: number[] = [];
  let expectKey = false;
  let i = start;
  const length = text.length;
  while (i < length) {
    const code = text.charCodeAt(i);
    const inObject = stack.length > 0 && stack[stack.length - 1] === OPEN_BRACE;
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      stack.push(code);
      expectKey = code === OPEN_BRACE;
      i += 1;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      stack.pop();
      expectKey = false;
      i += 1;
      if (stack.length === 0) break;
    } else if (code === COMMA) {
      expectKey = inObject;
      i += 1;
    } else if (code === COLON) {
      expectKey = false;
      i += 1;
    } else if (code === QUOTE) {
      let j = i + 1;
      while (j < length) {
        const inner = text.charCodeAt(j);
        if (inner === BACKSLASH) j += 2;
        else if (inner === QUOTE) break;
        else j += 1;
      }
      const end = Math.min(j, length);
      if (!(inObject && expectKey)) {
        ranges.push(end > i + 1 ? { start: i + 1, end } : { start: i, end: Math.min(end + 1, length) });
      }
      i = end + 1;
      if (stack.length === 0) break;
    } else if (code === MINUS || (code >= DIGIT_0 && code <= DIGIT_9)) {
      let j = i + 1;
      while (j < length && isNumberChar(text.charCodeAt(j))) j += 1;
      if (!(inObject && expectKey)) ranges.push({ start: i, end: j });
      i = j;
      if (stack.length === 0) break;
    } else {
      // Only t, f and n can open a literal; checking first keeps whitespace cheap.
      const literal =
        code === 0x74 || code === 0x66 || code === 0x6e ? LITERALS.find((word) => text.startsWith(word, i)) : undefined;
      if (literal !== undefined) {
        if (!(inObject && expectKey)) ranges.push({ start: i, end: i + literal.length });
        i += literal.length;
        if (stack.length === 0) break;
      } else {
        if (stack.length === 0) break;
        i += 1;
      }
    }
  }
  return ranges;
}
