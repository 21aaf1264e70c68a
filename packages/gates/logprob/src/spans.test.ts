import type { TokenLogprob } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { jsonValueRanges } from './json-values.ts';
import { selectAfterMarker, selectJsonValueTokens, selectLastTokens, selectSpan, tokenText } from './spans.ts';

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
