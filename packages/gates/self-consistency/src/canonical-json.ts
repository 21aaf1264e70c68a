import type { AnswerExtractor } from './extractor.ts';

// Deeper values are refused rather than risking the stack on hostile output.
const MAX_DEPTH = 200;
// Bounds the work on text full of stray brackets: each failed opening costs a scan.
const MAX_OPENINGS = 16;

/**
 * Serialises a JSON value with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` give one string.
 * Returns undefined past `MAX_DEPTH` levels.
 */
export function stableStringify(value: unknown, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number') return Object.is(value, -0) ? '0' : JSON.stringify(value);
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

/** Index just past the bracket that closes the one at `start`, skipping strings; -1 when it never closes. */
function closingIndex(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i += 1;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) depth += 1;
    else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Extracts the first JSON value in the answer (the whole answer when it is JSON; otherwise the first object
 * or array that parses, so prose and code fences around it do not matter) and keys it by a stable
 * serialisation with sorted keys: samples that differ only in key order or spacing agree. The value is the
 * parsed JSON. Warning: arrays keep their order (`[1,2]` and `[2,1]` disagree), and numbers compare as
 * JSON numbers (`1` and `1.0` agree, `"1"` and `1` do not).
 */
export function canonicalJson(): AnswerExtractor<unknown> {
  return (text) => {
    const trimmed = text.trim();
    if (trimmed.length === 0) return undefined;
    const whole = tryParse(trimmed);
    let parsed: unknown;
    let found = whole.ok;
    if (whole.ok) parsed = whole.value;
    let from = 0;
    for (let attempt = 0; !found && attempt < MAX_OPENINGS; attempt += 1) {
      const brace = trimmed.indexOf('{', from);
      const bracket = trimmed.indexOf('[', from);
      const start = brace < 0 ? bracket : bracket < 0 ? brace : Math.min(brace, bracket);
      if (start < 0) break;
      const end = closingIndex(trimmed, start);
      if (end > 0) {
        const slice = tryParse(trimmed.slice(start, end));
        if (slice.ok) {
          parsed = slice.value;
          found = true;
        }
      }
      from = start + 1;
    }
    if (!found) return undefined;
    const key = stableStringify(parsed);
    return key === undefined ? undefined : { key, value: parsed };
  };
}
