import type { TokenLogprob } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { jsonValueRanges } from './json-values.ts';
import {
  selectAfterMarker,
  selectJsonValueTokens,
  selectLastTokens,
  selectSpan,
  selectTokensInRanges,
  tokenText,
} from './spans.ts';
import { seededRandom } from './testing/random.ts';

/** Tokens with logprob -index, so a selection is identified by its logprobs. */
function stream(...texts: string[]): TokenLogprob[] {
  return texts.map((token, i) => ({ token, logprob: -i }));
}
const texts = (selected: readonly TokenLogprob[]) => selected.map((t) => t.token);
const valuesOf = (text: string) => jsonValueRanges(text).map((r) => text.slice(r.start, r.end));

describe('jsonValueRanges', () => {
  it('finds string contents, numbers and literals, not keys or punctuation', () => {
    expect(
      valuesOf('{"city": "Paris", "population": 2148000, "capital": true, "mayor": null, "area": -1.05e2}'),
    ).toEqual(['Paris', '2148000', 'true', 'null', '-1.05e2']);
  });

  it('handles nesting, arrays, escapes and keys full of JSON punctuation', () => {
    expect(
      valuesOf('{"a:b": "x}y", "q": "say \\"hi\\"", "list": [1, "two", {"k": false}], "o": {"in": [[]]}}'),
    ).toEqual(['x}y', 'say \\"hi\\"', '1', 'two', 'false']);
    expect(valuesOf('[{"name": "a"}, {"name": "b"}]')).toEqual(['a', 'b']);
  });

  it('finds the end of long strings with escaped quotes and backslashes', () => {
    const long = `${'x'.repeat(40)}\\"${'y'.repeat(40)}\\\\`;
    expect(valuesOf(`{"k": "${long}", "n": 1}`)).toEqual([long, '1']);
    const escapedAtEdge = `${'z'.repeat(31)}\\"tail`;
    expect(valuesOf(`["${escapedAtEdge}", 2]`)).toEqual([escapedAtEdge, '2']);
  });

  it('gives an empty string value its quotes', () => {
    expect(valuesOf('{"a": "", "b": "c"}')).toEqual(['""', 'c']);
  });

  it('skips prose and a code fence before the document, and stops after it', () => {
    expect(valuesOf('Sure [here]:\n```json\n{"answer": 42}\n```\nHope that helps {"x": 1}')).toEqual(['42']);
    expect(valuesOf('Result: {"ok": true} and more {"no": 1}')).toEqual(['true']);
  });

  it('reads a bare scalar answer', () => {
    expect(valuesOf('  42\n')).toEqual(['42']);
    expect(valuesOf('"Paris"')).toEqual(['Paris']);
    expect(valuesOf('false')).toEqual(['false']);
  });

  it('finds nothing in prose, and never throws on truncated or hostile text', () => {
    expect(valuesOf('The answer is Paris.')).toEqual([]);
    expect(valuesOf('')).toEqual([]);
    expect(valuesOf('{"a": "unfinis')).toEqual(['unfinis']);
    expect(valuesOf('{"a": "x\\')).toEqual(['x\\']);
    expect(valuesOf('}}}]]]{{{')).toEqual([]);
    expect(() => jsonValueRanges(`${'['.repeat(100_000)}1`)).not.toThrow();
  });
});

