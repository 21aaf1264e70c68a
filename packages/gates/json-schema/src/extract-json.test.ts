import { describe, expect, it } from 'vitest';
import { extractJson } from './extract-json.ts';

function value(text: string): unknown {
  const result = extractJson(text);
  if (!result.ok) throw new Error(`expected a value, got ${result.reason}: ${result.message}`);
  return result.value;
}

describe('extractJson: where the JSON is', () => {
  it('parses a bare object, array and scalar', () => {
    expect(value('{"a": 1}')).toEqual({ a: 1 });
    expect(value('  [1, 2, 3]\n')).toEqual([1, 2, 3]);
    expect(value('42')).toBe(42);
    expect(value(' "yes" ')).toBe('yes');
    expect(value('true')).toBe(true);
    expect(value('null')).toBeNull();
  });

  it('a whole answer that is one JSON string is that string, not the brackets inside it', () => {
    expect(value('"see {x}"')).toBe('see {x}');
    expect(value(' "a [1, 2] list"\n')).toBe('a [1, 2] list');
    expect(value('"{\\"a\\": 1}"')).toBe('{"a": 1}');
    expect(value('```json\n"see {x}"\n```')).toBe('see {x}');
    // Prose that merely starts and ends with quotes is not one string: the value inside is still found.
    expect(value('"a" then {"b": 1} then "c"')).toEqual({ b: 1 });
  });

  it('takes the JSON out of a ```json fence, with prose before and after', () => {
    const text =
      'Sure! Here is the result:\n\n```json\n{"city": "Paris", "tags": ["a", "b"]}\n```\n\nLet me know if you need more.';
    const result = extractJson(text);
    expect(result).toMatchObject({ ok: true, value: { city: 'Paris', tags: ['a', 'b'] }, source: 'fence' });
    if (result.ok) expect(text.slice(result.start, result.end)).toBe('{"city": "Paris", "tags": ["a", "b"]}');
  });

  it('accepts fences with no language, other languages, tildes and longer backtick runs', () => {
    expect(value('```\n{"a": 1}\n```')).toEqual({ a: 1 });
    expect(value('```javascript\n[1]\n```')).toEqual([1]);
    expect(value('~~~json\n{"b": 2}\n~~~')).toEqual({ b: 2 });
    expect(value('````json\n{"c": "```"}\n````')).toEqual({ c: '```' });
  });

  it('prefers a fenced value over brackets in the prose around it', () => {
    expect(value('Use the shape [name, age] as below.\n```json\n{"name": "Ann", "age": 3}\n```')).toEqual({
      name: 'Ann',
      age: 3,
    });
  });

  it('skips a fence without JSON and finds the value elsewhere', () => {
    expect(value('```text\nno json here\n```\nAnswer: {"ok": true}')).toEqual({ ok: true });
  });

  it('finds the first complete value in prose, skipping prose brackets that are not JSON', () => {
    expect(value('Here you go [as requested]: {"a": [1, {"b": "}"}]} and that is all {"c": 2}')).toEqual({
      a: [1, { b: '}' }],
    });
  });

  it('tries a later opener when an earlier one is never closed', () => {
    expect(value('Note: { starts a set. {"real": 1}')).toEqual({ real: 1 });
  });

  it('fails a truncated answer instead of passing a complete value nested inside it', () => {
    const cut = extractJson('{"a": 1, "items": [{"d": "x", "q": 2}], "t": 3');
    expect(cut).toMatchObject({ ok: false, reason: 'invalid-json' });
    if (!cut.ok) expect(cut.message).toMatch(/never closed/);
    expect(extractJson('[{"d": "x"}, {"d": "y"')).toMatchObject({ ok: false, reason: 'invalid-json' });
    expect(extractJson('Sure:\n```json\n{"items": [{"q": 1}]\n')).toMatchObject({ ok: false, reason: 'invalid-json' });
  });

  it('skips a leading BOM', () => {
    expect(value('\uFEFF{"a": 1}')).toEqual({ a: 1 });
    expect(value('\uFEFF7')).toBe(7);
  });

  it('handles brackets and escaped quotes inside strings', () => {
    expect(value('{"s": "a \\" } ] [ {", "t": "\\\\"}')).toEqual({ s: 'a " } ] [ {', t: '\\' });
  });

  it('reports offsets in the original text', () => {
    const text = 'prefix {"x": 1} suffix';
    const result = extractJson(text);
    expect(result).toMatchObject({ ok: true, start: 7, end: 15, source: 'text' });
  });
});

