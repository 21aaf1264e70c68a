import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten-core';
import { valuesMatch } from './compare-values.ts';
import { QUICKJS_HARNESS } from './quickjs-harness.ts';
import {
  type RunOutcome,
  type SandboxRequest,
  type SandboxResponse,
  type SandboxTest,
  type TestOutcome,
  truncate,
} from './sandbox-protocol.ts';
import { stripTypes } from './typescript-strip.ts';

const MAX_MESSAGE = 2_000;
const MAX_ACTUAL = 2_000;
const MAX_INSPECT = 600;

interface ErrorInfo {
  readonly type: string;
  readonly message: string;
}

/** Why the interrupt handler stopped the program, if it did. */
type StopReason = 'timeout' | 'output-limit' | undefined;

interface RunState {
  readonly runtime: QuickJSRuntime;
  readonly vm: QuickJSContext;
  readonly handles: QuickJSHandle[];
  readonly deadline: number;
  stop: StopReason;
  output: string;
  outputBytes: number;
}

/** An error the host can classify: the limit that stopped the program, or a stack overflow. */
function limitOf(error: ErrorInfo, state: RunState): RunOutcome | undefined {
  if (state.stop !== undefined) return state.stop;
  if (error.type === 'InternalError' && error.message === 'interrupted') return 'timeout';
  if (error.message === 'out of memory') return 'memory-limit';
  return undefined;
}

function isStackOverflow(error: ErrorInfo): boolean {
  return (error.type === 'InternalError' || error.type === 'RangeError') && /stack overflow/i.test(error.message);
}

/** Wraps assertion code so `assert` and `require` are bindings the answer cannot replace. */
function wrapAssertion(code: string): string {
  const isAsync = /\bawait\b/.test(code);
  // The inner block lets a test declare its own `const assert = require('assert')`.
  return `(${isAsync ? 'async ' : ''}function (assert, require) { 'use strict';\n{\n${code}\n}\n})`;
}

