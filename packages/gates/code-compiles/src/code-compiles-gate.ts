import type { Gate, GateContext, GateResult } from '@llm-cascade/core';
import { CheckPool, type CheckPoolStats, type PoolOutcome } from './check-pool.ts';
import { type CodeDiagnostic, formatFeedback } from './diagnostics.ts';
import { extractCode } from './extract-code.ts';
import { type CodeCompilesGateOptions, resolveGateOptions } from './gate-options.ts';
import { type CodeLanguage, languageLabel } from './languages.ts';
import { type NodeCheck, NodeWorkerBackend } from './node-worker-backend.ts';
import { PythonBackend, type PythonCheck, type PythonCheckResponse } from './python-backend.ts';
import type { NodeCheckResponse } from './worker-protocol.ts';

/** Why the gate passed or failed. */
export type CodeCompilesReason =
  | 'ok'
  | 'no-code'
  | 'syntax-error'
  | 'type-error'
  | 'timeout'
  | 'too-large'
  | 'worker-crashed';

/** The outcome of checking one piece of code. */
export interface CodeCheckResult {
  readonly status: 'pass' | 'fail';
  readonly reason: CodeCompilesReason;
  readonly language: CodeLanguage;
  /** Every diagnostic, errors and warnings, untrimmed (each message capped at 4,000 characters). */
  readonly diagnostics: readonly CodeDiagnostic[];
  readonly errors: number;
  readonly warnings: number;
  /** Time the checker spent, from hand-over to answer (queueing excluded), in milliseconds. */
  readonly durationMs: number;
  /** For `timeout`, `too-large` and `worker-crashed`: what happened, in a sentence. */
  readonly message?: string;
}

export interface CheckCodeOptions {
  /** Default: the gate's `language`; one of the two is needed. */
  readonly language?: CodeLanguage;
  /** Drops the check if it is still queued when the signal fires; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface WarmUpOptions {
  /** Default: the gate's language, or TypeScript and Python when it has none. */
  readonly languages?: readonly CodeLanguage[];
  /** Checkers to start per language, up to the pool size. Default 1. */
  readonly workers?: number;
}

export interface CodeCompilesStats {
  /** The worker threads that check TypeScript and JavaScript. */
  readonly typescript: CheckPoolStats | undefined;
  readonly python: CheckPoolStats | undefined;
}

/** The gate, plus direct access to its checker for benchmarks, tools and tests. */
export interface CodeCompilesGate extends Gate<string> {
  /** Checks code as is (no fence extraction). Never runs it. Rejects only when closed, aborted or misconfigured. */
  check(code: string, options?: CheckCodeOptions): Promise<CodeCheckResult>;
  /**
   * Starts checkers now, so the first answers are checked warm (a TypeScript checker takes about 300 ms to
   * start). Rejects with `ConfigError` when the compiler options or declarations are invalid.
   */
  warmUp(options?: WarmUpOptions): Promise<void>;
  /** Pool counters per checker kind; `undefined` until that kind was first used. */
  readonly stats: CodeCompilesStats;
  /** Kills every worker thread and compiler process and waits until they are gone. */
  close(): Promise<void>;
}

const START_TIMEOUT_MIN_MS = 30_000;

function countBy(diagnostics: readonly CodeDiagnostic[], predicate: (d: CodeDiagnostic) => boolean): number {
  let count = 0;
  for (const d of diagnostics) if (predicate(d)) count += 1;
  return count;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The check was aborted', 'AbortError');
}

/**
 * A gate that passes when the answer's code compiles: TypeScript type-checks (TypeScript 7 on a virtual
 * file system), JavaScript parses (oxc; optionally type-checked with checkJs), Python compiles
 * (`compile()` in a persistent interpreter). The code is never executed.
 *
 * Checks run off the caller's thread in a small pool with a queue; each has a timeout that kills and
 * replaces its worker and compiler process, so a pathological type or a huge literal fails the gate
 * (`timeout`) and the next check works. Call `close()` (or `cascade.close()`) when done: until then idle
 * workers are kept warm, though they never keep the process alive on their own.
 *
 * Warning: the checker sees only the code and the declarations you give it. Imports of packages fail
 * with TS2307 unless you declare them, allow a real `node_modules` through `readableDirectories`, or
 * ignore the code.
 */
