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
  return (
    (code >= DIGIT_0 && code <= DIGIT_9) ||
    code === MINUS ||
    code === 0x2b ||
    code === 0x2e ||
    code === 0x65 ||
    code === 0x45
  );
}

const LITERALS = ['true', 'false', 'null'] as const;

/** Index of the quote closing the string opened at `open`, or the text's length when it is unterminated. */
function closingQuote(text: string, open: number): number {
  const length = text.length;
  // A plain loop for the short strings JSON answers are mostly made of (indexOf costs a call each time)...
  const shortEnd = Math.min(length, open + 33);
  let i = open + 1;
  while (i < shortEnd) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) return i;
    i += code === BACKSLASH ? 2 : 1;
  }
  if (i >= length) return length;
  // ...and indexOf for long ones: a quote preceded by an odd run of backslashes is escaped.
  let from = i;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return length;
    let backslashes = 0;
    for (let k = quote - 1; k > open && text.charCodeAt(k) === BACKSLASH; k -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

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
 * Scans the first JSON document of `text` and appends each value's [start, end) to `out` as a flat list
 * of offsets (no object per value: the gate runs this on every answer).
 */
export function scanJsonValues(text: string, out: number[]): void {
  const start = documentStart(text);
  if (start === -1) return;
  // Open containers, innermost last; bounded by the nesting depth.
  const stack: number[] = [];
  let inObject = false;
  let expectKey = false;
  let i = start;
  const length = text.length;
  while (i < length) {
    const code = text.charCodeAt(i);
    switch (code) {
      case OPEN_BRACE:
      case OPEN_BRACKET:
        stack.push(code);
        inObject = code === OPEN_BRACE;
        expectKey = inObject;
        i += 1;
        continue;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        stack.pop();
        if (stack.length === 0) return;
        inObject = stack[stack.length - 1] === OPEN_BRACE;
        expectKey = false;
        i += 1;
        continue;
      case COMMA:
        expectKey = inObject;
        i += 1;
        continue;
      case COLON:
        expectKey = false;
        i += 1;
        continue;
      case QUOTE: {
        const end = closingQuote(text, i);
        if (!(inObject && expectKey)) {
          if (end > i + 1) out.push(i + 1, end);
          else out.push(i, Math.min(end + 1, length));
        }
        i = end + 1;
        break;
      }
      case 0x74: // t
      case 0x66: // f
      case 0x6e: {
        // n
        const literal = LITERALS.find((word) => text.startsWith(word, i));
        if (literal === undefined) {
          if (stack.length === 0) return;
          i += 1;
          continue;
        }
        if (!(inObject && expectKey)) out.push(i, i + literal.length);
        i += literal.length;
        break;
      }
      default: {
        if (code === MINUS || (code >= DIGIT_0 && code <= DIGIT_9)) {
          let j = i + 1;
          while (j < length && isNumberChar(text.charCodeAt(j))) j += 1;
          if (!(inObject && expectKey)) out.push(i, j);
          i = j;
          break;
        }
        // Whitespace, or stray characters inside a malformed document.
        if (stack.length === 0) return;
        i += 1;
        continue;
      }
    }
    // A value was read: a bare scalar answer ends here.
    if (stack.length === 0) return;
  }
}

/**
 * The character ranges of the JSON values in a model's answer: string contents (without the quotes),
 * numbers and `true`/`false`/`null`, but not object keys or punctuation. A lexical scan, not a parse: it
 * tolerates prose or a code fence before the document, stops at the end of the first document, and keeps
 * what it found in a truncated or malformed one (validity is the JSON-schema gate's job). An empty string
 * value is given its two quotes, so the model's choice of "nothing" still counts. Never throws.
 */
export function jsonValueRanges(text: string): TextRange[] {
  const flat: number[] = [];
  scanJsonValues(text, flat);
  const ranges: TextRange[] = [];
  for (let k = 0; k < flat.length; k += 2) ranges.push({ start: flat[k] as number, end: flat[k + 1] as number });
  return ranges;
}
