import type { ErrorObject } from 'ajv';
import type { SchemaIssue } from './compile-schema.ts';
import { formatPath, pointerSegments } from './json-path.ts';

/** At most this many issues are kept from one validation; the count of all of them is kept too. */
export const MAX_ISSUES = 100;

function messageOf(error: ErrorObject): string {
  const base = error.message ?? `fails "${error.keyword}"`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${base}: ${JSON.stringify(params.additionalProperty)}`;
    case 'unevaluatedProperties':
      return `${base}: ${JSON.stringify(params.unevaluatedProperty)}`;
    case 'enum': {
      const allowed = JSON.stringify(params.allowedValues);
      return `${base}: ${allowed.length > 120 ? `${allowed.slice(0, 119)}…` : allowed}`;
    }
    case 'const': {
      const allowed = JSON.stringify(params.allowedValue) ?? 'undefined';
      return `${base}: ${allowed.length > 120 ? `${allowed.slice(0, 119)}…` : allowed}`;
    }
    default:
      return base;
  }
}

/** Turns ajv's errors into path-and-message issues, dropping exact repeats (anyOf branches repeat a lot). */
export function issuesFromAjv(errors: readonly ErrorObject[]): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (issues.length >= MAX_ISSUES) break;
    const issue = { path: formatPath(pointerSegments(error.instancePath)), message: messageOf(error) };
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}
