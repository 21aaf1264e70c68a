import type { Gate, GateContext, GateResult } from '@llm-cascade/core';
import { extractCode } from '@llm-cascade/gate-code-compiles';
import { formatFeedback } from './feedback.ts';
import { type CodeTestsGateOptions, type ResolvedOptions, resolveOptions } from './gate-options.ts';
import { type PoolOutcome, SandboxPool, type SandboxPoolStats } from './sandbox-pool.ts';
import type { SandboxLanguage, SandboxResponse } from './sandbox-protocol.ts';
import { SandboxWorker } from './sandbox-worker.ts';
import { type CodeTests, type NormalizedTests, normalizeTests } from './test-suite.ts';

/** Why the gate passed or failed. */
export type CodeTestsReason =
  | 'ok'
  | 'tests-failed'
  | 'no-code'
  | 'no-tests'
  | 'code-error'
  | 'too-large'
  | 'timeout'
  | 'memory-limit'
  | 'output-limit'
  | 'recursion-limit'
  | 'sandbox-crashed';

/** The outcome of running one piece of code against its tests. */
export interface CodeTestsRun {
  readonly status: 'pass' | 'fail';
  readonly reason: Exclude<CodeTestsReason, 'no-code' | 'no-tests'>;
  /** Share of the tests that passed (tests a limit stopped count as failed). */
  readonly score: number;
  readonly passed: number;
  readonly total: number;
  /** What the sandbox reported; absent when it was killed or crashed. */
  readonly response?: SandboxResponse;
  /** Time from hand-over to answer (queueing excluded), in milliseconds. */
  readonly durationMs: number;
  /** For `timeout` (hard), `sandbox-crashed`: what happened. */
  readonly message?: string;
}