describe('selectJsonValueTokens', () => {
  it('maps values to tokens split mid-value, leaving keys and punctuation out', () => {
    const tokens = stream(
      '{"',
      'city',
      '":',
      ' "',
      'Par',
      'is',
      '",',
      ' "',
      'population',
      '":',
      ' 214',
      '8000',
      ',',
      ' "capital": tr',
      'ue',
      ', "mayor": null',
      ', "tags": [',
      '"a", "',
      '"]}',
    );
    expect(tokenText(tokens)).toBe(
      '{"city": "Paris", "population": 2148000, "capital": true, "mayor": null, "tags": ["a", ""]}',
    );
    expect(texts(selectJsonValueTokens(tokens))).toEqual([
      'Par',
      'is',
      ' 214',
      '8000',
      ' "capital": tr',
      'ue',
      ', "mayor": null',
      '"a", "', // holds "a" and the opening quote of ""
      '"]}', // the closing quote of ""
    ]);
  });

  it('counts a token that holds the end of one value and punctuation', () => {
    const tokens = stream('{"a": "', 'yes', '"}');
    expect(texts(selectJsonValueTokens(tokens))).toEqual(['yes']);
    const merged = stream('{"a": "ye', 's"}');
    expect(texts(selectJsonValueTokens(merged))).toEqual(['{"a": "ye', 's"}']);
  });

  it('is empty for an answer without JSON values', () => {
    expect(selectJsonValueTokens(stream('I', ' do', ' not', ' know'))).toEqual([]);
    expect(selectJsonValueTokens(stream('{', '}'))).toEqual([]);
  });
});

describe('selectAfterMarker', () => {
  const reasoning = stream('Let', ' me', ' think', '. Answer', ':', ' A', '. Wait', '. Answer', ':', ' ', 'B', '.');

  it('selects the text after the last marker by default, skipping whitespace', () => {
    expect(texts(selectAfterMarker(reasoning, { marker: 'Answer:' }))).toEqual(['B', '.']);
  });

  it('can use the first occurrence', () => {
    expect(texts(selectAfterMarker(reasoning, { marker: 'Answer:', occurrence: 'first' }))).toEqual([
      ' A',
      '. Wait',
      '. Answer',
      ':',
      ' ',
      'B',
      '.',
    ]);
  });

  it('accepts a RegExp and leaves its lastIndex alone', () => {
    const marker = /answer\s*[:=]/gi;
    marker.lastIndex = 3;
    expect(texts(selectAfterMarker(stream('Final ANSWER', ' = ', '12'), { marker }))).toEqual(['12']);
    expect(marker.lastIndex).toBe(3);
    expect(texts(selectAfterMarker(stream('x', 'y'), { marker: /(?:)/ }))).toEqual([]);
  });

  it('counts a token that straddles the end of the marker', () => {
    expect(texts(selectAfterMarker(stream('Answer', ': B'), { marker: 'Answer:' }))).toEqual([': B']);
  });

  it('finds the last marker wherever it sits in a long answer, even split across tokens', () => {
    const filler = (n: number) => Array.from({ length: n }, (_, i) => ` w${i}`);
    for (const before of [0, 5, 15, 16, 17, 63, 64, 65, 300]) {
      for (const after of [1, 14, 15, 16, 17, 70]) {
        const tokens = stream(...filler(before), ' Ans', 'wer', ':', ' X', ...filler(after - 1));
        const selected = selectAfterMarker(tokens, { marker: 'Answer:' });
        expect(texts(selected)[0], `${before}/${after}`).toBe(' X');
        expect(selected.length).toBe(after);
        // An earlier marker does not win over the last one.
        const twice = stream('Answer:', ' A', ...filler(before), ' Answer', ': B', ...filler(after - 1));
        expect(texts(selectAfterMarker(twice, { marker: 'Answer:' }))[0]).toBe(': B');
      }
    }
  });

  it('is empty when the marker is absent or nothing follows it', () => {
    expect(selectAfterMarker(stream('B'), { marker: 'Answer:' })).toEqual([]);
    expect(selectAfterMarker(stream('Answer', ':', '  '), { marker: 'Answer:' })).toEqual([]);
  });
});

