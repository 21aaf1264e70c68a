import type { GateResult } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { compileJsonSchema } from './compile-schema.ts';
import { jsonSchemaGate } from './json-schema-gate.ts';
import { FORMAT_LENGTH_LIMITS, isUrl } from './safe-formats.ts';
import { isLinearOnBacktracker, PATTERN_INPUT_LIMIT } from './safe-pattern.ts';

// These inputs backtrack for minutes or hours on V8's engine (or take quadratic time in ajv's own
// keywords), so before the fix each test hung until vitest's timeout; none asserts a duration.

function sync<T>(result: GateResult<T> | Promise<GateResult<T>>): GateResult<T> {
  if (result instanceof Promise) throw new Error('expected a synchronous result');
  return result;
}

describe('schema patterns cannot backtrack catastrophically', () => {
  it('a nested-quantifier pattern runs on RE2 and answers at once', () => {
    expect(isLinearOnBacktracker('^([a-z0-9]+)+$')).toBe(false);
    const gate = jsonSchemaGate({ schema: { type: 'string', pattern: '^([a-z0-9]+)+$' } });
    expect(sync(gate.check(JSON.stringify(`${'a'.repeat(40)}!`)))).toMatchObject({ status: 'fail' });
    expect(sync(gate.check(JSON.stringify('a'.repeat(40))))).toMatchObject({ status: 'pass' });
    const keys = jsonSchemaGate({
      schema: { type: 'object', patternProperties: { '^(\\w+\\s?)*$': { type: 'number' } } },
    });
    expect(sync(keys.check(JSON.stringify({ [`${'word '.repeat(30)}!`]: 'x' })))).toMatchObject({ status: 'pass' });
  });

  it('patterns V8 provably runs in linear time stay on V8; the rest go to RE2', () => {
    for (const linear of ['^SKU-[0-9]+$', '^INV-[0-9]{4}-[0-9]{5}$', '^[a-z]{2}$', 'abc', '^\\d+$', '^-?[0-9]+$']) {
      expect(isLinearOnBacktracker(linear), linear).toBe(true);
    }
    for (const other of ['^(a|b)+$', '[0-9]+x', '^a*a*$', '^[a-z]+@[a-z]+$', '(a)\\1', '^a+?$']) {
      expect(isLinearOnBacktracker(other), other).toBe(false);
    }
  });

  it('RE2 keeps ECMAScript meanings: \\s, dot, \\p{Letter}', () => {
    const check = (pattern: string, value: string): boolean =>
      compileJsonSchema({ schema: { type: 'string', pattern }, cache: false }).validate(value).valid;
    expect(check('^(\\s)+$', '\u00a0\u3000')).toBe(true);
    expect(check('^(.)+$', 'a\u2028')).toBe(false);
    expect(check('^(\\p{Letter})+$', 'héllo')).toBe(true);
    expect(check('^(\\p{Letter})+$', 'h1')).toBe(false);
  });

  it('a string over the RE2 input limit fails the pattern, closed', () => {
    const validator = compileJsonSchema({ schema: { type: 'string', pattern: '^(ab|c)+$' }, cache: false });
    const result = validator.validate('c'.repeat(PATTERN_INPUT_LIMIT + 1));
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.issues[0]?.message).toMatch(/over the 8192-character limit/);
    expect(validator.validate('c'.repeat(PATTERN_INPUT_LIMIT)).valid).toBe(true);
  });

  it('many RE2 checks on one answer stop at the time budget and fail closed', () => {
    const validator = compileJsonSchema({
      schema: { type: 'array', items: { type: 'string', pattern: '^([a-z0-9]+)+$' } },
      cache: false,
    });
    // About 200 x 8,000 hostile characters: seconds of RE2 work, far past the 15 ms budget.
    const result = validator.validate(Array.from({ length: 200 }, () => `${'a'.repeat(7999)}!`));
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.issues[0]?.message).toMatch(/could not be checked: the checks took over 15 ms/);
  });

  it('a pattern RE2 cannot run fails at build time, unless the schema is trusted with `ecmascript`', () => {
    expect(() => compileJsonSchema({ schema: { type: 'string', pattern: '^(?=.*\\d).+$' }, cache: false })).toThrow(
      /lookaround or a backreference/,
    );
    const trusted = compileJsonSchema({
      schema: { type: 'string', pattern: '^(?=.*\\d).+$' },
      patterns: 'ecmascript',
      cache: false,
    });
    expect(trusted.validate('a1').valid).toBe(true);
    expect(trusted.validate('ab').valid).toBe(false);
  });
});

