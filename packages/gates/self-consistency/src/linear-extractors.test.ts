import { afterEach, describe, expect, it, vi } from 'vitest';
import { answerAfterMarker } from './answer-after-marker.ts';
import { canonicalJson, stableStringify } from './canonical-json.ts';
import { lastNumber } from './last-number.ts';
import { type CommentStyle, normaliseCode, normalizedCode } from './normalized-code.ts';

// The extractors were rewritten to run in time linear in the sample. These are the plain definitions they
// replaced (simple, but quadratic on some inputs); on short random text the two must agree exactly.

const REFERENCE_FENCE = /```([^\n`]*)\n([\s\S]*?)(?:```|$)/;

function referenceStringEnd(code: string, start: number, quote: string, triple: boolean): number {
  let i = start + (triple ? 3 : 1);
  while (i < code.length) {
    const c = code[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (triple) {
      if (code.startsWith(quote.repeat(3), i)) return i + 3;
    } else if (c === quote) {
      return i + 1;
    } else if (c === '\n' && quote !== '`') {
      return i;
    }
    i += 1;
  }
  return code.length;
}

function referenceNormaliseCode(code: string, style: CommentStyle): string {
  let out = '';
  let i = 0;
  const n = code.length;
  while (i < n) {
    const c = code[i] as string;
    const next = code[i + 1];
    if (style === 'c' && c === '/' && next === '/') {
      while (i < n && code[i] !== '\n') i += 1;
      continue;
    }
    if (style === 'c' && c === '/' && next === '*') {
      const close = code.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      out += ' ';
      continue;
    }
    if (style === 'hash' && c === '#') {
      while (i < n && code[i] !== '\n') i += 1;
      continue;
    }
    if (c === '"' || c === "'" || (c === '`' && style === 'c')) {
      const triple = style === 'hash' && code.startsWith(c.repeat(3), i);
      const end = referenceStringEnd(code, i, c, triple);
      out += code.slice(i, end);
      i = end;
      continue;
    }
    if (c === ' ' || c === '\t') {
      const start = i;
      while (i < n && (code[i] === ' ' || code[i] === '\t')) i += 1;
      out += out.length === 0 || out.endsWith('\n') ? code.slice(start, i) : ' ';
      continue;
    }
    out += c === '\r' ? '' : c;
    i += 1;
  }
  const lines: string[] = [];
  for (const line of out.split('\n')) {
    const kept = style === 'c' ? line.trim() : line.trimEnd();
    if (kept.length > 0) lines.push(kept);
  }
  return lines.join('\n');
}

