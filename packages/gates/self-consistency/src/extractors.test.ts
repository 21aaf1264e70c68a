import { ConfigError } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { answerAfterMarker } from './answer-after-marker.ts';
import { canonicalJson, stableStringify } from './canonical-json.ts';
import { lastNumber, numberKey } from './last-number.ts';
import { normalizedCode } from './normalized-code.ts';
import { normalizedText } from './normalized-text.ts';

describe('normalizedText', () => {
  const extract = normalizedText();
  it('trims, collapses whitespace and case-folds', () => {
    expect(extract('  Paris\n\tFrance ')).toEqual({ key: 'paris france', value: 'paris france' });
    expect(extract('PARIS FRANCE')?.key).toBe(extract('paris   france')?.key);
  });
  it('treats an empty or blank answer as no answer', () => {
    expect(extract('')).toBeUndefined();
    expect(extract(' \n\t ')).toBeUndefined();
  });
});

describe('lastNumber', () => {
  const extract = lastNumber();
  const key = (text: string) => extract(text)?.key;
  it.each([
    ['The answer is 42.', 42],
    ['Total: 1,234.50 dollars', 1234.5],
    ['It costs $1,234.5', 1234.5],
    ['so x = 3/4', 0.75],
    ['3 / 4.', 0.75],
    ['It dropped to -3', -3],
    ['\u22127 degrees', -7],
    ['+5', 5],
    ['(-3)', -3],
    ['costs -$5', -5],
    ['.5', 0.5],
    ['1e3', 1000],
    ['50% of them', 50],
    ['first 7, then 8, finally 9', 9],
    ['5-3', 3],
  ])('reads %j as %d', (text, expected) => {
    expect(extract(text)?.value).toBe(expected);
  });
  it('compares numerically: fractions, decimals, commas and currency agree', () => {
    expect(key('3/4')).toBe(key('0.75'));
    expect(key('1,000')).toBe(key('$1000.00'));
    expect(key('1/3')).toBe(key('0.333333333333'));
    expect(key('-0')).toBe(key('0'));
    expect(key('42')).not.toBe(key('42.5'));
  });
  it('reads percentages as fractions when asked', () => {
    expect(lastNumber({ percentAsFraction: true })('50%')?.value).toBe(0.5);
  });
  it('finds no number in dates, versions, a zero denominator or prose', () => {
    expect(extract('05/01/2021')).toBeUndefined();
    expect(extract('v1.2.3')).toBeUndefined();
    expect(extract('10/0')).toBeUndefined();
    expect(extract('no numbers here')).toBeUndefined();
  });
  it('rejects bad options when built', () => {
    expect(() => lastNumber({ significantDigits: 0 })).toThrow(ConfigError);
    expect(() => lastNumber({ significantDigits: 1.5 })).toThrow(/significantDigits/);
  });
  it('keys with the configured precision', () => {
    expect(numberKey(0.1 + 0.2)).toBe('0.3');
    expect(lastNumber({ significantDigits: 2 })('3.14159')?.key).toBe('3.1');
  });
  it('stays linear on a huge hostile answer', () => {
    const text = `${'9'.repeat(200_000)}/5/${'1,'.repeat(50_000)}`;
    expect(() => extract(text)).not.toThrow();
  });
});

describe('answerAfterMarker', () => {
  const extract = answerAfterMarker();
  it('takes the text after the last marker, up to the end of the line, without decoration', () => {
    expect(extract('Step 1 ... The answer is **05/01/2021**.\nDone')?.key).toBe('05/01/2021');
    expect(extract('Answer: "Paris"')?.key).toBe('paris');
    expect(extract('answer: 1\nwait, recheck. The final answer is: 2.')?.key).toBe('2');
  });
  it('reads the next line when the marker ends its line, and keeps a minus sign', () => {
    expect(extract('Final answer:\n  -3')?.key).toBe('-3');
    expect(extract('The answer is -3.')?.key).toBe('-3');
  });
  it('is a non-vote without a marker, unless a fallback is given', () => {
    expect(extract('I think 42')).toBeUndefined();
    expect(answerAfterMarker({ fallback: lastNumber() })('I think 42')?.value).toBe(42);
    expect(extract('The answer is')).toBeUndefined();
  });
  it('chains another extractor on the captured answer', () => {
    const numeric = answerAfterMarker({ markers: ['####'], read: lastNumber() });
    expect(numeric('so 3 apples\n#### 1,200 apples')?.value).toBe(1200);
  });
  it('matches markers case-insensitively, longest first', () => {
    const custom = answerAfterMarker({ markers: ['ANSWER', 'final ANSWER'] });
    expect(custom('Final answer (b)')?.key).toBe('(b)');
  });
  it('rejects bad options when built', () => {
    expect(() => answerAfterMarker({ markers: [] })).toThrow(/markers/);
    expect(() => answerAfterMarker({ markers: [' '] })).toThrow(/markers\[0\]/);
  });
});