export interface RunTestsOptions {
  /** Drops the run if it is still queued when the signal fires; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The gate, plus direct access to its sandboxes for benchmarks, tools and tests. */
export interface CodeTestsGate extends Gate<string> {
  /** Runs code as is (no fence extraction) against tests. Rejects only when closed, aborted or misconfigured. */
  runTests(code: string, tests: CodeTests, options?: RunTestsOptions): Promise<CodeTestsRun>;
  /** Starts sandboxes now (a Python sandbox takes seconds to load), up to the pool size. */
  warmUp(workers?: number): Promise<void>;
  /** Pool counters; `undefined` until the first run or warm-up. */
  readonly stats: SandboxPoolStats | undefined;
  /** Kills every sandbox thread and waits until they are gone. */
  close(): Promise<void>;
}

const LABELS: Record<SandboxLanguage, string> = {
  javascript: 'JavaScript',
  typescript: 'TypeScript',
  python: 'Python',
};

function abortError(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The run was aborted', 'AbortError');
}

/**
 * A gate that runs the answer's code against tests inside a WebAssembly sandbox and passes when the share
 * of passing tests reaches `threshold` (default: all). JavaScript and TypeScript (types erased) run in
 * QuickJS, Python in Pyodide (CPython); both in worker threads, with no file system beyond an in-memory
 * one, no network, no processes, no host objects, a fixed clock and seeded randomness, and limits on CPU
 * time, memory, output and recursion. A failure hands the model which tests failed, expected against
 * actual, and the error, for a repair. Put it after the compile gate, which is cheaper.
 *
 * Warning: with assertion tests, the expected values live in the same interpreter as the answer. An
 * answer written to attack the harness (rewriting interpreter internals) could read them or fake a pass
 * in Python; input/output `cases` are compared outside the sandbox and cannot be faked this way.
 */
export function codeTestsGate(options: CodeTestsGateOptions): CodeTestsGate {
  const resolved: ResolvedOptions = resolveOptions(options);
  const label = LABELS[resolved.language];
  let pool: SandboxPool | undefined;
  let closed = false;
  let nextId = 0;

  const getPool = (): SandboxPool => {
    const python = resolved.language === 'python';
    pool ??= new SandboxPool({
      size: resolved.poolSize,
      graceMs: resolved.graceMs,
      startTimeoutMs: resolved.startTimeoutMs,
      recycleAfter: resolved.recycleAfterRuns,
      create: () =>
        new SandboxWorker({
          script: python ? 'pyodide-worker' : 'quickjs-worker',
          data: { memoryMb: resolved.memoryMb, seed: resolved.seed },
          heapMb: python ? 256 : 128,
          // WebAssembly frames of a deep recursion live on the thread's native stack.
          stackMb: python ? 16 : Math.max(8, Math.ceil(resolved.stackKb / 256) + 4),
        }),
    });
    return pool;
  };

  async function run(code: string, suite: NormalizedTests, signal: AbortSignal | undefined): Promise<CodeTestsRun> {
    if (closed) throw new Error('the code-tests gate was closed');
    if (signal?.aborted) throw abortError(signal);
    const total = suite.tests.length;
    const bytes = Buffer.byteLength(code, 'utf8');
    if (bytes > resolved.maxSourceBytes) {
      return {
        status: 'fail',
        reason: 'too-large',
        score: 0,
        passed: 0,
        total,
        durationMs: 0,
        message: `the code is ${bytes} bytes, over the ${resolved.maxSourceBytes}-byte limit`,
      };
    }
    nextId += 1;
    const outcome = await getPool().run(
      {
        id: nextId,
        language: resolved.language,
        code,
        entryPoint: suite.entryPoint,
        setup: suite.setup,
        tests: suite.tests,
        limits: {
          timeoutMs: resolved.timeoutMs,
          memoryMb: resolved.memoryMb,
          maxOutputBytes: resolved.maxOutputBytes,
          stackKb: resolved.stackKb,
          recursionLimit: resolved.recursionLimit,
        },
        seed: resolved.seed,
        tolerance: resolved.tolerance,
      },
      signal,
    );
    return toRun(outcome, total, signal);
  }

  function toRun(outcome: PoolOutcome, total: number, signal: AbortSignal | undefined): CodeTestsRun {
    const failed = { status: 'fail' as const, score: 0, passed: 0, total };
    switch (outcome.kind) {
      case 'aborted':
        throw abortError(signal);
      case 'killed':
        return {
          ...failed,
          reason: 'timeout',
          durationMs: outcome.durationMs,
          message: `the program did not stop within ${resolved.timeoutMs} ms and its sandbox was killed`,
        };
      case 'crashed':
        return {
          ...failed,
          reason: outcome.memoryLimit ? 'memory-limit' : 'sandbox-crashed',
          durationMs: outcome.durationMs,
          message: outcome.message,
        };
      case 'done': {
        const response = outcome.response;
        const passed = response.tests.filter((t) => t.passed).length;
        const score = total === 0 ? 0 : passed / total;
        const base = { score, passed, total, response, durationMs: outcome.durationMs };
        if (response.outcome !== 'completed') return { ...base, status: 'fail', reason: response.outcome };
        if (score >= resolved.threshold) return { ...base, status: 'pass', reason: 'ok' };
        const recursion = response.tests.some((t) => !t.passed && t.recursion === true);
        const allRecursion = response.tests.every((t) => t.passed || t.recursion === true);
        return { ...base, status: 'fail', reason: recursion && allRecursion ? 'recursion-limit' : 'tests-failed' };
      }
    }
  }

  function toGateResult(result: CodeTestsRun, code: string, suite: NormalizedTests): GateResult<string> {
    const details = {
      language: resolved.language,
      tests: result.total,
      passed: result.passed,
      threshold: resolved.threshold,
      durationMs: Math.round(result.durationMs * 100) / 100,
      ...(result.message === undefined ? {} : { message: result.message.slice(0, 300) }),
      ...(result.response?.tests.find((t) => !t.passed) === undefined
        ? {}
        : { firstFailure: result.response.tests.find((t) => !t.passed)?.name }),
    };
    const score = result.score;
    if (result.status === 'pass') return { status: 'pass', reason: 'ok', score, value: code, details };
    if (result.reason === 'sandbox-crashed') {
      // A crashed sandbox says nothing sure about the answer: no feedback, so the engine escalates.
      return { status: 'fail', reason: result.reason, score, details };
    }
    let feedback: string;
    if (result.response !== undefined) {
      feedback = formatFeedback({
        label,
        response: result.response,
        tests: suite.tests.map((t) =>
          t.kind === 'case'
            ? { name: t.name, argsJson: t.argsJson, expectedJson: JSON.stringify(t.expected) }
            : { name: t.name },
        ),
        maxFailuresShown: resolved.maxFailuresShown,
        maxFeedbackLength: resolved.maxFeedbackLength,
      });
    } else if (result.reason === 'too-large') {
      feedback = `Your ${label} code is too large to run (${result.message}). Give a shorter answer.`;
    } else {
      feedback = `Running your ${label} code against the tests ${result.reason === 'timeout' ? 'did not finish in time (an endless loop, or far too slow an algorithm)' : 'ran out of memory'}. Fix the code so that every test passes quickly.`;
    }
    return { status: 'fail', reason: result.reason, score, details, feedback };
  }

  async function testsFor(context: GateContext): Promise<NormalizedTests | undefined> {
    return typeof resolved.tests === 'function' ? resolved.tests(context.request) : resolved.tests;
  }

  async function evaluate(context: GateContext): Promise<GateResult<string>> {
    const suite = await testsFor(context);
    if (suite === undefined) {
      return { status: 'skipped', reason: 'no-tests', details: { metadataKey: resolved.metadataKey } };
    }
    const text = context.candidate.text;
    if (text.length > resolved.maxSourceBytes * 4) {
      const tooLarge: CodeTestsRun = {
        status: 'fail',
        reason: 'too-large',
        score: 0,
        passed: 0,
        total: suite.tests.length,
        durationMs: 0,
        message: `the answer is ${text.length} characters long`,
      };
      return toGateResult(tooLarge, '', suite);
    }
    const extracted = extractCode(text, { language: resolved.language, select: resolved.select });
    if (!extracted.found) {
      return {
        status: 'fail',
        reason: 'no-code',
        score: 0,
        feedback: extracted.message,
        details: { blocks: extracted.blocks },
      };
    }
    const result = await run(extracted.code, suite, context.signal);
    return toGateResult(result, extracted.code, suite);
  }

  return {
    name: resolved.name,
    evaluate,
    async runTests(code, tests, runOptions = {}) {
      return run(code, normalizeTests(tests), runOptions.signal);
    },
    async warmUp(workers = 1) {
      if (closed) throw new Error('the code-tests gate was closed');
      await getPool().warmUp(Math.max(1, Math.floor(workers)));
    },
    async close() {
      closed = true;
      await pool?.close();
    },
    get stats() {
      return pool?.stats;
    },
  };
}
