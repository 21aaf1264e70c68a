import nodeAssert from 'node:assert';
import { afterAll, describe, expect, it } from 'vitest';
import { codeTestsGate } from './index.ts';

// The sandbox's `assert` must give Node's verdict: each line runs in the sandbox (as one assertion test)
// and on the host against Node's own `node:assert`; the two must agree, pass or fail.
const CASES = [
  'assert.deepEqual(1, "1")',
  'assert.deepEqual([1], 1)',
  'assert.deepEqual(1, [1])',
  'assert.deepEqual({ a: [1, 2] }, { a: ["1", 2] })',
  'assert.deepStrictEqual({ a: [1, 2] }, { a: ["1", 2] })',
  'assert.deepEqual(null, undefined)',
  'assert.deepStrictEqual(null, undefined)',
  'assert.deepEqual(NaN, NaN)',
  'assert.deepStrictEqual([NaN], [NaN])',
  'assert.deepStrictEqual(-0, 0)',
  'assert.deepEqual(-0, 0)',
  'assert.deepEqual([1, 2], [1, 2, 3])',
  'assert.deepEqual(new Map([[[1, 3], 2], [[5], 1]]), new Map([[[5], 1], [[1, 3], 2]]))',
  'assert.deepEqual(new Map([[[1, 3], 2]]), new Map([[[1, 3], 3]]))',
  'assert.deepStrictEqual(new Map([[{ k: 1 }, "x"]]), new Map([[{ k: 1 }, "x"]]))',
  'assert.deepEqual(new Map([[1, "a"]]), new Map([["1", "a"]]))',
  'assert.deepStrictEqual(new Map([[1, "a"]]), new Map([["1", "a"]]))',
  'assert.deepEqual(new Set([[1], [1]]), new Set([[1], [2]]))',
  'assert.deepEqual(new Set([[1], [2]]), new Set([[2], [1]]))',
  'assert.deepStrictEqual(new Set([1, 2]), new Set([2, 1]))',
  'assert.deepEqual(new Set([1]), new Set(["1"]))',
  'assert.deepEqual(new Date(5), new Date(5))',
  'assert.deepEqual(new Date(5), new Date(6))',
  'assert.deepEqual(/a/g, /a/g)',
  'assert.deepEqual(/a/g, /a/i)',
  'assert.deepEqual(Object.create(null), {})',
  'assert.deepStrictEqual(Object.create(null), {})',
  'const a = { x: 1 }; a.self = a; const b = { x: 1 }; b.self = b; assert.deepEqual(a, b)',
  'const a = { x: 1 }; a.self = a; const b = { x: 2 }; b.self = b; assert.deepEqual(a, b)',
  'assert.equal(1, "1")',
  'assert.equal(null, undefined)',
  'assert.equal(NaN, NaN)',
  'assert.equal({}, {})',
  'assert.strictEqual(1, "1")',
  'assert.strictEqual(NaN, NaN)',
  'assert.notEqual(1, "1")',
  'assert.notEqual(1, 2)',
  'assert.notStrictEqual(1, "1")',
  'assert.notDeepEqual([1], ["1"])',
  'assert.notDeepStrictEqual([1], ["1"])',
  'assert.ok(0)',
  'assert.ok("x")',
  'assert(1 === 1)',
  'assert(false, "message")',
  'assert.throws(() => { throw new TypeError("x"); }, TypeError)',
  'assert.throws(() => { throw new TypeError("x"); }, RangeError)',
  'assert.throws(() => {})',
  'assert.throws(() => { throw new Error("bad input"); }, /bad/)',
  'assert.throws(() => { throw new Error("bad input"); }, { message: "bad input" })',
  'assert.doesNotThrow(() => 1)',
  'assert.doesNotThrow(() => { throw new Error("x"); })',
  'assert.match("abc", /b/)',
  'assert.match("abc", /d/)',
  'assert.strict.equal(1, "1")',
  'assert.strict.deepEqual([1], ["1"])',
];

function hostVerdict(code: string): boolean {
  try {
    new Function('assert', code)(nodeAssert);
    return true;
  } catch {
    return false;
  }
}

describe("the sandbox's assert against Node's", { timeout: 120_000 }, () => {
  const gate = codeTestsGate({ language: 'javascript', poolSize: 1 });
  afterAll(() => gate.close());

  it('gives the same verdict as node:assert on every case', async () => {
    const run = await gate.runTests('// no answer code', { assertions: CASES });
    const sandbox = run.response?.tests.map((t) => t.passed);
    expect(sandbox?.map((passed, i) => `${passed ? 'pass' : 'fail'}  ${CASES[i]}`)).toEqual(
      CASES.map((code) => `${hostVerdict(code) ? 'pass' : 'fail'}  ${code}`),
    );
  });
});
