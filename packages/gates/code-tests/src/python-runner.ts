import type { PyodideAPI } from 'pyodide';
import type { PyProxy } from 'pyodide/ffi';
import { valuesMatch } from './compare-values.ts';
import type { DeterministicClock } from './pyodide-lockdown.ts';
import {
  type RunOutcome,
  type SandboxRequest,
  type SandboxResponse,
  type SandboxTest,
  type TestOutcome,
  truncate,
} from './sandbox-protocol.ts';

const MAX_MESSAGE = 2_000;
const MAX_ACTUAL = 2_000;

/** A booted Pyodide sandbox and the C functions captured from it before any model code ran. */
export interface PythonSandbox {
  readonly pyodide: PyodideAPI;
  readonly clock: DeterministicClock;
  /** Whether the WebAssembly memory cap was hit since the last call. */
  readonly memoryHit: () => boolean;
  /** Where Pyodide's stdout and stderr go; the runner points it at the current run. */
  readonly output: { write: (text: string) => void };
  readonly interruptFlag: Int32Array;
  /** The realm's real clock, captured before the realm's own was replaced. */
  readonly now: () => number;
  readonly compile: PyProxy;
  readonly exec: PyProxy;
  readonly begin: PyProxy;
  readonly end: PyProxy;
  readonly guardEntry: PyProxy;
}

interface ErrorInfo {
  readonly type: string;
  readonly message: string;
  readonly line?: number;
}

/** A JavaScript error that is not a Python exception: the interpreter itself failed. */
class FatalError extends Error {}

function isPythonError(pyodide: PyodideAPI, error: unknown): error is Error & { type: string } {
  return error instanceof pyodide.ffi.PythonError;
}

/** The exception's last line (`ValueError: bad`) and the answer's line it was raised from. */
function describePython(error: Error & { type: string }, file: string, source?: string): ErrorInfo {
  const lines = error.message.trimEnd().split('\n');
  const last = lines[lines.length - 1] ?? '';
  const prefix = `${error.type}: `;
  let message = last.startsWith(prefix) ? last.slice(prefix.length) : last === error.type ? '' : last;
  const fileLines = [...error.message.matchAll(new RegExp(`File "${file.replace('.', '\\.')}", line (\\d+)`, 'g'))];
  const line = fileLines.length === 0 ? undefined : Number(fileLines[fileLines.length - 1]?.[1]);
  if (message === '' && error.type === 'AssertionError') {
    // A bare `assert` has no message: show the failing statement, which the traceback quotes.
    const quoted = line === undefined ? undefined : source?.split('\n')[line - 1]?.trim();
    const statement = quoted ?? lines.findLast((l) => /^\s+assert\b/.test(l))?.trim();
    message = statement === undefined || statement === '' ? 'an assertion failed' : `failed: ${statement}`;
  }
  return {
    type: truncate(error.type, 100),
    message: truncate(message, MAX_MESSAGE),
    ...(line === undefined ? {} : { line }),
  };
}