describe('formats are bounded', () => {
  it('url runs in linear time and keeps ajv-formats meaning', () => {
    const gate = jsonSchemaGate({ schema: { type: 'string', format: 'url' } });
    // ajv-formats' url pattern took 12.6 s on an 80 KB answer like this one.
    expect(sync(gate.check(JSON.stringify(`http://${':'.repeat(80_000)} `)))).toMatchObject({ status: 'fail' });
    expect(isUrl('https://example.com/a?b=c#d')).toBe(true);
    expect(isUrl('ftp://user:pw@files.example.org:2121/x')).toBe(true);
    expect(isUrl('http://8.8.8.8/')).toBe(true);
    expect(isUrl('http://10.0.0.1/')).toBe(false);
    expect(isUrl('http://192.168.1.1')).toBe(false);
    expect(isUrl('mailto:a@b.c')).toBe(false);
    expect(isUrl('http://example')).toBe(false);
  });

  it('a string longer than its format allows fails the format without being scanned', () => {
    const validator = compileJsonSchema({ schema: { type: 'string', format: 'date-time' }, cache: false });
    expect(validator.validate('2024-11-05T09:30:00Z').valid).toBe(true);
    expect(validator.validate(`2024-11-05T09:30:00.${'1'.repeat(FORMAT_LENGTH_LIMITS['date-time'] ?? 0)}Z`).valid).toBe(
      false,
    );
    const email = compileJsonSchema({ schema: { type: 'string', format: 'email' }, cache: false });
    expect(email.validate(`${'a'.repeat(400)}@example.com`).valid).toBe(false);
    expect(email.validate('ann@example.com').valid).toBe(true);
  });
});

describe('uniqueItems is linear', () => {
  it('16,000 objects: duplicates found, distinct items pass, without pairwise comparison', () => {
    const gate = jsonSchemaGate({ schema: { type: 'array', uniqueItems: true }, maxKeys: 20_000 });
    // 16,000 items stay under the budget's free work, so the verdict never depends on the clock; ajv's
    // pairwise keyword made 1.3 * 10^8 deep comparisons here.
    const distinct = Array.from({ length: 16_000 }, (_, index) => ({ a: index }));
    expect(sync(gate.check(JSON.stringify(distinct)))).toMatchObject({ status: 'pass' });
    const result = sync(gate.check(JSON.stringify([...distinct, { a: 5 }])));
    expect(result).toMatchObject({ status: 'fail', reason: 'schema-invalid' });
    expect(result.feedback).toMatch(/items ## 5 and 16000 are identical/);
    // Equality is JSON equality: key order does not matter, 1 and 1.0 are one number.
    const small = compileJsonSchema({ schema: { uniqueItems: true }, cache: false });
    expect(
      small.validate([
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ]).valid,
    ).toBe(false);
    expect(small.validate([1, 1.0]).valid).toBe(false);
    expect(small.validate([1, '1', [1], { 1: 1 }]).valid).toBe(true);
  });
});

describe('the patterns option', () => {
  it('reaches the gate, is checked, and applies to JSON Schemas only', () => {
    const trusted = jsonSchemaGate({ schema: { type: 'string', pattern: '^(?=.*\\d).+$' }, patterns: 'ecmascript' });
    expect(sync(trusted.check('"a1"'))).toMatchObject({ status: 'pass' });
    expect(() => jsonSchemaGate({ schema: { type: 'string', pattern: '^(?=.*\\d).+$' } })).toThrow(/ecmascript/);
    expect(() => jsonSchemaGate({ schema: {}, patterns: 'fast' as never })).toThrow(/patterns/);
  });
});
