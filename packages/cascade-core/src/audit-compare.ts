import type { CascadeRequest } from './contracts.ts';

/** One side of an audit: the answer a tier gave, and whether it passed that tier's gates. */
export interface AuditAnswer {
  readonly tier: string;
  readonly text: string;
  /** The gate chain's value, when it produced one. */
  readonly value: unknown;
  readonly accepted: boolean;
}

/**
 * What a comparison judges: the request, the cheaper tier's answer and the stronger tier's. Usually the
 * cheaper one was served and the stronger one is the audit; while an audit has raised a floor it is the
 * other way round.
 */
export interface AuditComparison {
  readonly request: CascadeRequest;
  readonly cheaper: AuditAnswer;
  readonly stronger: AuditAnswer;
}

/** A user comparison (an LLM judge, say): whether the two answers are equivalent. */
export type AuditCompareFunction = (comparison: AuditComparison) => boolean | Promise<boolean>;

/**
 * How an audit judges agreement: `'canonical-json'` (both parse to the same JSON, key order aside),
 * `'extracted-answer'` (the same text once case, spacing and trailing punctuation are normalised; the gates'
 * string values when both have one), `'gates'` (both answers pass their gate chain and yield equal values), or a function.
 */
export type AuditCompare = 'canonical-json' | 'extracted-answer' | 'gates' | AuditCompareFunction;

const MAX_COMPARED_CHARS = 1_000_000;

/** JSON with object keys sorted, so key order does not count; `undefined` when it is not JSON. */
export function canonicalJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, (_key, inner: unknown) => {
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return inner;
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
      return sorted;
    });
  } catch {
    return undefined;
  }
}

function parseJsonText(text: string): unknown {
  if (text.length > MAX_COMPARED_CHARS) return undefined;
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(text.trim());
  try {
    return JSON.parse(fenced?.[1] ?? text);
  } catch {
    return undefined;
  }
}

/** Lower case, one space between words, no surrounding quotes or trailing punctuation. */
export function normaliseAnswer(text: string): string {
  return text
    .slice(0, MAX_COMPARED_CHARS)
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'`]+|["'`.!?;:,]+$/g, '')
    .trim();
}

function sameJson(a: string, b: string): boolean {
  const left = parseJsonText(a);
  const right = parseJsonText(b);
  if (left === undefined || right === undefined) return false;
  return canonicalJson(left) === canonicalJson(right);
}

/** Judges agreement with a built-in comparison or the user's function. */
export async function compareAnswers(compare: AuditCompare, comparison: AuditComparison): Promise<boolean> {
  const { cheaper, stronger } = comparison;
  if (typeof compare === 'function') return (await compare(comparison)) === true;
  if (compare === 'canonical-json') return sameJson(cheaper.text, stronger.text);
  if (compare === 'extracted-answer') {
    const left = typeof cheaper.value === 'string' ? cheaper.value : cheaper.text;
    const right = typeof stronger.value === 'string' ? stronger.value : stronger.text;
    return normaliseAnswer(left) === normaliseAnswer(right);
  }
  if (!cheaper.accepted || !stronger.accepted) return false;
  const left = canonicalJson(cheaper.value);
  return left !== undefined && left === canonicalJson(stronger.value);
}
