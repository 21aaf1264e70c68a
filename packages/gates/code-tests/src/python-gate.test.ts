import { existsSync } from 'node:fs';
import { gateContext } from '@llm-cascade/core/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeTestsGate } from './index.ts';

const SECRET = 'sk-test-planted-secret-py-77a1';
const MARKER = '/tmp/llm-cascade-code-tests-escape-py';
const fence = (code: string) => `\`\`\`python\n${code}\n\`\`\``;

// One Pyodide sandbox for the whole file: it takes seconds to boot on a busy machine.
describe('codeTestsGate (Python in Pyodide)', { timeout: 180_000 }, () => {
  const gate = codeTestsGate({
    language: 'python',
    poolSize: 1,
    timeoutMs: 2_000,
    graceMs: 3_000,
    maxOutputBytes: 4_096,
    tests: {
      entryPoint: 'add',
      assertions: ['assert add(1, 2) == 3', 'assert add(-1, 1) == 0', 'assert add(2, 2) == 4'],
    },
  });
  beforeAll(async () => {
    process.env.LLM_CASCADE_PLANTED_KEY = SECRET;
    await gate.warmUp();
  }, 180_000);
  afterAll(async () => {
    await gate.close();
    delete process.env.LLM_CASCADE_PLANTED_KEY;
  });
  const evaluate = (code: string) => gate.evaluate(gateContext({ text: fence(code) }));

  it('passes a correct answer and fails a wrong one with the failing statement', async () => {
    expect(await evaluate('def add(a, b):\n    return a + b')).toMatchObject({ status: 'pass', score: 1 });
    const wrong = await evaluate('def add(a, b):\n    return a * b');
    expect(wrong).toMatchObject({ status: 'fail', reason: 'tests-failed' });
    expect(wrong.score).toBeCloseTo(1 / 3);
    expect(wrong.feedback).toContain('failed: assert add(1, 2) == 3');
  });

  it('compares case results outside Python, with None, tuples and floats', async () => {
    const result = await gate.runTests('def f(x):\n    return [x / 3, (1, None)]', {
      entryPoint: 'f',
      cases: [{ args: [1], expected: [1 / 3, [1, null]] }],
    });
    expect(result.status).toBe('pass');
  });

  const hostile: [string, string, string[]][] = [
    ['reads /etc/passwd', 'open("/etc/passwd").read()', ['code-error']],
    ['reaches the host through js', 'import js\nx = js.process.env', ['code-error']],
    [
      'reaches the host through pyodide_js',
      'import pyodide_js\npyodide_js._module.ENV',
      ['code-error', 'tests-failed'],
    ],
    [
      'compiles JavaScript through the Function constructor',
      'import pyodide_js\nf = pyodide_js.constructor.constructor("return process")\nf()',
      ['code-error'],
    ],
    [
      'uses pyodide.ffi to run JavaScript',
      'from pyodide.code import run_js\nrun_js("globalThis.process")',
      ['code-error'],
    ],
    [
      'imports a node module',
      'import pyodide_js\npyodide_js.loadPackage("/etc/passwd")',
      ['code-error', 'tests-failed'],
    ],
    ['opens a socket', 'import socket\ns = socket.socket()\ns.connect(("127.0.0.1", 80))', ['code-error']],
    ['spawns a process', `import subprocess\nsubprocess.run(["touch", "${MARKER}"])`, ['code-error']],
    ['forks', 'import os\nos.fork()', ['code-error']],
    [
      'reads the environment',
      `import os\nassert "${SECRET}" not in str(os.environ)\nraise ValueError(str(dict(os.environ)))`,
      ['code-error'],
    ],
    ['loops forever', 'while True:\n    pass', ['timeout']],
    [
      'swallows the interrupt',
      'while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass',
      ['timeout'],
    ],
    ['memory bomb', 'a = []\nwhile True:\n    a.append(bytearray(10**7))', ['memory-limit', 'timeout']],
    ['deep recursion', 'def add(a, b):\n    return add(a, b) + 1', ['recursion-limit']],
    ['huge output', 'while True:\n    print("spam" * 100)', ['output-limit']],
    [
      'always-equal object',
      'class E:\n    def __eq__(self, o):\n        return True\ndef add(a, b):\n    return E()',
      ['tests-failed'],
    ],
    ['exits the interpreter', 'import sys\nsys.exit(0)', ['code-error']],
    [
      'overrides builtins',
      'import builtins\nbuiltins.AssertionError = None\ndef add(a, b):\n    return 0',
      ['tests-failed'],
    ],
    [
      'prints a pass marker and raises a fake harness exception',
      'class Passed(BaseException): pass\ndef add(a, b):\n    print("ALL TESTS PASSED")\n    raise Passed("ok")',
      ['tests-failed'],
    ],
  ];
  for (const [title, code, reasons] of hostile) {
    it(`${title}: fails safely`, async () => {
      const result = await evaluate(code);
      expect(result.status).toBe('fail');
      expect(reasons).toContain(result.reason);
      expect(JSON.stringify(result)).not.toContain(SECRET);
    });
  }

  it('undoes what a run changed: patched modules and builtins do not leak into the next run', async () => {
    await evaluate(
      'import math, builtins, json\nmath.sqrt = lambda x: 42\nbuiltins.len = lambda x: 0\njson.dumps = None\ndef add(a, b):\n    return 0',
    );
    const clean = await evaluate(
      'import math, json\nassert math.sqrt(4) == 2.0 and len([1]) == 1 and json.dumps(1) == "1"\ndef add(a, b):\n    return a + b',
    );
    expect(clean.status).toBe('pass');
  });

  it('is deterministic: random, time and hash order repeat across runs', async () => {
    const code =
      'import random, time, os\ndef f():\n    return [random.random(), time.time(), os.urandom(4).hex(), list({"b", "a", "c"})]';
    const spec = { entryPoint: 'f', cases: [{ args: [], expected: 0 }] };
    const first = await gate.runTests(code, spec);
    const second = await gate.runTests(code, spec);
    expect(first.response?.tests[0]?.actualJson).toBe(second.response?.tests[0]?.actualJson);
  });

  it('leaves the host unchanged and keeps working', async () => {
    expect(existsSync(MARKER)).toBe(false);
    expect(process.env.LLM_CASCADE_PLANTED_KEY).toBe(SECRET);
    expect((await evaluate('def add(a, b):\n    return a + b')).status).toBe('pass');
  });
});
