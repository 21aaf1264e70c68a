import type { SchemaIssue } from './compile-schema.ts';
import type { ExtractJsonFailureReason } from './extract-json.ts';
import { truncate } from './extract-json.ts';

/** Default number of errors listed in a repair prompt; the rest are counted. */
export const DEFAULT_MAX_FEEDBACK_ERRORS = 10;
/** Each listed error is cut to this many characters, so hostile keys and values cannot flood the prompt. */
export const FEEDBACK_LINE_LIMIT = 200;

/**
 * Lists validation errors as a repair prompt wants them: one `- path: message` line each, at most
 * `maxErrors`, each line capped, then how many more there were.
 */
export function schemaFeedback(issues: readonly SchemaIssue[], errorCount: number, maxErrors: number): string {
  const shown = issues.slice(0, maxErrors);
  const lines = shown.map((issue) => truncate(`- ${issue.path}: ${issue.message}`, FEEDBACK_LINE_LIMIT));
  const total = Math.max(errorCount, issues.length);
  const header =
    total === 1
      ? 'The JSON does not match the required schema:'
      : `The JSON does not match the required schema (${total} errors):`;
  const rest = total - shown.length;
  return [header, ...lines, ...(rest > 0 ? [`- …and ${rest} more`] : [])].join('\n');
}

/** One sentence on why no usable JSON came out of the answer. */
export function extractionFeedback(reason: ExtractJsonFailureReason, message: string): string {
  switch (reason) {
    case 'no-json':
      return 'The answer contains no JSON value. Answer with a single JSON value that matches the required schema.';
    case 'invalid-json':
      return truncate(`The answer is not valid JSON: ${message}.`, FEEDBACK_LINE_LIMIT * 2);
    case 'too-large':
      return `The answer is too large: ${message}. Answer with a compact JSON value only.`;
    case 'too-deep':
      return `The answer is nested too deeply: ${message}.`;
  }
}