describe('extractJson: failures', () => {
  it('no-json when there is nothing JSON-like', () => {
    expect(extractJson('I cannot help with that.')).toMatchObject({ ok: false, reason: 'no-json' });
    expect(extractJson('')).toMatchObject({ ok: false, reason: 'no-json' });
    expect(extractJson('   \n ')).toMatchObject({ ok: false, reason: 'no-json' });
  });

  it('invalid-json for JavaScript-ish objects, with the parser message', () => {
    const single = extractJson("{'a': 1}");
    expect(single).toMatchObject({ ok: false, reason: 'invalid-json' });
    const trailing = extractJson('{"a": 1,}');
    expect(trailing).toMatchObject({ ok: false, reason: 'invalid-json' });
    if (!trailing.ok) expect(trailing.message).toMatch(/does not parse/);
  });

  it('does not pass a valid value nested inside a malformed one', () => {
    expect(extractJson('{answer: {"a": 1}}')).toMatchObject({ ok: false, reason: 'invalid-json' });
  });

  it('invalid-json for an unterminated string or object', () => {
    const string = extractJson('{"a": "never closed');
    expect(string).toMatchObject({ ok: false, reason: 'invalid-json' });
    if (!string.ok) expect(string.message).toMatch(/unterminated string/);
    const object = extractJson('{"a": [1, 2');
    expect(object).toMatchObject({ ok: false, reason: 'invalid-json' });
    if (!object.ok) expect(object.message).toMatch(/never closed/);
  });

  it('invalid-json for mismatched brackets', () => {
    expect(extractJson('{"a": [1, 2}]')).toMatchObject({ ok: false, reason: 'invalid-json' });
  });

  it('too-large past maxBytes, counted in UTF-8 bytes', () => {
    expect(extractJson('{"a": 1}', { maxBytes: 4 })).toMatchObject({ ok: false, reason: 'too-large' });
    // 300 three-byte characters: 300 UTF-16 units but 900 bytes.
    const wide = `{"a": "${'€'.repeat(300)}"}`;
    expect(extractJson(wide, { maxBytes: 500 })).toMatchObject({ ok: false, reason: 'too-large' });
    expect(extractJson(wide, { maxBytes: 1000 })).toMatchObject({ ok: true });
  });

  it('too-deep past maxDepth, counted outside strings only', () => {
    expect(extractJson(`${'['.repeat(5)}${']'.repeat(5)}`, { maxDepth: 4 })).toMatchObject({
      ok: false,
      reason: 'too-deep',
    });
    expect(extractJson(`${'['.repeat(4)}${']'.repeat(4)}`, { maxDepth: 4 })).toMatchObject({ ok: true });
    expect(extractJson(`{"s": "${'['.repeat(1000)}"}`, { maxDepth: 2 })).toMatchObject({ ok: true });
  });

  it('fails a number too large for a double instead of returning Infinity', () => {
    const result = extractJson('{"a": {"b": [1, 1e400]}}');
    expect(result).toMatchObject({ ok: false, reason: 'invalid-json' });
    if (!result.ok) expect(result.message).toContain('$.a.b[1]');
    expect(value('{"a": "1e400", "b": 1e300}')).toEqual({ a: '1e400', b: 1e300 });
    expect(extractJson(`[${'9'.repeat(400)}]`)).toMatchObject({ ok: false, reason: 'invalid-json' });
  });

  it('returns a non-string input as no-json rather than throwing', () => {
    expect(extractJson(undefined as unknown as string)).toMatchObject({ ok: false, reason: 'no-json' });
  });
});
