import { formatPath } from './json-path.ts';

/** Default cap on the model text the extractor will look at: 1 MiB of UTF-8. */
export const DEFAULT_MAX_BYTES = 1_048_576;
/** Default cap on bracket nesting, checked before `JSON.parse` ever sees the text. */
export const DEFAULT_MAX_DEPTH = 256;
/**
 * Default caps on how many values (array elements and object members) and object keys one JSON value may
 * hold, checked by the scan before `JSON.parse`: parsing cost follows the count, not the bytes. Measured on
 * Node 24 here: 100,000 array elements parse in 6 ms (best of 7), 10,000 distinct keys in 4 ms, while a
 * 1 MiB answer of 524,000 elements takes 47 ms and one of 50,000 keys 112 ms.
 */
export const DEFAULT_MAX_VALUES = 100_000;
export const DEFAULT_MAX_KEYS = 10_000;

// After a candidate runs off the end of the text unclosed, later openers are still tried (prose may hold a
// stray `{` before the real JSON), but each such retry can cost a scan to the end: cap them so hostile
// text stays linear in its length.
const MAX_UNCLOSED_RETRIES = 4;
const MESSAGE_LIMIT = 200;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** The caps that bound work on hostile text; both are checked before `JSON.parse` runs. */
export interface ExtractJsonOptions {
  /** Texts longer than this many UTF-8 bytes fail with `too-large` before any scan. Default 1 MiB. */
  readonly maxBytes?: number;
  /** Deeper bracket nesting (outside strings) fails with `too-deep` before parsing. Default 256. */
  readonly maxDepth?: number;
  /** More values (elements and members, counted outside strings) fail with `too-large` before parsing. Default 100,000. */
  readonly maxValues?: number;
  /** More object keys (counted outside strings) fail with `too-large` before parsing. Default 10,000. */
  readonly maxKeys?: number;
}

interface Caps {
  readonly maxDepth: number;
  readonly maxValues: number;
  readonly maxKeys: number;
}

/** Why no JSON value came out of the text. */
export type ExtractJsonFailureReason = 'no-json' | 'invalid-json' | 'too-large' | 'too-deep';

/** Where the value was found: inside a Markdown code fence, or in the text itself. */
export type JsonSource = 'fence' | 'text';

/** The parsed value with where it was found, or why there is none (a result, never a throw). */
export type ExtractJsonResult =
  | {
      readonly ok: true;
      /** The parsed value: a fresh object from `JSON.parse`, never evaluated code. */
      readonly value: unknown;
      /** UTF-16 offsets of the JSON text within the original text. */
      readonly start: number;
      readonly end: number;
      readonly source: JsonSource;
    }
  | {
      readonly ok: false;
      readonly reason: ExtractJsonFailureReason;
      /** One short sentence, fit to show a model in a repair prompt. */
      readonly message: string;
    };

type Scan =
  /** `numbers`: an exponent or a 309+ digit run appeared outside strings, so a number may overflow. */
  | { readonly kind: 'complete'; readonly end: number; readonly numbers: boolean }
  | { readonly kind: 'unclosed'; readonly inString: boolean }
  | { readonly kind: 'too-deep' }
  | { readonly kind: 'too-many'; readonly what: 'values' | 'keys' };

/**
 * Walks one bracketed value from `start` (an opener), skipping string contents, and stops at the bracket
 * that closes it, at `limit`, or as soon as the nesting passes `maxDepth`. It never recurses, so no input
 * can overflow the stack; it does not check that bracket kinds match (JSON.parse does that next).
 */
