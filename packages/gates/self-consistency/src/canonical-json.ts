import type { AnswerExtractor } from './extractor.ts';

// Deeper values are refused rather than risking the stack on hostile output. The scan refuses them before
// `JSON.parse` sees them, since parsing a deep value is itself slow (seconds for a million levels).
const MAX_DEPTH = 200;
// Brackets a value may nest, counting its own: a scalar in the innermost of 201 is at depth 201.
const MAX_NESTING = MAX_DEPTH + 1;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Serialises a JSON value with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` give one string.
 * Returns undefined past `MAX_DEPTH` (200) levels, and for a number JSON cannot write (`1e400` parses to
 * Infinity, which `JSON.stringify` would write as `null`, so it would agree with a real `null`).
 */
export function stableStringify(value: unknown, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return undefined;
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const item of value) {
      const part = stableStringify(item, depth + 1);
      if (part === undefined) return undefined;
      parts.push(part);
    }
    return `[${parts.join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const part = stableStringify(record[key], depth + 1);
    if (part === undefined) return undefined;
    parts.push(`${JSON.stringify(key)}:${part}`);
  }
  return `{${parts.join(',')}}`;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** What a candidate value gives: a parsed value, nothing (try the next), or a verdict of no answer. */
type Attempt = { readonly value: unknown } | 'next' | 'none';

function attempt(text: string, start: number, end: number, tooDeep: boolean): Attempt {
  // A deep value is the model's answer even though it cannot be keyed: a fragment after it is not.
  if (tooDeep) return 'none';
  const parsed = tryParse(text.slice(start, end));
  return parsed.ok ? { value: parsed.value } : 'next';
}

/**
 * The first bracketed value in the text that parses, in one pass. Brackets are matched with a stack,
 * skipping string contents inside brackets (quotes in prose outside brackets are ignored). Candidates are
 * the outermost closed values, then the closed values directly inside a bracket that never closes (a stray
 * `{` in prose before the real JSON). A closed value that does not parse is skipped whole: a smaller value
 * inside a malformed answer is a fragment, not the answer. Candidates never overlap, so all the parsing
 * together reads each character at most once, and a value nested past `MAX_NESTING` is refused unparsed.
 */
function firstValue(text: string): Attempt {
  const n = text.length;
  // Positions of the brackets still open. Typed arrays: plain arrays pushed and popped a hundred thousand
  // times (one per bracket of a deep value) cost tens of milliseconds.
  const open = new IntStack();
  // Closed values inside brackets still open, in the order they closed: start, end, level, too deep (1/0).
  // A value that closes drops the ones above its own level (its contents); what is left at the end are the
  // values directly inside a bracket that never closed, in order of position.
  const pending = new IntStack();
  // Open brackets below this index contain nesting deeper than MAX_NESTING.
  let deepBelow = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      open.push(i);
      if (open.size - MAX_NESTING > deepBelow) deepBelow = open.size - MAX_NESTING;
    } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && open.size > 0) {
      const level = open.size - 1;
      const start = open.pop();
      const tooDeep = level < deepBelow;
      if (level < deepBelow) deepBelow = level;
      while (pending.size > 0 && pending.peek(1) > level) pending.drop(4);
      if (level === 0) {
        const found = attempt(text, start, i + 1, tooDeep);
        if (found !== 'next') return found;
      } else {
        pending.push(start);
        pending.push(i + 1);
        pending.push(level);
        pending.push(tooDeep ? 1 : 0);
      }
    } else if (c === QUOTE && open.size > 0) {
      i += 1;
      while (i < n) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i += 2;
        else if (s === QUOTE) break;
        else i += 1;
      }
    }
    i += 1;
  }
  for (let k = 0; k < pending.size; k += 4) {
    const found = attempt(text, pending.at(k), pending.at(k + 1), pending.at(k + 3) === 1);
    if (found !== 'next') return found;
  }
  return 'none';
}

/** A stack of non-negative integers in a typed array that doubles when full. */
class IntStack {
  private items = new Int32Array(64);
  size = 0;
  push(value: number): void {
    if (this.size === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.size] = value;
    this.size += 1;
  }
  pop(): number {
    this.size -= 1;
    return this.items[this.size] as number;
  }
  /** The item `back` places below the top (0 is the top). */
  peek(back: number): number {
    return this.items[this.size - 1 - back] as number;
  }
  drop(count: number): void {
    this.size -= count;
  }
  at(index: number): number {
    return this.items[index] as number;
  }
}

/**
 * Extracts the first JSON value in the answer (the whole answer when it is JSON; otherwise the first object
 * or array that parses, so prose and code fences around it do not matter) and keys it by a stable
 * serialisation with sorted keys: samples that differ only in key order or spacing agree. The value is the
 * parsed JSON. Warning: arrays keep their order (`[1,2]` and `[2,1]` disagree), and numbers compare as
 * JSON numbers (`1` and `1.0` agree, `"1"` and `1` do not). A value nested deeper than 200 levels, or holding
 * a number too large for a double, is no answer. The work is linear in the text's length.
 */
export function canonicalJson(): AnswerExtractor<unknown> {
  return (text) => {
    const trimmed = text.trim();
    if (trimmed.length === 0) return undefined;
    let found: Attempt = 'none';
    const first = trimmed.charCodeAt(0);
    // A bare scalar (`42`, `"yes"`, `true`) is whole-answer JSON with no brackets for the scan to find.
    if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
      const whole = tryParse(trimmed);
      if (whole.ok) found = { value: whole.value };
    }
    if (found === 'none') found = firstValue(trimmed);
    if (found === 'none' || found === 'next') return undefined;
    const key = stableStringify(found.value);
    return key === undefined ? undefined : { key, value: found.value };
  };
}
