import { Worker } from 'node:worker_threads';
import type { GateResult } from '@llm-cascade/core';
import { gateContext } from '@llm-cascade/core/test';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { extractJson, findNonFinite } from './extract-json.ts';
import { jsonSchemaGate, MAX_DEPTH_LIMIT } from './json-schema-gate.ts';

function sync<T>(result: GateResult<T> | Promise<GateResult<T>>): GateResult<T> {
  if (result instanceof Promise) throw new Error('expected a synchronous result');
  return result;
}

const anyObject = jsonSchemaGate({ schema: { type: 'object' } });

describe('hostile model output fails the gate, never the process', () => {
  it('10 MB of text: too-large, without scanning it', () => {
    const huge = `{"a": "${'x'.repeat(10 * 1024 * 1024)}"}`;
    const result = sync(anyObject.check(huge));
    expect(result).toMatchObject({ status: 'fail', reason: 'too-large' });
    expect(result.feedback).toMatch(/1048576-byte limit/);
  });

  it('100k-deep nesting: too-deep, no stack overflow', () => {
    const arrays = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(sync(anyObject.check(arrays))).toMatchObject({ status: 'fail', reason: 'too-deep' });
    const objects = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    expect(sync(anyObject.check(objects))).toMatchObject({ status: 'fail', reason: 'too-deep' });
    const unclosed = '{'.repeat(900_000);
    expect(sync(anyObject.check(unclosed))).toMatchObject({ status: 'fail', reason: 'too-deep' });
  });

  it('the deepest allowed value validates against a recursive schema without overflowing', () => {
    const gate = jsonSchemaGate({ schema: { type: 'array', items: { $ref: '#' } }, maxDepth: MAX_DEPTH_LIMIT });
    const depth = MAX_DEPTH_LIMIT;
    expect(sync(gate.check(`${'['.repeat(depth)}${']'.repeat(depth)}`))).toMatchObject({ status: 'pass' });
    expect(sync(gate.check(`${'['.repeat(depth + 1)}${']'.repeat(depth + 1)}`))).toMatchObject({ reason: 'too-deep' });
  });

  it('unterminated strings and objects: invalid-json', () => {
    const string = `{"a": "${'x'.repeat(900_000)}`;
    const result = sync(anyObject.check(string));
    expect(result).toMatchObject({ status: 'fail', reason: 'invalid-json' });
    expect(result.feedback).toMatch(/unterminated string/);
    const object = `{"a": 1${', "b": 2'.repeat(100_000)}`;
    const uncapped = jsonSchemaGate({ schema: { type: 'object' }, maxValues: 1_000_000, maxKeys: 1_000_000 });
    expect(sync(uncapped.check(object))).toMatchObject({ status: 'fail', reason: 'invalid-json' });
    expect(sync(anyObject.check(object))).toMatchObject({ status: 'fail', reason: 'too-large' });
  });

  it('many openers that never close stay bounded (linear, not quadratic)', () => {
    // Each opener would scan to the end of ~900 KB; the extractor caps the retries.
    const text = Array.from({ length: 200 }, () => `{"k": 1, ${'"v": 2, '.repeat(640)}`).join('');
    expect(text.length).toBeGreaterThan(800_000);
    const uncapped = jsonSchemaGate({ schema: { type: 'object' }, maxValues: 1_000_000, maxKeys: 1_000_000 });
    expect(sync(uncapped.check(text))).toMatchObject({ status: 'fail', reason: 'invalid-json' });
    // Fence markers by the hundred thousand: one long run, many tiny fences, long runs with bodies.
    expect(sync(anyObject.check('```'.repeat(300_000)))).toMatchObject({ status: 'fail', reason: 'no-json' });
    expect(sync(anyObject.check('```a\n'.repeat(200_000)))).toMatchObject({ status: 'fail', reason: 'no-json' });
    // Each fence holds an unclosed `{"x`; read as one text, those openers nest past the depth cap.
    expect(sync(anyObject.check('````````\n{"x```'.repeat(60_000)))).toMatchObject({
      status: 'fail',
      reason: 'too-deep',
    });
  });

  it('__proto__ and constructor keys stay plain data: no prototype is polluted', async () => {
    const text =
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "a": {"__proto__": []}}';
    const result = sync(anyObject.check(text));
    expect(result.status).toBe('pass');
    const value = result.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect(Array.isArray(Object.getOwnPropertyDescriptor(value.a, '__proto__')?.value)).toBe(true);
    // Through a Standard Schema too.
    const zodGate = jsonSchemaGate({ schema: z.object({ a: z.number() }).passthrough() });
    await zodGate.check('{"a": 1, "__proto__": {"polluted": true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('required keys are own keys: `{}` does not have `constructor` or `toString`', () => {
    const gate = jsonSchemaGate({ schema: { type: 'object', required: ['constructor', 'toString'] } });
    expect(sync(gate.check('{}'))).toMatchObject({ status: 'fail', reason: 'schema-invalid' });
    expect(sync(gate.check('{"constructor": 1, "toString": 2}'))).toMatchObject({ status: 'pass' });
  });

  it('huge numbers: beyond a double fails, within one passes (with the usual precision)', () => {
    const numbers = jsonSchemaGate({ schema: { type: 'array', items: { type: 'number' } } });
    expect(sync(numbers.check('[1e400]'))).toMatchObject({ status: 'fail', reason: 'invalid-json' });
    expect(sync(numbers.check('[-1e400]'))).toMatchObject({ status: 'fail', reason: 'invalid-json' });
    expect(sync(numbers.check(`[${'9'.repeat(400)}]`))).toMatchObject({ status: 'fail', reason: 'invalid-json' });
    const big = sync(numbers.check('[123456789012345678901234567890, 1e308, 5e-324, 1e-400]'));
    expect(big).toMatchObject({ status: 'pass', value: [1.2345678901234568e29, 1e308, 5e-324, 0] });
  });

  it('an exponent in a 1 MiB array nested 255 deep: the non-finite check runs in linear memory', async () => {
    // Copying a path per element needed about 1.8 GB here; the frame walk fits a 96 MB heap with room to spare.
    // A worker with a heap limit turns "too much memory" into a deterministic failure instead of a timing.
    const url = new URL('./extract-json.ts', import.meta.url).href;
    const code = `
      import { parentPort } from 'node:worker_threads';
      const { extractJson } = await import(${JSON.stringify(url)});
      const text = '['.repeat(255) + '1e1' + ',0'.repeat(524000) + ']'.repeat(255);
      const result = extractJson(text, { maxValues: 1_000_000 });
      parentPort.postMessage({ ok: result.ok, length: text.length });`;
    const outcome = await new Promise<unknown>((settle) => {
      const worker = new Worker(code, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 96 } });
      worker.once('message', (message) => {
        settle(message);
        void worker.terminate();
      });
      worker.once('error', (error) => settle({ error: (error as { code?: string }).code ?? String(error) }));
    });
    expect(outcome).toEqual({ ok: true, length: 1_048_513 });
  });

  it('more values or keys than the caps: too-large before parsing (parse cost follows the count)', () => {
    const zeros = `[${'0,'.repeat(100_000)}0]`;
    const result = sync(anyObject.check(`{"a": ${zeros}}`));
    expect(result).toMatchObject({ status: 'fail', reason: 'too-large' });
    expect(result.feedback).toMatch(/more than 100000 values/);
    expect(sync(jsonSchemaGate({ schema: true, maxValues: 200_000 }).check(zeros))).toMatchObject({ status: 'pass' });
    const keys = `{${Array.from({ length: 10_001 }, (_, i) => `"k${i}":0`).join(',')}}`;
    expect(sync(anyObject.check(keys))).toMatchObject({ status: 'fail', reason: 'too-large' });
    expect(extractJson(keys, { maxKeys: 20_000 })).toMatchObject({ ok: true });
    // Commas and colons inside strings are text, not values.
    expect(extractJson(JSON.stringify({ a: ',:'.repeat(200_000) }))).toMatchObject({ ok: true });
    // The item-1 input: one exponent in 524,000 elements is now refused before JSON.parse.
    const text = `${'['.repeat(255)}1e1${',0'.repeat(524_000)}${']'.repeat(255)}`;
    expect(sync(anyObject.check(text))).toMatchObject({ status: 'fail', reason: 'too-large' });
  });

  it('finds a non-finite number and names its path', () => {
    expect(findNonFinite([[1, { a: [2, Number.POSITIVE_INFINITY] }]])).toBe('$[0][1].a[1]');
    expect(findNonFinite({ a: { 'b c': [Number.NEGATIVE_INFINITY] } })).toBe('$.a["b c"][0]');
    expect(findNonFinite(Number.POSITIVE_INFINITY)).toBe('$');
    expect(findNonFinite({ a: [1, 2, { b: 3 }], c: [] })).toBeUndefined();
    const result = sync(anyObject.check('{"x": [1, {"y": [2, 1e999]}]}'));
    expect(result).toMatchObject({ status: 'fail', reason: 'invalid-json' });
    expect(result.feedback).toContain('$.x[1].y[1]');
  });

  it('lone surrogates, escaped or raw, parse and validate', () => {
    const strings = jsonSchemaGate({ schema: { type: 'object', properties: { s: { type: 'string', maxLength: 3 } } } });
    expect(sync(strings.check('{"s": "\\ud800x"}'))).toMatchObject({ status: 'pass', value: { s: '\ud800x' } });
    expect(sync(strings.check('{"s": "\udc00\ud800"}'))).toMatchObject({ status: 'pass' });
    expect(extractJson('\ud800{"a": 1}\udfff')).toMatchObject({ ok: true, value: { a: 1 } });
  });

  it('feedback never ends in half a surrogate pair, however long the hostile key', () => {
    const closed = jsonSchemaGate({ schema: { type: 'object', additionalProperties: false } });
    const result = sync(closed.check(JSON.stringify({ ['😀'.repeat(3000)]: 1 })));
    for (const line of result.feedback?.split('\n') ?? []) {
      expect(line.length).toBeLessThanOrEqual(200);
      expect(line.isWellFormed()).toBe(true);
    }
  });

  it('a candidate without text fails no-json', async () => {
    const context = gateContext({ text: '' });
    const broken = { ...context, candidate: { ...context.candidate, text: undefined as unknown as string } };
    expect(await anyObject.evaluate(broken)).toMatchObject({ status: 'fail', reason: 'no-json' });
  });
});
