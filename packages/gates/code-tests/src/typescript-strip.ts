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
 * parameter properties) or has import statements takes the transform pass. TypeScript 7's package offers no transpile API (its
 * API reads and checks programs; it emits no JavaScript), and the compile gate has already type-checked
 * the code when it runs first, so erasing types is all that is left to do.
 *
 * Runs inside a sandbox worker thread, never on the caller's event loop: stripping a hostile 256 KiB
 * answer takes tens of milliseconds.
 */
export function stripTypes(source: string): StripResult {
  let stripped: string;
  try {
    stripped = amaro.transformSync(source, { mode: 'strip-only' }).code;
  } catch (error) {
    if (isSwcError(error) && error.code === 'UnsupportedSyntax') return transform(source);
    return failure(error);
  }
  // TypeScript (tsc, without verbatimModuleSyntax) drops an import whose bindings are never used as
  // values: `import * as math from 'mathjs'` left unused, or a type imported without `import type`.
  // Strip-only mode keeps every import, so code with imports takes the transform pass, which elides them.
  return IMPORT_STATEMENT.test(stripped) ? transform(source) : { ok: true, code: stripped };
}

const IMPORT_STATEMENT = /^[ \t]*import[\s{*]/m;
const EMPTY_EXPORT = /^export \{\s*\};?[ \t]*$/gm;

function transform(source: string): StripResult {
  try {
    const options = { mode: 'transform', sourceMap: false, transform: { verbatimModuleSyntax: false } } as const;
    // swc marks an ES module whose imports were all elided with `export {}`; without it the code runs as a
    // script, so its top-level declarations stay visible to the tests (as they were before the elision).
    return { ok: true, code: amaro.transformSync(source, options).code.replace(EMPTY_EXPORT, '') };
  } catch (error) {
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
