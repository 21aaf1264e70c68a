import type { GateResult } from '@llm-cascade/core';
import { type CodeCheckResult, countErrors } from './check-result.ts';
import { type FeedbackLimits, formatFeedback } from './diagnostics.ts';
import { type CodeLanguage, languageLabel } from './languages.ts';

export interface VerdictLimits {
  readonly timeoutMs: number;
  readonly compilerMemoryMb: number;
  readonly feedback: FeedbackLimits;
}

/** What usually makes a checker run out of time or memory on code of this language. */
function usualCause(language: CodeLanguage): string {
  switch (language) {
    case 'typescript':
      return 'This usually means a type that expands exponentially or recurses deeply (recursive conditional or mapped types, unions of many tuples or template literals), or extremely long or nested expressions. Use plain, explicit types.';
    case 'javascript':
      return 'This usually means extremely long or deeply nested expressions or literals. Write plainer code.';
    case 'python':
      return 'This usually means a huge literal or extremely long or deeply nested expressions. Write plainer code.';
  }
}

function tooDeepFeedback(result: CodeCheckResult, label: string, fromFence: boolean): string {
  const nesting = result.nesting;
  if (nesting === undefined) {
    return `The ${label} parser ran out of stack on your code: it nests too deeply (long chains of brackets, operators, calls or property accesses). Write flatter code: use intermediate variables and helper functions.`;
  }
  const where = `line ${nesting.line}, column ${nesting.column}${fromFence ? ' of your code block' : ''}`;
  return `Your ${label} code nests brackets more than ${nesting.limit} levels deep (at ${where}), which this checker does not accept. Write flatter code: use intermediate variables and helper functions.`;
}

/** Turns a check into the gate's verdict, with the feedback a repair sends back to the model. */
export function toGateResult(
  result: CodeCheckResult,
  code: string,
  options: {
    readonly fromFence: boolean;
    readonly limits: VerdictLimits;
    readonly details: Record<string, string | number | boolean>;
  },
): GateResult<string> {
  const firstError = result.diagnostics.find((d) => d.severity === 'error');
  const details = {
    language: result.language,
    errors: result.errors,
    warnings: result.warnings,
    syntaxErrors: countErrors(result.diagnostics, 'syntax'),
    typeErrors: countErrors(result.diagnostics, 'type'),
    durationMs: Math.round(result.durationMs * 100) / 100,
    ...options.details,
    ...(firstError === undefined ? {} : { firstError: firstError.code }),
    ...(result.message === undefined ? {} : { message: result.message }),
    ...(result.nesting === undefined ? {} : { nestingLimit: result.nesting.limit }),
  };
  const label = languageLabel(result.language);
  const limits = options.limits;
  const fail = (feedback: string): GateResult<string> => ({ status: 'fail', reason: result.reason, details, feedback });
  switch (result.reason) {
    case 'ok':
      return { status: 'pass', reason: 'ok', value: code, details };
    case 'syntax-error':
    case 'type-error':
      return fail(
        formatFeedback({
          language: result.language,
          diagnostics: result.diagnostics,
          source: code,
          limits: limits.feedback,
          fromFence: options.fromFence,
        }),
      );
    case 'too-deep':
      return fail(tooDeepFeedback(result, label, options.fromFence));
    case 'timeout':
      return fail(
        `Checking your ${label} code took longer than ${limits.timeoutMs} ms, so the check was stopped and your code was not accepted. ${usualCause(result.language)}`,
      );
    case 'memory-limit':
      return fail(
        `Checking your ${label} code needed more than the checker's ${limits.compilerMemoryMb} MiB of memory, so the check was stopped and your code was not accepted. ${usualCause(result.language)}`,
      );
    case 'too-large':
      return fail(
        `Your ${label} code is too large to check (${result.message ?? 'over the limit'}). Give a shorter answer.`,
      );
    default:
      // A crashed checker says nothing about the answer: no feedback, so the engine escalates rather than
      // asking the model to fix what may not be broken.
      return { status: 'fail', reason: result.reason, details };
  }
}
