import type { SandboxResponse, TestOutcome } from './sandbox-protocol.ts';
import { truncate } from './sandbox-protocol.ts';

export interface FeedbackInput {
  readonly label: string;
  readonly response: SandboxResponse;
  /** Every test of the suite, by name, with its case arguments and expected value when it is a case. */
  readonly tests: readonly { readonly name: string; readonly argsJson?: string; readonly expectedJson?: string }[];
  readonly maxFailuresShown: number;
  readonly maxFeedbackLength: number;
}

const LIMIT_TEXT: Record<string, string> = {
  timeout: 'ran out of time (an endless loop, or far too slow an algorithm)',
  'memory-limit': 'ran out of memory',
  'output-limit': 'printed more output than allowed',
};

function describeFailure(test: TestOutcome, index: number, spec: FeedbackInput['tests'][number] | undefined): string {
  const lines = [`- Test ${index + 1} (${test.name}) failed.`];
  if (spec?.argsJson !== undefined) lines.push(`  Arguments: ${truncate(spec.argsJson, 300)}`);
  if (spec?.expectedJson !== undefined) lines.push(`  Expected: ${truncate(spec.expectedJson, 300)}`);
  if (test.actualJson !== undefined) lines.push(`  Actual:   ${truncate(test.actualJson, 300)}`);
  if (test.error !== undefined && test.error.type !== 'WrongAnswer') {
    lines.push(`  ${test.error.type}: ${truncate(test.error.message, 500).replace(/\n/g, '\n  ')}`);
  }
  if (test.recursion === true) lines.push('  (the recursion went deeper than the sandbox allows)');
  return lines.join('\n');
}

/** What a repair tells the model: which tests failed, expected against actual, the error, some output. */
export function formatFeedback(input: FeedbackInput): string {
  const { response, label } = input;
  const total = input.tests.length;
  const passed = response.tests.filter((t) => t.passed).length;
  const parts: string[] = [];
  if (response.outcome === 'code-error' && response.codeError !== undefined) {
    const where = response.codeError.line === undefined ? '' : ` (line ${response.codeError.line} of your code)`;
    parts.push(
      `Your ${label} code failed before any test ran${where}: ${response.codeError.type}: ${truncate(response.codeError.message, 800)}`,
    );
  } else {
    const limit = LIMIT_TEXT[response.outcome];
    if (limit !== undefined) {
      parts.push(
        `Running your ${label} code against the tests ${limit} and was stopped after ${response.tests.length} of ${total} tests.`,
      );
    }
    parts.push(`Your ${label} code passed ${passed} of ${total} tests.`);
    const failures = response.tests.map((test, index) => ({ test, index })).filter(({ test }) => !test.passed);
    for (const { test, index } of failures.slice(0, input.maxFailuresShown)) {
      parts.push(describeFailure(test, index, input.tests[index]));
    }
    if (failures.length > input.maxFailuresShown) {
      parts.push(`(${failures.length - input.maxFailuresShown} more failing tests not shown)`);
    }
  }
  if (response.output.trim() !== '') parts.push(`Output:\n${truncate(response.output.trimEnd(), 600)}`);
  parts.push('Fix the code so that every test passes.');
  return truncate(parts.join('\n'), input.maxFeedbackLength);
}