export function codeCompilesGate(options: CodeCompilesGateOptions = {}): CodeCompilesGate {
  const resolved = resolveGateOptions(options);
  let nodePool: CheckPool<NodeCheck, NodeCheckResponse> | undefined;
  let pythonPool: CheckPool<PythonCheck, PythonCheckResponse> | undefined;
  let closed = false;
  const startTimeoutMs = Math.max(START_TIMEOUT_MIN_MS, resolved.timeoutMs);

  const getNodePool = (): CheckPool<NodeCheck, NodeCheckResponse> => {
    nodePool ??= new CheckPool({
      size: resolved.poolSize,
      timeoutMs: resolved.timeoutMs,
      startTimeoutMs,
      recycleAfter: resolved.recycleAfterChecks,
      create: () =>
        new NodeWorkerBackend({
          config: {
            compilerOptions: resolved.compilerOptions,
            declarations: resolved.declarations,
            readableDirectories: resolved.readableDirectories,
            ignoreDiagnosticCodes: resolved.ignoreDiagnosticCodes,
            jsx: resolved.jsx,
            eagerTypeScript: resolved.language !== 'javascript' || resolved.checkJs,
            eagerLanguage: resolved.language === 'javascript' ? 'javascript' : 'typescript',
            sourceType: resolved.sourceType,
          },
          workerMemoryMb: resolved.workerMemoryMb,
          compilerMemoryMb: resolved.compilerMemoryMb,
        }),
    });
    return nodePool;
  };

  const getPythonPool = (): CheckPool<PythonCheck, PythonCheckResponse> => {
    pythonPool ??= new CheckPool({
      size: resolved.poolSize,
      timeoutMs: resolved.timeoutMs,
      startTimeoutMs,
      recycleAfter: resolved.recycleAfterChecks,
      create: () => new PythonBackend({ interpreter: resolved.pythonInterpreter, memoryMb: resolved.compilerMemoryMb }),
    });
    return pythonPool;
  };

  async function check(code: string, checkOptions: CheckCodeOptions = {}): Promise<CodeCheckResult> {
    if (closed) throw new Error('the code-compiles gate was closed');
    const language = checkOptions.language ?? resolved.language;
    if (language === undefined) throw new TypeError('check() needs a language: pass one or build the gate with one');
    const signal = checkOptions.signal;
    if (signal?.aborted) throw abortError(signal);
    const bytes = Buffer.byteLength(code, 'utf8');
    if (bytes > resolved.maxSourceBytes) {
      return tooLarge(language, `the code is ${bytes} bytes, over the ${resolved.maxSourceBytes}-byte limit`);
    }
    if (language === 'python') {
      const outcome = await getPythonPool().run({ source: code }, signal);
      return fromPython(language, outcome, signal);
    }
    const mode: NodeCheck['mode'] =
      language === 'typescript' ? 'typecheck' : resolved.checkJs ? 'parse-then-typecheck' : 'parse';
    const outcome = await getNodePool().run({ source: code, language, mode }, signal);
    return fromNode(language, outcome, signal);
  }

  function tooLarge(language: CodeLanguage, message: string): CodeCheckResult {
    return {
      status: 'fail',
      reason: 'too-large',
      language,
      diagnostics: [],
      errors: 0,
      warnings: 0,
      durationMs: 0,
      message,
    };
  }

  function fromOutcome<T>(
    language: CodeLanguage,
    outcome: PoolOutcome<T>,
    signal: AbortSignal | undefined,
  ): { value: T; durationMs: number } | CodeCheckResult {
    const base = { status: 'fail' as const, language, diagnostics: [], errors: 0, warnings: 0 };
    switch (outcome.kind) {
      case 'done':
        return { value: outcome.value, durationMs: outcome.durationMs };
      case 'aborted':
        throw abortError(signal ?? AbortSignal.abort());
      case 'timeout':
        return {
          ...base,
          reason: 'timeout',
          durationMs: outcome.durationMs,
          message: `the check took longer than ${resolved.timeoutMs} ms and was stopped`,
        };
      case 'memory-limit':
        return { ...base, reason: 'too-large', durationMs: outcome.durationMs, message: outcome.message };
      case 'crashed':
        return { ...base, reason: 'worker-crashed', durationMs: outcome.durationMs, message: outcome.message };
    }
  }

  function fromDiagnostics(
    language: CodeLanguage,
    diagnostics: readonly CodeDiagnostic[],
    durationMs: number,
  ): CodeCheckResult {
    const errors = countBy(diagnostics, (d) => d.severity === 'error');
    const syntax = countBy(diagnostics, (d) => d.severity === 'error' && d.kind === 'syntax');
    return {
      status: errors === 0 ? 'pass' : 'fail',
      reason: errors === 0 ? 'ok' : syntax > 0 ? 'syntax-error' : 'type-error',
      language,
      diagnostics,
      errors,
      warnings: diagnostics.length - errors,
      durationMs,
    };
  }

  function fromNode(
    language: CodeLanguage,
    outcome: PoolOutcome<NodeCheckResponse>,
    signal: AbortSignal | undefined,
  ): CodeCheckResult {
    const done = fromOutcome(language, outcome, signal);
    if ('status' in done) return done;
    return fromDiagnostics(language, done.value.diagnostics, done.durationMs);
  }

  function fromPython(
    language: CodeLanguage,
    outcome: PoolOutcome<PythonCheckResponse>,
    signal: AbortSignal | undefined,
  ): CodeCheckResult {
    const done = fromOutcome(language, outcome, signal);
    if ('status' in done) return done;
    const response = done.value;
    const warnings: CodeDiagnostic[] = (response.warnings ?? []).map((w) => ({
      kind: 'syntax',
      severity: 'warning',
      line: w.line,
      column: w.line > 0 ? 1 : 0,
      code: w.type,
      message: w.message,
    }));
    if (response.ok) return fromDiagnostics(language, warnings, done.durationMs);
    if (response.kind === 'memory') {
      return { ...tooLarge(language, 'compiling the code ran out of memory'), durationMs: done.durationMs };
    }
    if (response.kind === 'protocol') {
      return {
        status: 'fail',
        reason: 'worker-crashed',
        language,
        diagnostics: [],
        errors: 0,
        warnings: 0,
        durationMs: done.durationMs,
        message: `the Python checker failed: ${response.type}: ${response.message}`,
      };
    }
    const line = response.line ?? 0;
    const error: CodeDiagnostic = {
      kind: 'syntax',
      severity: 'error',
      line,
      column: line > 0 ? Math.max(1, response.column ?? 1) : 0,
      code: response.type,
      message: response.message,
    };
    return fromDiagnostics(language, [error, ...warnings], done.durationMs);
  }

  function toGateResult(
    result: CodeCheckResult,
    code: string,
    fromFence: boolean,
    extra: Record<string, string | number | boolean>,
  ): GateResult<string> {
    const firstError = result.diagnostics.find((d) => d.severity === 'error');
    const details = {
      language: result.language,
      errors: result.errors,
      warnings: result.warnings,
      syntaxErrors: countBy(result.diagnostics, (d) => d.severity === 'error' && d.kind === 'syntax'),
      typeErrors: countBy(result.diagnostics, (d) => d.severity === 'error' && d.kind === 'type'),
      durationMs: Math.round(result.durationMs * 100) / 100,
      ...extra,
      ...(firstError === undefined ? {} : { firstError: firstError.code }),
      ...(result.message === undefined ? {} : { message: result.message }),
    };
    const label = languageLabel(result.language);
    switch (result.reason) {
      case 'ok':
        return { status: 'pass', reason: 'ok', value: code, details };
      case 'syntax-error':
      case 'type-error':
        return {
          status: 'fail',
          reason: result.reason,
          details,
          feedback: formatFeedback({
            language: result.language,
            diagnostics: result.diagnostics,
            source: code,
            limits: resolved.feedback,
            fromFence,
          }),
        };
      case 'timeout':
        return {
          status: 'fail',
          reason: 'timeout',
          details,
          feedback: `Checking your ${label} code took longer than ${resolved.timeoutMs} ms and was stopped. Write simpler code: avoid deeply recursive or very large types and huge literals.`,
        };
      case 'too-large':
        return {
          status: 'fail',
          reason: 'too-large',
          details,
          feedback: `Your ${label} code is too large to check (${result.message ?? 'over the limit'}). Give a shorter answer.`,
        };
      default:
        // A crashed checker says nothing about the answer: no feedback, so the engine escalates rather than
        // asking the model to fix what may not be broken.
        return { status: 'fail', reason: result.reason, details };
    }
  }

  async function evaluate(context: GateContext): Promise<GateResult<string>> {
    const text = context.candidate.text;
    // A cheap bound before scanning for fences: fenced code is never longer than the answer around it.
    if (text.length > resolved.maxSourceBytes * 4) {
      const result = tooLarge(resolved.language ?? 'typescript', `the answer is ${text.length} characters long`);
      return toGateResult(result, '', false, { answerLength: text.length });
    }
    const extracted = extractCode(text, { language: resolved.language, select: resolved.select });
    if (!extracted.found) {
      return { status: 'fail', reason: 'no-code', feedback: extracted.message, details: { blocks: extracted.blocks } };
    }
    const result = await check(extracted.code, { language: extracted.language, signal: context.signal });
    return toGateResult(result, extracted.code, extracted.source === 'fence', {
      source: extracted.source,
      blocks: extracted.blocks,
      sourceBytes: Buffer.byteLength(extracted.code, 'utf8'),
    });
  }

  async function warmUp(warmOptions: WarmUpOptions = {}): Promise<void> {
    if (closed) throw new Error('the code-compiles gate was closed');
    const wanted: readonly CodeLanguage[] =
      warmOptions.languages ?? (resolved.language === undefined ? ['typescript', 'python'] : [resolved.language]);
    const workers = Math.min(resolved.poolSize, Math.max(1, Math.floor(warmOptions.workers ?? 1)));
    const starts: Promise<void>[] = [];
    if (wanted.some((l) => l !== 'python')) starts.push(getNodePool().warmUp(workers));
    if (wanted.includes('python')) starts.push(getPythonPool().warmUp(workers));
    await Promise.all(starts);
  }

  async function close(): Promise<void> {
    closed = true;
    await Promise.all([nodePool?.close(), pythonPool?.close()]);
  }

  return {
    name: resolved.name,
    evaluate,
    check,
    warmUp,
    close,
    get stats() {
      return { typescript: nodePool?.stats, python: pythonPool?.stats };
    },
  };
}