function referenceClean(captured: string): string {
  return captured
    .replace(/[*`]/g, '')
    .trim()
    .replace(/[.!,;]+$/u, '')
    .replace(/^["'\u201c\u2018](.*)["'\u201d\u2019]$/su, '$1')
    .trim();
}

function randomTexts(alphabet: readonly string[], count: number, maxLength: number): string[] {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return Array.from({ length: count }, () => {
    const length = Math.floor(random() * maxLength);
    let text = '';
    for (let i = 0; i < length; i += 1) text += alphabet[Math.floor(random() * alphabet.length)];
    return text;
  });
}

const CODE_ALPHABET = [...'/*#"\'`\\ \t\n\r ab;', '```', '```ts\n', '```python\n', '"""', "'''", '\u00a0', '\u2028'];

describe('normalizedCode agrees with its plain definition', () => {
  const texts = randomTexts(CODE_ALPHABET, 30_000, 30);

  it.each(['c', 'hash', 'none'] as const)('normaliseCode with %s comments on 30,000 random snippets', (style) => {
    const mismatches = texts
      .filter((text) => normaliseCode(text, style) !== referenceNormaliseCode(text, style))
      .map((text) => JSON.stringify(text));
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('finds the same first fence as the regular expression it replaced', () => {
    const extract = normalizedCode({ comments: 'none' });
    const mismatches: string[] = [];
    for (const text of texts) {
      const fence = REFERENCE_FENCE.exec(text);
      const key = referenceNormaliseCode(fence === null ? text : (fence[2] as string), 'none');
      const expected = key.length === 0 ? undefined : key;
      if (extract(text)?.key !== expected) mismatches.push(JSON.stringify(text));
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});

describe('answerAfterMarker agrees with its plain definition', () => {
  it('cleans decoration the way the regular expressions did, on 30,000 random answers', () => {
    const alphabet = [...'.!,;*`"\'\u201c\u201d\u2018\u2019 \tab', 'The answer is '];
    const extract = answerAfterMarker({ markers: ['the answer is'] });
    const mismatches: string[] = [];
    for (const text of randomTexts(alphabet, 30_000, 16)) {
      const at = text.toLowerCase().lastIndexOf('the answer is');
      let expected: string | undefined;
      if (at >= 0) {
        const rest = text.slice(at + 13).replace(/^\s*(?:[:\uff1a=]|[-\u2013\u2014](?=\s))?\s*/u, '');
        const line = rest.split('\n')[0] as string;
        const captured = referenceClean(line);
        const key = captured.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
        expected = captured.length === 0 || key.length === 0 ? undefined : key;
      }
      if (extract(text)?.key !== expected) mismatches.push(JSON.stringify(text));
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});

// Inputs that took seconds to minutes before the rewrite (each grows quadratically): with vitest's default
// timeout they fail by timing out, and now finish in milliseconds. No timing is asserted here; speed
// figures come from scripts/worst-case.ts.
describe('extractors stay linear on repetitive output', () => {
  it('normalizedCode on a megabyte of short whitespace runs', () => {
    const text = `\`\`\`ts\n${'a  '.repeat(350_000)}\n\`\`\``;
    expect(normalizedCode()(text)?.key).toBe('a '.repeat(350_000).trim());
    expect(normalizedCode({ comments: 'hash' })('x \t '.repeat(250_000))?.key).toBe('x '.repeat(250_000).trim());
  });

  it('normalizedCode on backticks before one late newline', () => {
    expect(normalizedCode()(`${'`'.repeat(1_000_000)}\nx`)?.key).toBe('x');
  });

  it('answerAfterMarker on a line of dots after the marker', () => {
    const text = `The answer is ${'.'.repeat(300_000)}x${'.'.repeat(300_000)}`;
    expect(answerAfterMarker()(text)?.key).toBe(`${'.'.repeat(300_000)}x`);
  });

  it('lastNumber on a long run of fractions and exponents', () => {
    expect(lastNumber()(`${'1 / '.repeat(199_999)}4`)?.value).toBe(0.25);
    // Read from the left, 1e1e1e... pairs up as 1e1 (10), e, 1e1, ...; an even count leaves a final 1.
    expect(lastNumber()(`${'1e'.repeat(300_000)}1`)?.value).toBe(1);
    expect(lastNumber()(`${'1e'.repeat(300_001)}1`)?.value).toBe(10);
  });
});

describe('canonicalJson bounds its work', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('parses each character at most once, skipping a malformed value whole', () => {
    const parse = vi.spyOn(JSON, 'parse');
    // Twenty levels of a malformed value: the old scan retried every nested opener, parsing ~10 times the text.
    const text = `${'['.repeat(20)}x${']'.repeat(20)} then {"ok": true}`;
    expect(canonicalJson()(text)?.value).toEqual({ ok: true });
    const parsed = parse.mock.calls.reduce((sum, [slice]) => sum + String(slice).length, 0);
    expect(parsed).toBeLessThanOrEqual(text.length);
  });

  it('refuses a value nested deeper than 200 levels before parsing it', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const deep = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    expect(canonicalJson()(deep)).toBeUndefined();
    expect(canonicalJson()(`answer: ${'{"a":'.repeat(300)}1${'}'.repeat(300)}`)).toBeUndefined();
    // The prose answer is tried whole as a bare scalar (it fails at its first letter); no bracket is parsed.
    expect(parse.mock.calls.filter(([slice]) => /^[[{]/.test(String(slice)))).toEqual([]);
  });

  it('keys values up to the depth limit and refuses one level more', () => {
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    expect(canonicalJson()(nested(201))?.key).toBe(nested(201));
    expect(canonicalJson()(nested(202))).toBeUndefined();
    expect(canonicalJson()(`x [${nested(201)}`)?.key).toBe(nested(201));
  });

  it('finds a value inside a bracket that never closes', () => {
    expect(canonicalJson()('I think [maybe {"a": 1} or so')?.value).toEqual({ a: 1 });
    expect(canonicalJson()('[[1,2], {"b": [3]} and then')?.value).toEqual([1, 2]);
  });

  it('gives numbers JSON cannot write no key, so 1e400 does not agree with null', () => {
    expect(canonicalJson()('{"a": 1e400}')).toBeUndefined();
    expect(canonicalJson()('{"a": null}')?.key).toBe('{"a":null}');
    expect(stableStringify([Number.NaN])).toBeUndefined();
  });
});
