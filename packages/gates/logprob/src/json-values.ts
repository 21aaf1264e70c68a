/** A half-open character range [start, end) of a text. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/** A piece of the answer: a token, or the whole text as one piece. */
export interface TextChunk {
  readonly token: string;
}

/**
 * Receives each JSON value found, in order, by position: chunk index and character index within the
 * chunk, for the value's first and last character (inclusive).
 */
export type JsonValueSink = (startChunk: number, startChar: number, endChunk: number, endChar: number) => void;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const BACKTICK = 0x60;
const NEWLINE = 0x0a;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

// Scanner modes.
const PRELUDE = 0; // before the document: prose, a code fence
const FENCE = 1; // rest of a code fence's opening line
const NORMAL = 2; // inside the document, between tokens
const KEY = 3; // inside an object key
const STRING = 4; // inside a string value
const NUMBER = 5;
const LITERAL = 6; // inside true / false / null
const SEEK_FENCE = 7; // a document held no values: look for a code fence holding the real one
const DONE = 8;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === NEWLINE || code === 0x0d || code === 0x09;
}

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

interface Position {
  readonly chunk: number;
  readonly char: number;
}

/**
 * One pass of the scanner from a position. Returns where a bare scalar answer starts when the text held no
 * `{` or `[` (the caller scans again from there), otherwise undefined.
 */
function scan(
  chunks: readonly TextChunk[],
  from: Position,
  scalarOnly: boolean,
  sink: JsonValueSink,
): Position | undefined {
  let mode = scalarOnly ? NORMAL : PRELUDE;
  // Open containers, innermost last; bounded by the nesting depth.
  const stack: number[] = [];
  let inObject = false;
  let expectKey = false;
  let fenceSeen = false;
  let ticks = 0;
  let foundAny = false;
  let scalarChunk = -1;
  let scalarChar = -1;
  // The open value: where it started, where it ends so far, whether it counts (not in a key's place).
  let startChunk = 0;
  let startChar = 0;
  let endChunk = 0;
  let endChar = 0;
  let emit = false;
  let escaped = false;
  let awaitContent = false;
  let literal = '';
  let literalIndex = 0;
  // Last non-empty chunk before the current one, so "the character before" can cross chunk boundaries.
  let previousChunk = -1;
  let previousLength = 0;

  for (let c = from.chunk; c < chunks.length && mode !== DONE; c += 1) {
    const text = (chunks[c] as TextChunk).token;
    const length = text.length;
    let i = c === from.chunk ? from.char : 0;
    while (i < length) {
      const code = text.charCodeAt(i);
      if (mode === NORMAL) {
        // Between tokens; the most frequent characters are tested first.
        if (code === 0x20 || code === NEWLINE) {
          i += 1;
          continue;
        }
        if (code === QUOTE) {
          if (inObject && expectKey) {
            mode = KEY;
          } else {
            mode = STRING;
            startChunk = c;
            startChar = i;
            awaitContent = true;
          }
          escaped = false;
        } else if (code === COMMA) {
          expectKey = inObject;
        } else if (code === COLON) {
          expectKey = false;
        } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
          stack.push(code);
          inObject = code === OPEN_BRACE;
          expectKey = inObject;
        } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
          stack.pop();
          if (stack.length === 0) {
            // The document is over. One without values may be an aside before a fenced document.
            mode = foundAny || fenceSeen || scalarOnly ? DONE : SEEK_FENCE;
            ticks = 0;
          } else {
            inObject = stack[stack.length - 1] === OPEN_BRACE;
            expectKey = false;
          }
        } else if (code === MINUS || (code >= DIGIT_0 && code <= DIGIT_9)) {
          mode = NUMBER;
          emit = !(inObject && expectKey);
          startChunk = c;
          startChar = i;
          endChunk = c;
          endChar = i;
        } else if (code === 0x74 || code === 0x66 || code === 0x6e) {
          mode = LITERAL;
          emit = !(inObject && expectKey);
          literal = code === 0x74 ? 'true' : code === 0x66 ? 'false' : 'null';
          literalIndex = 1;
          startChunk = c;
          startChar = i;
        } else if (stack.length === 0 && !isWhitespace(code)) {
          // A bare answer that is not a JSON scalar.
          mode = DONE;
        }
        i += 1;
        continue;
      }
      if (mode === STRING || mode === KEY) {
        // Hot loop: most of a JSON answer is string contents. It runs to the closing quote or the chunk's end.
        if (awaitContent && (escaped || code !== QUOTE)) {
          startChunk = c;
          startChar = i;
          awaitContent = false;
        }
        let quote = -1;
        for (; i < length; i += 1) {
          const inner = text.charCodeAt(i);
          if (escaped) escaped = false;
          else if (inner === BACKSLASH) escaped = true;
          else if (inner === QUOTE) {
            quote = i;
            break;
          }
        }
        if (quote === -1) continue;
        if (mode === STRING) {
          if (awaitContent) {
            // An empty string: its two quotes stand for the value.
            sink(startChunk, startChar, c, quote);
          } else if (quote > 0) {
            sink(startChunk, startChar, c, quote - 1);
          } else {
            sink(startChunk, startChar, previousChunk, previousLength - 1);
          }
          foundAny = true;
        }
        i = quote + 1;
        mode = stack.length === 0 ? DONE : NORMAL;
        if (mode === DONE) break;
        continue;
      }
      switch (mode) {
        case NUMBER:
          if (isNumberChar(code)) {
            endChunk = c;
            endChar = i;
            i += 1;
          } else {
            if (emit) sink(startChunk, startChar, endChunk, endChar);
            foundAny = true;
            // The character after the number is read again as punctuation.
            mode = stack.length === 0 ? DONE : NORMAL;
          }
          break;
        case LITERAL:
          if (code === literal.charCodeAt(literalIndex)) {
            literalIndex += 1;
            if (literalIndex === literal.length) {
              if (emit) sink(startChunk, startChar, c, i);
              foundAny = true;
              mode = stack.length === 0 ? DONE : NORMAL;
            }
            i += 1;
          } else {
            // Not a literal after all (malformed): read this character again between tokens.
            mode = stack.length === 0 ? DONE : NORMAL;
          }
          break;
        case PRELUDE:
          if (code === OPEN_BRACE || code === OPEN_BRACKET) {
            stack.push(code);
            inObject = code === OPEN_BRACE;
            expectKey = inObject;
            mode = NORMAL;
          } else if (code === BACKTICK) {
            ticks += 1;
            if (ticks === 3 && !fenceSeen) {
              // The first code fence: what came before it was prose.
              fenceSeen = true;
              scalarChunk = -1;
              mode = FENCE;
            } else if (scalarChunk === -1) {
              scalarChunk = c;
              scalarChar = i;
            }
          } else {
            ticks = 0;
            if (scalarChunk === -1 && !isWhitespace(code)) {
              scalarChunk = c;
              scalarChar = i;
            }
          }
          i += 1;
          break;
        case FENCE:
          if (code === NEWLINE) {
            mode = PRELUDE;
            ticks = 0;
          }
          i += 1;
          break;
        case SEEK_FENCE:
          if (code === BACKTICK) {
            ticks += 1;
            if (ticks === 3) {
              fenceSeen = true;
              scalarChunk = -1;
              mode = FENCE;
            }
          } else {
            ticks = 0;
          }
          i += 1;
          break;
        default:
          i = length;
      }
    }
    if (length > 0) {
      previousChunk = c;
      previousLength = length;
    }
  }

  // Truncated output keeps what it found.
  if (mode === NUMBER && emit) sink(startChunk, startChar, endChunk, endChar);
  if (mode === STRING) {
    if (awaitContent) sink(startChunk, startChar, startChunk, startChar);
    else sink(startChunk, startChar, previousChunk, previousLength - 1);
  }
  if (mode === PRELUDE && scalarChunk !== -1) return { chunk: scalarChunk, char: scalarChar };
  return undefined;
}