/** `import * as assert from 'assert'` and its kin become `require` calls: tests run as scripts. */
export function rewriteAssertImports(code: string): string {
  return code
    .replace(
      /^[ \t]*import\s+(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)\s+from\s+(['"])((?:node:)?assert(?:\/strict)?)\2\s*;?/gm,
      'const $1 = require($2$3$2);',
    )
    .replace(
      /^[ \t]*import\s+\{([^}]*)\}\s+from\s+(['"])((?:node:)?assert(?:\/strict)?)\2\s*;?/gm,
      (_m, names, q, id) => {
        const bindings = String(names).replace(/\bas\b/g, ':');
        return `const {${bindings}} = require(${q}${id}${q});`;
      },
    );
}

function lineOf(stack: string | undefined, file: string): number | undefined {
  if (stack === undefined) return undefined;
  const match = new RegExp(`${file.replace('.', '\\.')}:(\\d+)`).exec(stack);
  return match === null ? undefined : Number(match[1]);
}

/** A finished run, and whether the WebAssembly module broke while the run's runtime was freed. */
export interface QuickJSRun {
  readonly response: SandboxResponse;
  /** Why the module must be dropped (it aborted after the verdict); `undefined` when it is fine. */
  readonly moduleBroken: string | undefined;
}

/**
 * Runs one request in a fresh QuickJS runtime and context of `module`: the harness, then the answer, then
 * each test. The runtime is disposed at the end, so nothing an answer does outlives its run. Throws only
 * when the WebAssembly instance failed during the run (a trap, the host's stack): the module must then be
 * dropped; when it fails only while the runtime is freed, the verdict stands and `moduleBroken` says so.
 */
export function runInQuickJS(module: QuickJSWASMModule, request: SandboxRequest): QuickJSRun {
  const started = performance.now();
  let code = request.code;
  let setup = request.setup;
  if (request.language === 'typescript') {
    const stripped = stripTypes(code);
    if (!stripped.ok) {
      const response: SandboxResponse = {
        id: request.id,
        outcome: 'code-error',
        tests: [],
        codeError: {
          type: 'SyntaxError',
          message: truncate(stripped.message, MAX_MESSAGE),
          ...(stripped.line === undefined ? {} : { line: stripped.line }),
        },
        output: '',
        runMs: performance.now() - started,
      };
      return { response, moduleBroken: undefined };
    }
    code = stripped.code;
    if (setup !== undefined) {
      const strippedSetup = stripTypes(setup);
      setup = strippedSetup.ok ? strippedSetup.code : setup;
    }
  }

  const runtime = module.newRuntime();
  runtime.setMemoryLimit(request.limits.memoryMb * 1024 * 1024);
  runtime.setMaxStackSize(request.limits.stackKb * 1024);
  const deadline = started + request.limits.timeoutMs;
  const vm = runtime.newContext();
  const state: RunState = { runtime, vm, handles: [], deadline, stop: undefined, output: '', outputBytes: 0 };
  runtime.setInterruptHandler(() => {
    if (state.stop !== undefined) return true;
    if (performance.now() > deadline) {
      state.stop = 'timeout';
      return true;
    }
    return false;
  });
  const response = execute(state, request, code, setup, started);
  try {
    for (const handle of state.handles) if (handle.alive) handle.dispose();
    vm.dispose();
    runtime.dispose();
  } catch (error) {
    // QuickJS can leak references when the interrupt handler stops an endless chain of promise jobs
    // (`const go = () => Promise.resolve().then(go)`); freeing that runtime then fails an assertion
    // (gc_obj_list not empty) and aborts the whole WebAssembly instance. The verdict (`timeout`) was
    // already complete, so it stands; only the module must be replaced.
    return { response, moduleBroken: String(error) };
  }
  return { response, moduleBroken: undefined };
}

function execute(
  state: RunState,
  request: SandboxRequest,
  code: string,
  setup: string | undefined,
  started: number,
): SandboxResponse {
  const { vm } = state;
  const keep = (handle: QuickJSHandle): QuickJSHandle => {
    state.handles.push(handle);
    return handle;
  };
  const write = keep(
    vm.newFunction('write', (textHandle) => {
      const text = vm.typeof(textHandle) === 'string' ? vm.getString(textHandle) : '';
      const bytes = Buffer.byteLength(text, 'utf8');
      if (state.outputBytes + bytes > request.limits.maxOutputBytes) {
        state.output += text.slice(0, Math.max(0, request.limits.maxOutputBytes - state.outputBytes));
        state.outputBytes = request.limits.maxOutputBytes;
        state.stop = 'output-limit';
        return;
      }
      state.outputBytes += bytes;
      state.output += text;
    }),
  );
  const respond = (outcome: RunOutcome, tests: TestOutcome[], codeError?: SandboxResponse['codeError']) => ({
    id: request.id,
    outcome,
    tests,
    ...(codeError === undefined ? {} : { codeError }),
    output: state.output,
    runMs: performance.now() - started,
  });

  const harnessFactory = vm.evalCode(QUICKJS_HARNESS, 'harness.js');
  if (harnessFactory.error !== undefined) {
    keep(harnessFactory.error);
    // On a loaded machine a small timeoutMs can run out while the harness itself loads.
    if (state.stop !== undefined) return respond(state.stop, []);
    throw new Error(`the sandbox harness failed to load: ${JSON.stringify(vm.dump(harnessFactory.error))}`);
  }
  keep(harnessFactory.value);
  const harnessResult = vm.callFunction(
    harnessFactory.value,
    vm.undefined,
    write,
    keep(vm.newNumber(request.seed)),
    keep(vm.newNumber(MAX_INSPECT)),
  );
  if (harnessResult.error !== undefined) {
    keep(harnessResult.error);
    if (state.stop !== undefined) return respond(state.stop, []);
    throw new Error('the sandbox harness failed to start');
  }
  const harness = keep(harnessResult.value);
  const fn = (name: string) => keep(vm.getProp(harness, name));
  const callCase = fn('callCase');
  const encode = fn('encode');
  const describeError = fn('describeError');
  const assertHandle = fn('looseAssert');
  const requireHandle = fn('requireModule');
  const exportAll = fn('exportAll');

  const describe = (error: QuickJSHandle): ErrorInfo & { line?: number } => {
    const result = vm.callFunction(describeError, vm.undefined, error);
    if (result.error !== undefined) {
      keep(result.error);
      return { type: 'Error', message: '(the error could not be read)' };
    }
    keep(result.value);
    try {
      const parsed = JSON.parse(vm.getString(result.value)) as { name: string; message: string; stack?: string };
      const line = lineOf(parsed.stack, 'answer.js');
      return {
        type: truncate(parsed.name, 100),
        message: truncate(parsed.message, MAX_MESSAGE),
        ...(line === undefined ? {} : { line }),
      };
    } catch {
      return { type: 'Error', message: '(the error could not be read)' };
    }
  };

  /** Settles a value that may be a promise by running the job queue (bounded by the interrupt handler). */
  const settle = (value: QuickJSHandle): { value: QuickJSHandle } | { error: QuickJSHandle } | 'pending' => {
    let promiseState = vm.getPromiseState(value);
    if (promiseState.type === 'pending') {
      const jobs = state.runtime.executePendingJobs();
      if (jobs.error !== undefined) keep(jobs.error);
      promiseState = vm.getPromiseState(value);
    }
    if (promiseState.type === 'pending') return 'pending';
    if (promiseState.type === 'rejected') return { error: keep(promiseState.error) };
    if (!promiseState.notAPromise) keep(promiseState.value);
    return { value: promiseState.value };
  };

  if (setup !== undefined && setup.trim() !== '') {
    const result = vm.evalCode(setup, 'setup.js');
    if (result.error !== undefined) {
      const error = describe(keep(result.error));
      return respond('code-error', [], { type: 'SetupError', message: `${error.type}: ${error.message}` });
    }
    keep(result.value);
  }

  // The answer runs as a script, so its top-level declarations are visible to the tests; an answer with
  // import/export statements runs as a module whose exports are copied onto the global object.
  let loaded = vm.evalCode(code, 'answer.js', { type: 'global' });
  if (loaded.error !== undefined && /^[ \t]*(import|export)\b/m.test(code)) {
    const error = describe(keep(loaded.error));
    if (error.type === 'SyntaxError') loaded = vm.evalCode(code, 'answer.js', { type: 'module' });
  }
  if (loaded.error !== undefined) {
    const error = describe(keep(loaded.error));
    const limit = limitOf(error, state);
    if (limit !== undefined) return respond(limit, []);
    return respond('code-error', [], error);
  }
  const settled = settle(keep(loaded.value));
  if (settled === 'pending' || 'error' in settled) {
    const error =
      settled === 'pending' ? { type: 'Error', message: 'the module never finished loading' } : describe(settled.error);
    const limit = limitOf(error, state);
    return limit !== undefined ? respond(limit, []) : respond('code-error', [], error);
  }
  if (vm.typeof(settled.value) === 'object') {
    const copied = vm.callFunction(exportAll, vm.undefined, settled.value);
    keep(copied.error ?? copied.value);
  }

  let entry: QuickJSHandle | undefined;
  if (request.entryPoint !== undefined) {
    const lookup = vm.evalCode(`typeof ${request.entryPoint} === 'undefined' ? undefined : ${request.entryPoint}`);
    if (lookup.error !== undefined || vm.typeof(lookup.value) !== 'function') {
      keep(lookup.error ?? lookup.value);
      return respond('code-error', [], {
        type: 'ReferenceError',
        message: `the code does not define a function named ${request.entryPoint}`,
      });
    }
    entry = keep(lookup.value);
  }

  const outcomes: TestOutcome[] = [];
  for (const [index, test] of request.tests.entries()) {
    const outcome = runTest(test, index);
    if (typeof outcome === 'string') return respond(outcome, outcomes);
    outcomes.push(outcome);
    if (state.stop !== undefined) return respond(state.stop, outcomes);
  }
  return respond('completed', outcomes);

  function failed(test: SandboxTest, error: ErrorInfo, extra: Partial<TestOutcome> = {}): TestOutcome {
    return {
      name: test.name,
      passed: false,
      error: { type: error.type, message: error.message },
      ...(isStackOverflow(error) ? { recursion: true } : {}),
      ...extra,
    };
  }

  function runTest(test: SandboxTest, index: number): TestOutcome | RunOutcome {
    let result: { value: QuickJSHandle } | { error: QuickJSHandle } | 'pending';
    if (test.kind === 'assertion') {
      let source = rewriteAssertImports(test.code);
      if (request.language === 'typescript') {
        const stripped = stripTypes(source);
        if (!stripped.ok) return failed(test, { type: 'TestSyntaxError', message: stripped.message });
        source = stripped.code;
      }
      const compiled = vm.evalCode(wrapAssertion(source), `test-${index + 1}.js`);
      if (compiled.error !== undefined) {
        const error = describe(keep(compiled.error));
        return limitOf(error, state) ?? failed(test, { type: 'TestSyntaxError', message: error.message });
      }
      const called = vm.callFunction(keep(compiled.value), vm.undefined, assertHandle, requireHandle);
      result = called.error !== undefined ? { error: keep(called.error) } : settle(keep(called.value));
    } else {
      const args = keep(vm.newString(test.argsJson));
      const called = vm.callFunction(callCase, vm.undefined, entry as QuickJSHandle, args);
      result = called.error !== undefined ? { error: keep(called.error) } : settle(keep(called.value));
    }
    if (result === 'pending') {
      return failed(test, { type: 'Error', message: 'the test never finished: a promise was left pending' });
    }
    if ('error' in result) {
      const error = describe(result.error);
      return limitOf(error, state) ?? failed(test, error);
    }
    if (test.kind === 'assertion') return { name: test.name, passed: true };
    const encoded = vm.callFunction(encode, vm.undefined, result.value);
    if (encoded.error !== undefined) {
      const error = describe(keep(encoded.error));
      return limitOf(error, state) ?? failed(test, { type: 'TypeError', message: error.message });
    }
    const json = vm.getString(keep(encoded.value));
    const actual: unknown = JSON.parse(json);
    const passed = valuesMatch(actual, test.expected, request.tolerance);
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
