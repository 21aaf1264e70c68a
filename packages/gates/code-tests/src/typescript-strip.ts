import amaro from 'amaro';

export type StripResult =
  | { readonly ok: true; readonly code: string }
  | { readonly ok: false; readonly message: string; readonly line?: number; readonly column?: number };

interface SwcError {
  readonly code: 'UnsupportedSyntax' | 'InvalidSyntax';
  readonly message: string;
  readonly startLine?: number;
  readonly startColumn?: number;
}

function isSwcError(error: unknown): error is SwcError {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === 'UnsupportedSyntax' || code === 'InvalidSyntax';
}

/**
 * Turns TypeScript into JavaScript by erasing its types, with amaro (the swc build Node.js itself strips
 * types with). Strip-only mode first: it replaces types with spaces, so line and column numbers in
 * errors still point into the model's code. Only code that needs a real transform (enums, namespaces,
 * parameter properties) takes the transform pass. TypeScript 7's package offers no transpile API (its
 * API reads and checks programs; it emits no JavaScript), and the compile gate has already type-checked
 * the code when it runs first, so erasing types is all that is left to do.
 *
 * Runs inside a sandbox worker thread, never on the caller's event loop: stripping a hostile 256 KiB
 * answer takes tens of milliseconds.
 */
export function stripTypes(source: string): StripResult {
  try {
    return { ok: true, code: amaro.transformSync(source, { mode: 'strip-only' }).code };
  } catch (error) {
    if (isSwcError(error) && error.code === 'UnsupportedSyntax') {
      try {
        return { ok: true, code: amaro.transformSync(source, { mode: 'transform', sourceMap: false }).code };
      } catch (second) {
        return failure(second);
      }
    }
    return failure(error);
  }
}

function failure(error: unknown): StripResult {
  if (isSwcError(error)) {
    return {
      ok: false,
      message: error.message,
      ...(error.startLine === undefined ? {} : { line: error.startLine }),
      ...(error.startColumn === undefined ? {} : { column: error.startColumn + 1 }),
    };
  }
  return { ok: false, message: error instanceof Error ? error.message : String(error) };
}