/**
 * Scans the first JSON document in `chunks` (the tokens, or the whole text as one chunk) and reports each
 * value to `sink`: string contents (without the quotes), numbers and `true`/`false`/`null`, not object keys
 * or punctuation. One pass over the characters, no concatenation: values split across tokens are followed
 * across chunk boundaries. A lexical scan, not a parse: it tolerates prose or a code fence before the
 * document (a bracketed aside without values before a fence is skipped), stops at the end of the first
 * document, and keeps what it found in a truncated or malformed one (validity is the JSON-schema gate's
 * job). An empty string value is given its two quotes, so the model's choice of "nothing" still counts.
 * Without any `{` or `[`, a bare scalar answer (`42`, `"Paris"`, `true`) counts. Never throws.
 */
export function scanJsonValues(chunks: readonly TextChunk[], sink: JsonValueSink): void {
  const scalar = scan(chunks, { chunk: 0, char: 0 }, false, sink);
  if (scalar !== undefined) scan(chunks, scalar, true, sink);
}

/**
 * The character ranges of the JSON values in a text (see `scanJsonValues` for what counts as a value).
 * Useful to see what the `json-values` span measures.
 */
export function jsonValueRanges(text: string): TextRange[] {
  const ranges: TextRange[] = [];
  scanJsonValues([{ token: text }], (_startChunk, startChar, _endChunk, endChar) => {
    ranges.push({ start: startChar, end: endChar + 1 });
  });
  return ranges;
}