function scanValue(text: string, start: number, limit: number, caps: Caps): Scan {
  const { maxDepth } = caps;
  let depth = 0;
  let values = 0;
  let keys = 0;
  let digits = 0;
  let numbers = false;
  let i = start;
  while (i < limit) {
    const code = text.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) {
      digits += 1;
      if (digits >= 309) numbers = true;
      i += 1;
      continue;
    }
    // Outside strings an e or E after a digit can only be an exponent (true and false put theirs after letters).
    if ((code === 0x65 || code === 0x45) && digits > 0) numbers = true;
    digits = 0;
    if (code === QUOTE) {
      // Jump between quotes and backslashes instead of stepping through every character of the string.
      let j = i + 1;
      for (;;) {
        const quote = text.indexOf('"', j);
        if (quote === -1 || quote >= limit) return { kind: 'unclosed', inString: true };
        let slashes = 0;
        while (text.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes += 1;
        if (slashes % 2 === 0) {
          i = quote + 1;
          break;
        }
        j = quote + 1;
      }
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return { kind: 'too-deep' };
      values += 1;
      if (values > caps.maxValues) return { kind: 'too-many', what: 'values' };
    } else if (code === 0x2c) {
      values += 1;
      if (values > caps.maxValues) return { kind: 'too-many', what: 'values' };
    } else if (code === 0x3a) {
      keys += 1;
      if (keys > caps.maxKeys) return { kind: 'too-many', what: 'keys' };
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1;
      if (depth === 0) return { kind: 'complete', end: i + 1, numbers };
    }
    i += 1;
  }
  return { kind: 'unclosed', inString: false };
}

function nextOpener(text: string, from: number, limit: number): number {
  for (let i = from; i < limit; i += 1) {
    const code = text.charCodeAt(i);
    if (code === OPEN_BRACE || code === OPEN_BRACKET) return i;
  }
  return -1;
}

