import { existsSync, readFileSync } from 'node:fs';
import { gateContext } from '@llm-cascade/core/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeTestsGate } from './index.ts';

// Hostile programs: each must fail safely (never pass, never reach the host), and the host must be
// unchanged afterwards. A planted secret in the host's environment must never show up in any output.
const SECRET = 'sk-test-planted-secret-4f9c';
const fence = (code: string) => `\`\`\`javascript\n${code}\n\`\`\``;
const MARKER = '/tmp/llm-cascade-code-tests-escape-js';

describe('JavaScript sandbox escapes', { timeout: 60_000 }, () => {
  const gate = codeTestsGate({
    language: 'javascript',
    poolSize: 1,
    timeoutMs: 1_000,
    graceMs: 1_000,
    maxOutputBytes: 4_096,
    tests: { entryPoint: 'f', cases: [{ args: [1], expected: 2 }] },
  });
  beforeAll(() => {
    process.env.LLM_CASCADE_PLANTED_KEY = SECRET;
  });
  afterAll(async () => {
    await gate.close();
    delete process.env.LLM_CASCADE_PLANTED_KEY;
  });

  const hostile: [string, string, string[]][] = [
    ['reads a file', "const fs = require('fs'); fs.readFileSync('/etc/passwd')", ['code-error']],
    ['imports a module', "import fs from 'node:fs'; function f() { return 2 }", ['code-error']],
    [
      'dynamic import',
      "import('node:child_process').then(m => m.execSync('touch " + MARKER + "'))\nfunction f(x) { return 2 }",
      ['ok', 'code-error', 'tests-failed'],
    ],
    ['reaches process.env', 'function f() { return process.env.LLM_CASCADE_PLANTED_KEY }', ['tests-failed']],
    [
      'reaches the global object',
      'function f() { return Object.keys(globalThis).join() + (globalThis.constructor.constructor("return typeof process")()) }',
      ['tests-failed'],
    ],
    ['opens a socket', 'function f() { return new WebSocket("ws://127.0.0.1:1") }', ['tests-failed']],
    ['uses fetch', 'function f() { return fetch("http://127.0.0.1:1") }', ['tests-failed']],
    ['spawns with std/os', 'function f() { return os.exec(["touch", "' + MARKER + '"]) }', ['tests-failed']],
    ['loops forever', 'while (true) {}', ['timeout']],
    ['loops forever in the function', 'function f() { for (;;) {} }', ['timeout']],
    [
      'loops in microtasks',
      'function f() { const go = () => Promise.resolve().then(go); go(); return new Promise(() => {}) }',
      ['timeout'],
    ],
    ['memory bomb', 'const a = []; while (true) a.push("x".repeat(1 << 20) + a.length)', ['memory-limit', 'timeout']],
    ['deep recursion', 'function f(n) { return f(n + 1) + 1 }', ['recursion-limit']],
    ['huge output', 'while (true) console.log("spam".repeat(100))', ['output-limit']],
    [
      'fork bomb through promises',
      'function f() { for (let i = 0; i < 1e9; i++) Promise.resolve().then(f); }',
      ['timeout', 'memory-limit'],
    ],
    [
      'patches intrinsics to forge a pass',
      'Object.is = () => true; JSON.stringify = () => "2"; Array.isArray = () => true; function f() { return 3 }',
      ['tests-failed'],
    ],
    [
      'prints a pass marker',
      'function f() { console.log("PASS ok 1 passed"); throw new Error("PASS") }',
      ['tests-failed'],
    ],
  ];

  for (const [title, code, reasons] of hostile) {
    it(`${title}: fails safely`, async () => {
      const result = await gate.evaluate(gateContext({ text: fence(code) }));
      expect(result.status).toBe('fail');
      expect(reasons).toContain(result.reason);
      expect(JSON.stringify(result)).not.toContain(SECRET);
    });
  }

  it('an endless microtask chain ends as timeout every time, and its sandbox thread lives on', async () => {
    // QuickJS can leak references when it interrupts such a chain; freeing the runtime then aborted the
    // WebAssembly instance (about half of the 1-second runs), which ended as sandbox-crashed.
    const loop = 'function f() { const go = () => Promise.resolve().then(go); go(); return new Promise(() => {}) }';
    const crashesBefore = gate.stats?.crashes ?? 0;
    for (let i = 0; i < 5; i += 1) {
      const result = await gate.evaluate(gateContext({ text: fence(loop) }));
      expect(result.reason).toBe('timeout');
    }
    expect(gate.stats?.crashes).toBe(crashesBefore);
  }, 60_000);

  it('forging assertions: patched intrinsics and globals do not change what assert compares', async () => {
    const forging = codeTestsGate({
      language: 'javascript',
      poolSize: 1,
      tests: {
        assertions: [
          "const assert = require('assert'); assert.deepStrictEqual(g(), [3]);",
          'assert.strictEqual(g()[0], 3);',
          'const m = new Map(); m.set(1, g()); const e = new Map(); e.set(1, [3]); assert.deepEqual(m, e);',
        ],
      },
    });
    try {
      const code = [
        'Object.is = () => true; Object.keys = () => []; Array.isArray = () => false;',
        'Array.prototype[Symbol.iterator] = function* () {}; Map.prototype.get = () => [3];',
        'globalThis.assert = { deepStrictEqual() {}, strictEqual() {}, deepEqual() {} };',
        'globalThis.require = () => globalThis.assert; Error.prototype.toString = () => "ok";',
        'function g() { return [2]; }',
      ].join('\n');
      const result = await forging.evaluate(gateContext({ text: fence(code) }));
      expect(result).toMatchObject({ status: 'fail', reason: 'tests-failed', score: 0 });
    } finally {
      await forging.close();
    }
  });

  it('a test cannot see its caller through fn.caller, and time and randomness are fixed', async () => {
    const probe = codeTestsGate({
      language: 'javascript',
      poolSize: 1,
      tests: { entryPoint: 'probe', cases: [{ args: [], expected: 0 }] },
    });
    try {
      const code =
        'function probe() { let c; try { c = String(probe.caller) } catch (e) { c = "poisoned" } return [c, Math.random(), Date.now(), typeof setTimeout, typeof performance] }';
      const first = await probe.runTests(code, { entryPoint: 'probe', cases: [{ args: [], expected: 0 }] });
      const second = await probe.runTests(code, { entryPoint: 'probe', cases: [{ args: [], expected: 0 }] });
      const actual = first.response?.tests[0]?.actualJson;
      expect(actual).toBe(second.response?.tests[0]?.actualJson);
      expect(actual).not.toContain('function');
      expect(actual).toContain('"undefined","undefined"');
    } finally {
      await probe.close();
    }
  });

  it('leaves the host unchanged: no file written, env intact, the gate still works', async () => {
    expect(existsSync(MARKER)).toBe(false);
    expect(process.env.LLM_CASCADE_PLANTED_KEY).toBe(SECRET);
    expect(readFileSync('/etc/hostname', 'utf8').length).toBeGreaterThan(0);
    const result = await gate.evaluate(gateContext({ text: fence('function f(x) { return x + 1 }') }));
    expect(result.status).toBe('pass');
  });
});
