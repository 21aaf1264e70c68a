/**
 * The base error and its codes, apart from the subclasses in `errors.ts`: records (`Attempt`, results)
 * refer to `CascadeError` and the subclasses refer to records, so the base sits below both and neither
 * file imports the other.
 */

/** Stable error codes: scripts and users branch on these, never on messages. */
export type CascadeErrorCode =
  | 'CONFIG_INVALID'
  | 'PROVIDER_ERROR'
  | 'CASCADE_EXHAUSTED'
  | 'BUDGET_EXCEEDED'
  | 'ABORTED'
  | 'NO_TIER_AVAILABLE';

// A registry-wide symbol, so checks work across duplicate copies of this package (instanceof does not).
const MARKER = Symbol.for('llm-cascade.error');

/** Whether `value` is a CascadeError (from any copy of the package), optionally with `code`. */
export function hasCode(value: unknown, code?: CascadeErrorCode): value is CascadeError {
  if (typeof value !== 'object' || value === null) return false;
  const marked = (value as { [MARKER]?: unknown })[MARKER] === true;
  return marked && (code === undefined || (value as { code?: unknown }).code === code);
}

export interface CascadeErrorOptions {
  readonly cause?: unknown;
}

/** Base of every error llm-cascade throws. `code` is stable; `cause` keeps the original error. */
export class CascadeError extends Error {
  readonly code: CascadeErrorCode;

  constructor(code: CascadeErrorCode, message: string, options: CascadeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = 'CascadeError';
    Object.defineProperty(this, MARKER, { value: true });
  }

  static isInstance(value: unknown): value is CascadeError {
    return hasCode(value);
  }

  /** Converts an unknown throw into a CascadeError, keeping the original as `cause`. */
  static from(value: unknown, code: CascadeErrorCode = 'PROVIDER_ERROR'): CascadeError {
    if (hasCode(value)) return value;
    const message = value instanceof Error ? value.message : String(value);
    return new CascadeError(code, message, { cause: value });
  }
}