/** Cuts a message to a length a prompt can carry, without leaving half a surrogate pair at the end. */
export function truncate(message: string, limit: number): string {
  if (message.length <= limit) return message;
  let cut = limit - 1;
  const last = message.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${message.slice(0, cut)}…`;
}

interface Frame {
  readonly container: unknown[] | Record<string, unknown>;
  readonly keys: readonly string[] | undefined;
  index: number;
}

/**
 * The path to the first number that is not finite, or undefined. A depth-first walk over explicit frames:
 * the path exists only as the frame stack (at most the nesting depth) and is written out once, on a find,
 * so time is linear in the value's size and extra memory linear in its depth. (Copying a path per element
 * took 4.7 s and 1.8 GB on a 1 MiB array nested 255 deep.)
 */
export function findNonFinite(root: unknown): string | undefined {
  if (typeof root === 'number') return Number.isFinite(root) ? undefined : '$';
  const frames: Frame[] = [];
  const enter = (value: unknown): void => {
    if (Array.isArray(value)) frames.push({ container: value, keys: undefined, index: 0 });
    else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      frames.push({ container: record, keys: Object.keys(record), index: 0 });
    }
  };
  enter(root);
  while (frames.length > 0) {
    const frame = frames[frames.length - 1] as Frame;
    const length = frame.keys === undefined ? (frame.container as unknown[]).length : frame.keys.length;
    if (frame.index >= length) {
      frames.pop();
      continue;
    }
    const item =
      frame.keys === undefined
        ? (frame.container as unknown[])[frame.index]
        : (frame.container as Record<string, unknown>)[frame.keys[frame.index] as string];
    frame.index += 1;
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) {
        return formatPath(frames.map((f) => (f.keys === undefined ? f.index - 1 : (f.keys[f.index - 1] as string))));
      }
    } else if (typeof item === 'object' && item !== null) {
      enter(item);
    }
  }
  return undefined;
}

type Attempt =
  | { readonly ok: true; readonly value: unknown; readonly start: number; readonly end: number }
  | { readonly ok: false; readonly reason: 'invalid-json' | 'too-deep' | 'too-large'; readonly message: string }
  | undefined;

/**
 * JSON.parse turns 1e400 into Infinity, which JSON.stringify would later write as null: a silent
 * corruption. Only values whose scan saw an exponent or a 309-digit run (`numbers`) pay for the walk that
 * finds one.
 */
function parseSlice(text: string, start: number, end: number, numbers: boolean): Attempt {
  const slice = text.slice(start, end);
  let value: unknown;
  try {
    value = JSON.parse(slice);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: 'invalid-json', message: `the JSON at position ${start} does not parse: ${detail}` };
  }
  if (numbers) {
    const at = findNonFinite(value);
    if (at !== undefined) {
      return { ok: false, reason: 'invalid-json', message: `the number at ${at} is too large to represent` };
    }
  }
  return { ok: true, value, start, end };
}

/**
 * Finds the first complete bracketed JSON value in `text[from, limit)`. Returns the parsed value, the most
 * telling failure, or undefined when there is no opener at all.
 */
function findValue(text: string, from: number, limit: number, caps: Caps): Attempt {
  let failure: Attempt;
  let retries = 0;
  let position = from;
  for (;;) {
    const start = nextOpener(text, position, limit);
    if (start === -1) return failure;
    const scan = scanValue(text, start, limit, caps);
    if (scan.kind === 'too-deep') {
      return { ok: false, reason: 'too-deep', message: `the JSON nests deeper than ${caps.maxDepth} levels` };
    }
    if (scan.kind === 'too-many') {
      const cap = scan.what === 'values' ? caps.maxValues : caps.maxKeys;
      return { ok: false, reason: 'too-large', message: `the JSON holds more than ${cap} ${scan.what}` };
    }
    if (scan.kind === 'complete') {
      const parsed = parseSlice(text, start, scan.end, scan.numbers);
      if (parsed?.ok === true) return parsed;
      failure ??= parsed;
      // A complete but malformed value (single quotes, comments, trailing commas) is the model's answer:
      // looking inside it for a smaller valid value would pass something the model did not mean.
      position = scan.end;
      continue;
    }
    failure ??= {
      ok: false,
      reason: 'invalid-json',
      message: scan.inString
        ? `the JSON starting at position ${start} ends inside an unterminated string`
        : `the JSON starting at position ${start} is never closed`,
    };
    // An unclosed value that opens the way JSON does (`{"key"`, `[1`, `[{`) is a truncated answer: a
    // complete value nested inside it is a fragment, and passing it would hide the truncation. Only an
    // opener that cannot start JSON (a stray brace in prose) is passed over for a later one.
    if (opensLikeJson(text, start, limit)) return failure;
    retries += 1;
    if (retries > MAX_UNCLOSED_RETRIES) return failure;
    position = start + 1;
  }
}

function opensLikeJson(text: string, start: number, limit: number): boolean {
  let i = start + 1;
  while (i < limit && /\s/.test(text.charAt(i))) i += 1;
  if (i >= limit) return true;
  const next = text.charAt(i);
  if (text.charCodeAt(start) === OPEN_BRACE) return next === '"' || next === '}';
  return /["\d\-{[\]]/.test(next) || /^(true|false|null)\b/.test(text.slice(i, i + 6));
}

/**
 * A region that is, as a whole, one JSON string (`"see {x}"`): that string is the answer, and the brackets
 * inside it are text, not a value to pull out. Tried before the bracket search for that reason.
 */
function parseWholeString(text: string, from: number, limit: number): Attempt {
  let start = from;
  while (start < limit && isJsonSpace(text.charCodeAt(start))) start += 1;
  if (text.charCodeAt(start) !== QUOTE) return undefined;
  let end = limit;
  while (end > start && isJsonSpace(text.charCodeAt(end - 1))) end -= 1;
  if (end - start < 2 || text.charCodeAt(end - 1) !== QUOTE) return undefined;
  const parsed = parseSlice(text, start, end, false);
  return parsed?.ok === true ? parsed : undefined;
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** A bare scalar answer (`42`, `"yes"`, `true`) when the whole region is one. */
function parseScalar(text: string, from: number, limit: number): Attempt {
  const region = text.slice(from, limit);
  const trimmed = region.trim();
  if (trimmed.length === 0) return undefined;
  const first = trimmed.charCodeAt(0);
  // Only what could begin a JSON scalar: a quote, a digit, a minus, or true/false/null.
  if (
    !(first === QUOTE || first === 0x2d || (first >= 0x30 && first <= 0x39) || /^(true|false|null)\b/.test(trimmed))
  ) {
    return undefined;
  }
  const offset = from + region.indexOf(trimmed);
  const parsed = parseSlice(text, offset, offset + trimmed.length, /[eE]|\d{309}/.test(trimmed));
  return parsed?.ok === true ? parsed : undefined;
}

interface Fence {
  readonly start: number;
  readonly end: number;
}

/**
 * Markdown code fences: a run of three or more backticks (or tildes) with an optional info string up to the
 * end of its line, then the body up to the next run of the same marks (or the end of the text, for an
 * answer cut off mid-fence). Found with indexOf only, so it stays linear on any input: a regular expression
 * with a back-reference took seconds on a few thousand backticks.
 */
function fencesOf(text: string, from: number): Fence[] {
  const fences: Fence[] = [];
  let position = from;
  // The next of each kind of mark, searched again only once passed: a text with one kind and none of the
  // other would otherwise be searched end to end for every fence.
  let tick = -2;
  let tilde = -2;
  while (position < text.length) {
    if (tick !== -1 && tick < position) tick = text.indexOf('```', position);
    if (tilde !== -1 && tilde < position) tilde = text.indexOf('~~~', position);
    const open = tick === -1 ? tilde : tilde === -1 ? tick : Math.min(tick, tilde);
    if (open === -1) break;
    const mark = text.charCodeAt(open);
    let runEnd = open;
    while (text.charCodeAt(runEnd) === mark) runEnd += 1;
    const lineEnd = text.indexOf('\n', runEnd);
    if (lineEnd === -1) break;
    // An info string holding a backtick means inline code (```x```), not a fence.
    if (mark === 0x60 && text.slice(runEnd, lineEnd).includes('`')) {
      position = runEnd;
      continue;
    }
    const run = text.slice(open, runEnd);
    const close = text.indexOf(run, lineEnd + 1);
    fences.push({ start: lineEnd + 1, end: close === -1 ? text.length : close });
    if (close === -1) break;
    position = close + run.length;
    while (text.charCodeAt(position) === mark) position += 1;
  }
  return fences;
}

/**
 * Pulls the first JSON value out of a model's raw answer: inside a Markdown code fence when there is one,
 * otherwise the first complete `{...}` or `[...]` in the text, with prose before and after ignored and a
 * leading BOM skipped; a whole answer that is a bare scalar (`42`, `"yes"`) counts too, and a whole answer that
 * is one JSON string (`"see {x}"`) is that string, never the brackets inside it.
 *
 * Hostile output is bounded before `JSON.parse` sees it: a text over `maxBytes` fails `too-large`, nesting
 * over `maxDepth` (counted outside strings) fails `too-deep`, and more than `maxValues` values or `maxKeys` keys
 * fails `too-large`. The scan is iterative and linear in the text,
 * and the value comes from `JSON.parse`, so nothing is ever evaluated and `__proto__` keys stay plain own
 * properties. A number too large for a double (`1e400`) fails `invalid-json` rather than becoming Infinity.
 *
 * Misuse: this takes the *first* complete value. Prose holding a literal `{}` before the real answer
 * yields `{}`; ask models for a fenced or bare JSON answer.
 */
export function extractJson(text: string, options: ExtractJsonOptions = {}): ExtractJsonResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const caps: Caps = {
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxValues: options.maxValues ?? DEFAULT_MAX_VALUES,
    maxKeys: options.maxKeys ?? DEFAULT_MAX_KEYS,
  };
  if (typeof text !== 'string') return { ok: false, reason: 'no-json', message: 'the answer is not text' };
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: the exact count is only needed between length and 3 x length.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes)) {
    return { ok: false, reason: 'too-large', message: `the answer is over the ${maxBytes}-byte limit` };
  }
  const from = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let failure: Attempt;
  for (const fence of fencesOf(text, from)) {
    const found =
      parseWholeString(text, fence.start, fence.end) ??
      findValue(text, fence.start, fence.end, caps) ??
      parseScalar(text, fence.start, fence.end);
    if (found === undefined) continue;
    if (found.ok) return { ...found, source: 'fence' };
    if (found.reason !== 'invalid-json') return { ok: false, reason: found.reason, message: found.message };
    failure ??= found;
  }
  // No fence held a value: the JSON may sit outside the fences (or there were none).
  const found =
    parseWholeString(text, from, text.length) ??
    findValue(text, from, text.length, caps) ??
    parseScalar(text, from, text.length) ??
    failure;
  if (found === undefined) return { ok: false, reason: 'no-json', message: 'the answer contains no JSON value' };
  if (found.ok) return { ...found, source: 'text' };
  return { ok: false, reason: found.reason, message: truncate(found.message, MESSAGE_LIMIT) };
}