describe('selectLastTokens and selectSpan', () => {
  const tokens = stream('a', 'b', 'c', 'd');

  it('takes the last N tokens, or all when fewer', () => {
    expect(texts(selectLastTokens(tokens, { count: 2 }))).toEqual(['c', 'd']);
    expect(texts(selectLastTokens(tokens, { count: 10 }))).toEqual(['a', 'b', 'c', 'd']);
    expect(() => selectLastTokens(tokens, { count: 0 })).toThrow(RangeError);
  });

  it('dispatches every span kind', () => {
    expect(selectSpan(tokens, 'all')).toBe(tokens);
    expect(selectSpan(tokens, { type: 'all' })).toBe(tokens);
    expect(texts(selectSpan(stream('[', '1', ']'), 'json-values'))).toEqual(['1']);
    expect(texts(selectSpan(stream('[', '1', ']'), { type: 'json-values' }))).toEqual(['1']);
    expect(texts(selectSpan(tokens, { type: 'last-tokens', count: 1 }))).toEqual(['d']);
    expect(texts(selectSpan(stream('x:', 'y'), { type: 'after-marker', marker: ':' }))).toEqual(['y']);
  });
});

describe('JSON values on random documents and random token splits', () => {
  const random = seededRandom(2024);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  /** A random JSON value; `values` collects the raw text each scalar value should be found as. */
  function generate(depth: number, values: string[]): string {
    const kind = depth > 3 ? Math.floor(random() * 3) : Math.floor(random() * 5);
    if (kind === 0) {
      const text = pick(['', 'a', 'Paris', 'x"y', 'back\\slash', 'tab\t', '{[,:]}', 'true', ' spaced out ', 'é ü 中']);
      const raw = JSON.stringify(text);
      values.push(raw.length === 2 ? raw : raw.slice(1, -1));
      return raw;
    }
    if (kind === 1) {
      const raw = pick(['0', '-1', '42', '3.25', '-0.5e-3', '1E9', '2148000']);
      values.push(raw);
      return raw;
    }
    if (kind === 2) {
      const raw = pick(['true', 'false', 'null']);
      values.push(raw);
      return raw;
    }
    const count = Math.floor(random() * 4);
    const items: string[] = [];
    for (let i = 0; i < count; i += 1) {
      if (kind === 3) items.push(generate(depth + 1, values));
      else
        items.push(
          `${JSON.stringify(pick(['k', 'key', 'a:b', '"q"', 'true', '12']))}${pick([':', ': ', ' : '])}${generate(depth + 1, values)}`,
        );
    }
    const separator = pick([',', ', ', ',\n  ']);
    return kind === 3 ? `[${items.join(separator)}]` : `{${items.join(separator)}}`;
  }

  function split(text: string): TokenLogprob[] {
    const tokens: TokenLogprob[] = [];
    let i = 0;
    while (i < text.length) {
      const size = pick([0, 1, 1, 2, 3, 4, 6, 9]);
      tokens.push({ token: text.slice(i, i + size), logprob: -tokens.length });
      i += size;
    }
    return tokens;
  }

  it('finds exactly the generated values, and the same tokens whether split or whole', () => {
    for (let round = 0; round < 400; round += 1) {
      const values: string[] = [];
      const inner = random() < 0.8 ? generate(0, values) : `{"wrapped": ${generate(1, values)}}`;
      if (!inner.startsWith('{') && !inner.startsWith('[')) continue; // bare scalars are tested above
      const prefix = pick(['', 'Sure:\n', 'Here you go:\n```json\n', '```\n']);
      const suffix = pick(['', '\n```', '\nDone. {"ignored": 1}']);
      const text = `${prefix}${inner}${suffix}`;
      const ranges = jsonValueRanges(text);
      expect(
        ranges.map((r) => text.slice(r.start, r.end)),
        text,
      ).toEqual(values);
      const tokens = split(text);
      expect(selectJsonValueTokens(tokens), text).toEqual(selectTokensInRanges(tokens, ranges));
      // Truncated output: whatever prefix was produced, split or whole, selects the same tokens.
      const cut = split(text.slice(0, Math.floor(random() * text.length)));
      expect(selectJsonValueTokens(cut)).toEqual(selectTokensInRanges(cut, jsonValueRanges(tokenText(cut))));
    }
  });
});
