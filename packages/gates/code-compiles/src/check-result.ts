import type { PoolOutcome } from './check-pool.ts';
import type { CodeDiagnostic } from './diagnostics.ts';
import type { CodeLanguage } from './languages.ts';
import type { PythonCheckResponse } from './python-backend.ts';
import type { NestingFailure } from './worker-protocol.ts';

/** Why the gate passed or failed. */
export type CodeCompilesReason =
  | 'ok'
  | 'no-code'
  | 'syntax-error'
  | 'type-error'
  | 'too-deep'
  | 'timeout'
  | 'memory-limit'
  | 'too-large'
  | 'worker-crashed';

/** The outcome of checking one piece of code. */
export interface CodeCheckResult {
  readonly status: 'pass' | 'fail';
  readonly reason: CodeCompilesReason;
  readonly language: CodeLanguage;
  /**
   * The diagnostics, errors and warnings, in the compiler's order: at most 1,000 (`errors` counts those), each
   * message capped at 4,000 characters.
   */
  readonly diagnostics: readonly CodeDiagnostic[];
  readonly errors: number;
  readonly warnings: number;
  /** Time the checker spent, from hand-over to answer (queueing excluded), in milliseconds. */
  readonly durationMs: number;
  /** For `too-deep`, `timeout`, `memory-limit`, `too-large` and `worker-crashed`: what happened, in a sentence. */
  readonly message?: string;
  /** For `too-deep` found by the pre-scan: how deep and where the brackets first went past the limit. */
  readonly nesting?: NestingFailure;
}

function countBy(diagnostics: readonly CodeDiagnostic[], predicate: (d: CodeDiagnostic) => boolean): number {
  let count = 0;
  for (const d of diagnostics) if (predicate(d)) count += 1;
  return count;
}

export function countErrors(diagnostics: readonly CodeDiagnostic[], kind?: CodeDiagnostic['kind']): number {
  return countBy(diagnostics, (d) => d.severity === 'error' && (kind === undefined || d.kind === kind));
}

export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The check was aborted', 'AbortError');
}

/** A failed check with no diagnostics: the checker said nothing about the code itself. */
export function failure(
  language: CodeLanguage,
  reason: CodeCompilesReason,
  message: string,
  durationMs = 0,
): CodeCheckResult {
  return { status: 'fail', reason, language, diagnostics: [], errors: 0, warnings: 0, durationMs, message };
}

export function tooDeep(language: CodeLanguage, nesting: NestingFailure, durationMs: number): CodeCheckResult {
  return {
    ...failure(
      language,
      'too-deep',
      `brackets nest ${nesting.depth} levels deep at line ${nesting.line}, column ${nesting.column}, past the limit of ${nesting.limit}`,
      durationMs,
    ),
    nesting,
  };
}

// A native stack overflow kills a process with one of these. oxc's only known crash is that overflow on deep
// nesting (a chain of `!` or `.b` is enough): the pre-scan counts brackets only.
const STACK_OVERFLOW_SIGNALS = new Set(['SIGSEGV', 'SIGBUS']);

/**
 * Maps what the pool reported to a result, or hands back the checker's answer. `parserCrashMeansTooDeep`
 * reads a parser process killed by SIGSEGV as a stack overflow on the code (the JavaScript parser).
 */
export function fromOutcome<T>(
  language: CodeLanguage,
  outcome: PoolOutcome<T>,
  limits: { readonly timeoutMs: number; readonly parserCrashMeansTooDeep?: boolean },
  signal: AbortSignal | undefined,
): { value: T; durationMs: number } | CodeCheckResult {
  switch (outcome.kind) {
    case 'done':
      return { value: outcome.value, durationMs: outcome.durationMs };
    case 'aborted':
      throw abortError(signal ?? AbortSignal.abort());
    case 'timeout':
      return failure(
        language,
        'timeout',
        `the check took longer than ${limits.timeoutMs} ms and was stopped`,
        outcome.durationMs,
      );
    case 'memory-limit':
      return failure(language, 'memory-limit', outcome.message, outcome.durationMs);
    case 'crashed':
      if (limits.parserCrashMeansTooDeep === true && outcome.signal !== undefined) {
        if (STACK_OVERFLOW_SIGNALS.has(outcome.signal)) {
          return failure(
            language,
            'too-deep',
            `the parser overflowed its stack on the code (${outcome.signal}): it nests too deeply`,
            outcome.durationMs,
          );
        }
      }
      return failure(language, 'worker-crashed', outcome.message, outcome.durationMs);
  }
}

export function fromDiagnostics(
  language: CodeLanguage,
  diagnostics: readonly CodeDiagnostic[],
  durationMs: number,
): CodeCheckResult {
  const errors = countErrors(diagnostics);
  const syntax = countErrors(diagnostics, 'syntax');
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

export function fromPythonResponse(response: PythonCheckResponse, durationMs: number): CodeCheckResult {
  const language = 'python';
  const warnings: CodeDiagnostic[] = (response.warnings ?? []).map((w) => ({
    kind: 'syntax',
    severity: 'warning',
    line: w.line,
    column: w.line > 0 ? 1 : 0,
    code: w.type,
    message: w.message,
  }));
  if (response.ok) return fromDiagnostics(language, warnings, durationMs);
  if (response.kind === 'memory') {
    // CPython raises MemoryError both when the cap is hit and when its parser's own stack runs out on deeply
    // nested code (`not not not …`): either way the code needs too much to compile.
    return failure(
      language,
      'memory-limit',
      'compiling the code ran out of memory (CPython also says so for very deeply nested code)',
      durationMs,
    );
  }
  if (response.kind === 'protocol') {
    return failure(
      language,
      'worker-crashed',
      `the Python checker failed: ${response.type}: ${response.message}`,
      durationMs,
    );
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
  return fromDiagnostics(language, [error, ...warnings], durationMs);
}