describe('canonicalJson', () => {
  const extract = canonicalJson();
  it('keys objects by a stable serialisation with sorted keys', () => {
    const a = extract('{"b": 2, "a": {"y": [1, 2], "x": null}}');
    const b = extract('Here you go:\n```json\n{"a":{"x":null,"y":[1,2]},"b":2}\n```');
    expect(a?.key).toBe('{"a":{"x":null,"y":[1,2]},"b":2}');
    expect(b?.key).toBe(a?.key);
    expect(b?.value).toEqual({ a: { x: null, y: [1, 2] }, b: 2 });
  });
  it('keeps array order and JSON types apart', () => {
    expect(extract('[1,2]')?.key).not.toBe(extract('[2,1]')?.key);
    expect(extract('"1"')?.key).not.toBe(extract('1')?.key);
    expect(extract('1.0')?.key).toBe(extract('1')?.key);
  });
  it('skips brackets that are not JSON and finds the first value that parses', () => {
    expect(extract('see [note] then {"ok": true}')?.value).toEqual({ ok: true });
    expect(extract('{"s": "a } in a string"}')?.value).toEqual({ s: 'a } in a string' });
  });
  it('is a non-vote for text without JSON, and survives hostile nesting', () => {
    expect(extract('no json {here')).toBeUndefined();
    expect(extract('')).toBeUndefined();
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(extract(deep)).toBeUndefined();
    expect(stableStringify({ a: -0 })).toBe('{"a":0}');
  });
});

describe('normalizedCode', () => {
  const extract = normalizedCode();
  it('agrees across comments, spacing and blank lines in fenced C-like code', () => {
    const a = extract('```ts\nconst x = 1; // one\n\n/* sum */ const y  =  x + 2;\n```');
    const b = extract('Here:\n```ts\n  const x = 1;\nconst y = x + 2;   \n```\nThat is it.');
    expect(a?.key).toBe('const x = 1;\nconst y = x + 2;');
    expect(b?.key).toBe(a?.key);
  });
  it('never strips inside strings', () => {
    expect(extract('```js\nconst url = "http://a.b"; // c\n```')?.key).toBe('const url = "http://a.b";');
    expect(extract('```python\ns = "# not a comment"  # comment\n```')?.key).toBe('s = "# not a comment"');
    expect(extract('```js\nconst s = "a    b";\n```')?.key).toBe('const s = "a    b";');
  });
  it('keeps Python indentation and triple-quoted strings', () => {
    const key = extract('```python\ndef f():\n    """doc # x"""\n    return 1  # one\n```')?.key;
    expect(key).toBe('def f():\n    """doc # x"""\n    return 1');
    expect(extract('```python\nif a:\n  b\n```')?.key).not.toBe(extract('```python\nif a:\nb\n```')?.key);
  });
  it('strips no comments when the language is unknown', () => {
    expect(extract('x = 1 # keep')?.key).toBe('x = 1 # keep');
    expect(normalizedCode({ comments: 'hash' })('x = 1 # drop')?.key).toBe('x = 1');
  });
  it('is a non-vote for empty code and rejects bad options', () => {
    expect(extract('```ts\n// only a comment\n```')).toBeUndefined();
    expect(() => normalizedCode({ comments: 'lisp' as 'c' })).toThrow(/comments/);
  });
});

describe('lastNumber agrees with a forward scan', () => {
  // The extractor scans backwards for speed; this is the plain forward definition it must match.
  const FORWARD =
    /(?:(?<![A-Za-z0-9_)\]])([-+\u2212]))?(?:[$\u20ac\u00a3\u00a5\u20b9]\s?)?(?<![0-9./,])(\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+)(?:\s?\/\s?(\d+(?:\.\d+)?))?(?![0-9]|[./,]\d)(\s?%)?/g;
  function forward(text: string): number | undefined {
    let found: number | undefined;
    for (const match of text.matchAll(FORWARD)) {
      const [, sign, whole, denominator] = match;
      let value = Number((whole as string).replaceAll(',', ''));
      if (denominator !== undefined) {
        if (Number(denominator) === 0) continue;
        value /= Number(denominator);
      }
      if (sign === '-' || sign === '\u2212') value = -value;
      if (Number.isFinite(value)) found = value;
    }
    return found;
  }

  it('on 50,000 random strings of number-like characters', () => {
    const alphabet = '0123456789012345678901234567890.,/ -+$%eax\n';
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const extract = lastNumber();
    const mismatches: string[] = [];
    for (let n = 0; n < 50_000; n += 1) {
      const length = 1 + Math.floor(random() * 24);
      let text = '';
      for (let i = 0; i < length; i += 1) text += alphabet[Math.floor(random() * alphabet.length)];
      const expected = forward(text);
      const got = extract(text)?.key;
      if (got !== (expected === undefined ? undefined : numberKey(expected))) {
        mismatches.push(`${JSON.stringify(text)}: ${got} vs ${expected}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