/** JSON for a converted Python value, tagged like the JavaScript sandbox's for non-JSON values. */
function encode(value: unknown, depth = 0): unknown {
  if (depth > 64) throw new TypeError('the returned value is nested too deeply');
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $type: 'NaN' };
    if (!Number.isFinite(value)) return { $type: value > 0 ? 'Infinity' : '-Infinity' };
    return value;
  }
  if (typeof value === 'bigint') return { $type: 'bigint', value: String(value) };
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => encode(v, depth + 1));
  if (value instanceof Set) return { $type: 'Set', values: [...value].map((v) => encode(v, depth + 1)) };
  if (value instanceof Map) {
    return { $type: 'Map', entries: [...value].map(([k, v]) => [encode(k, depth + 1), encode(v, depth + 1)]) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = encode(v, depth + 1);
  return out;
}

/** Captures the harness's functions and the builtins `compile` and `exec` once, at boot. */
export function capturePython(
  pyodide: PyodideAPI,
): Pick<PythonSandbox, 'compile' | 'exec' | 'begin' | 'end' | 'guardEntry'> {
  const globals = pyodide.globals;
  const builtins = pyodide.pyimport('builtins') as PyProxy & Record<string, PyProxy>;
  return {
    compile: builtins.compile as PyProxy,
    exec: builtins.exec as PyProxy,
    begin: globals.get('begin') as PyProxy,
    end: globals.get('end') as PyProxy,
    guardEntry: globals.get('guard_entry') as PyProxy,
  };
}

type Callable = PyProxy & ((...args: unknown[]) => unknown);

/**
 * Runs one request: fresh globals, the answer, then each test. A test passes when the C function `exec`
 * returns without an exception (assertions), or when the entry point's value, converted to JavaScript
 * by Pyodide, equals the expected value (cases). Returns `fatal` when the interpreter itself broke.
 */
export function runPython(
  sandbox: PythonSandbox,
  request: SandboxRequest,
): { response: SandboxResponse; fatal?: undefined } | { fatal: string } {
  const started = sandbox.now();
  sandbox.clock.reset();
  Atomics.store(sandbox.interruptFlag, 0, 0);
  sandbox.memoryHit();
  const out = { text: '', bytes: 0, exceeded: false };
  const encoder = new TextEncoder();
  sandbox.output.write = (text: string) => {
    if (out.exceeded) return;
    const bytes = encoder.encode(text).length;
    if (out.bytes + bytes > request.limits.maxOutputBytes) {
      out.text += text.slice(0, Math.max(0, request.limits.maxOutputBytes - out.bytes));
      out.bytes = request.limits.maxOutputBytes;
      out.exceeded = true;
      Atomics.store(sandbox.interruptFlag, 0, 2);
      return;
    }
    out.bytes += bytes;
    out.text += text;
  };
  const respond = (outcome: RunOutcome, tests: TestOutcome[], codeError?: ErrorInfo): SandboxResponse => ({
    id: request.id,
    outcome,
    tests,
    ...(codeError === undefined ? {} : { codeError }),
    output: out.text,
    runMs: sandbox.now() - started,
  });

  let globals: PyProxy | undefined;
  try {
    globals = (sandbox.begin as Callable)(request.seed, request.limits.recursionLimit) as PyProxy;
    const response = execute(sandbox, request, globals, out, respond);
    return { response };
  } catch (error) {
    return { fatal: `the Python sandbox crashed: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    try {
      Atomics.store(sandbox.interruptFlag, 0, 0);
      (sandbox.end as Callable)();
      globals?.destroy();
    } catch {
      // A failure to restore is caught by the next run's `begin` (and reported as fatal there).
    }
  }
}

function execute(
  sandbox: PythonSandbox,
  request: SandboxRequest,
  globals: PyProxy,
  out: { exceeded: boolean },
  respond: (outcome: RunOutcome, tests: TestOutcome[], codeError?: ErrorInfo) => SandboxResponse,
): SandboxResponse {
  const { pyodide } = sandbox;
  const compile = sandbox.compile as Callable;
  const exec = sandbox.exec as Callable;

  /** Turns a thrown value into a limit, a Python error, or a fatal error (rethrown). */
  const classify = (error: unknown, file: string, source?: string): { limit: RunOutcome } | { info: ErrorInfo } => {
    if (!isPythonError(pyodide, error)) throw new FatalError(error instanceof Error ? error.message : String(error));
    const memory = sandbox.memoryHit();
    if (out.exceeded) return { limit: 'output-limit' };
    if (error.type === 'KeyboardInterrupt') return { limit: 'timeout' };
    if (memory || error.type === 'MemoryError') return { limit: 'memory-limit' };
    return { info: describePython(error, file, source) };
  };

  const runSource = (source: string, file: string): unknown => {
    const code = compile(source, file, 'exec') as PyProxy;
    try {
      return exec(code, globals);
    } finally {
      code.destroy();
    }
  };

  if (request.setup !== undefined && request.setup.trim() !== '') {
    try {
      runSource(request.setup, 'setup.py');
    } catch (error) {
      const c = classify(error, 'setup.py');
      if ('limit' in c) return respond(c.limit, []);
      return respond('code-error', [], { type: 'SetupError', message: `${c.info.type}: ${c.info.message}` });
    }
  }
  try {
    runSource(request.code, 'answer.py');
  } catch (error) {
    const c = classify(error, 'answer.py');
    if ('limit' in c) return respond(c.limit, []);
    return respond('code-error', [], c.info);
  }
  if (request.entryPoint !== undefined && !(sandbox.guardEntry as Callable)(globals, request.entryPoint)) {
    return respond('code-error', [], {
      type: 'NameError',
      message: `the code does not define a function named ${request.entryPoint}`,
    });
  }

  const outcomes: TestOutcome[] = [];
  for (const [index, test] of request.tests.entries()) {
    const file = `test-${index + 1}.py`;
    try {
      outcomes.push(test.kind === 'assertion' ? runAssertion(test, file) : runCase(test));
    } catch (error) {
      const c = classify(error, file, test.kind === 'assertion' ? test.code : undefined);
      if ('limit' in c) return respond(c.limit, outcomes);
      outcomes.push({
        name: test.name,
        passed: false,
        error: { type: c.info.type, message: c.info.message },
        ...(c.info.type === 'RecursionError' ? { recursion: true } : {}),
      });
    }
  }
  return respond('completed', outcomes);

  function runAssertion(test: SandboxTest & { kind: 'assertion' }, file: string): TestOutcome {
    runSource(test.code, file);
    return { name: test.name, passed: true };
  }

  function runCase(test: SandboxTest & { kind: 'case' }): TestOutcome {
    const fn = globals.get(request.entryPoint) as Callable;
    const args = (JSON.parse(test.argsJson) as unknown[]).map((arg) => pyodide.toPy(arg) as unknown);
    let result: unknown;
    try {
      result = fn(...args);
    } finally {
      fn.destroy();
      for (const arg of args) if (arg instanceof pyodide.ffi.PyProxy) arg.destroy();
    }
    let value: unknown = result;
    if (result instanceof pyodide.ffi.PyProxy) {
      try {
        value = result.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
      } catch {
        return {
          name: test.name,
          passed: false,
          error: { type: 'TypeError', message: 'the returned value cannot be compared (not a plain value)' },
        };
      } finally {
        result.destroy();
      }
    }
    const json = JSON.stringify(encode(value));
    const passed = valuesMatch(JSON.parse(json), test.expected, request.tolerance);
    return {
      name: test.name,
      passed,
      actualJson: truncate(json, MAX_ACTUAL),
      ...(passed
        ? {}
        : { error: { type: 'WrongAnswer', message: 'the returned value differs from the expected one' } }),
    };
  }
}
