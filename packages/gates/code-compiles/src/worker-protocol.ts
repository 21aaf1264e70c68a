import type { CodeDiagnostic } from './diagnostics.ts';

/** A JSON value, as compiler options are written in a tsconfig. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Diagnostics a checker sends back at most, in the compiler's order. A hostile answer can make thousands
 * (6,000 redeclarations are 1 MB of JSON), and the answer is parsed on the caller's thread.
 */
export const MAX_DIAGNOSTICS = 1_000;

/** Code whose brackets nest past the limit: it was not parsed. Positions are 1-based, columns in UTF-16 units. */
export interface NestingFailure {
  readonly depth: number;
  readonly limit: number;
  readonly line: number;
  readonly column: number;
}

/** What a TypeScript checker worker thread is built with (structured-cloned into `workerData`). */
export interface NodeWorkerConfig {
  /** tsconfig `compilerOptions`, already merged over the gate's defaults. */
  readonly compilerOptions: { readonly [key: string]: JsonValue };
  /** Extra declaration files by name (`globals.d.ts`), part of every program. */
  readonly declarations: { readonly [fileName: string]: string };
  /** Real directories the compiler may read besides its own lib folder. */
  readonly readableDirectories: readonly string[];
  /** TypeScript diagnostic codes to drop. */
  readonly ignoreDiagnosticCodes: readonly number[];
  readonly jsx: boolean;
  /** Which project to open while the worker starts, so the first check is warm. */
  readonly eagerLanguage: 'typescript' | 'javascript';
  /** Deeper bracket nesting fails before the compiler sees the code. */
  readonly maxNestingDepth: number;
}

export interface NodeCheckRequest {
  readonly id: number;
  readonly source: string;
  /** `javascript` type-checks with checkJs (the parse already passed in the JavaScript parser). */
  readonly language: 'typescript' | 'javascript';
}

export interface NodeCheckResponse {
  readonly diagnostics: readonly CodeDiagnostic[];
  /** Set when the code nests too deeply to be handed to the compiler. */
  readonly nesting?: NestingFailure;
  /** Time spent inside the worker, in milliseconds. */
  readonly workerMs: number;
}

export type WorkerToMain =
  | { readonly type: 'ready'; readonly compilerPid: number | undefined }
  | { readonly type: 'compiler-started'; readonly compilerPid: number }
  /** The compiler process ended and this thread reaped it (it is no zombie). */
  | { readonly type: 'compiler-exited' }
  | { readonly type: 'config-error'; readonly field: string; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly response: NodeCheckResponse }
  | { readonly type: 'failed'; readonly id: number | undefined; readonly message: string };

export type MainToWorker = { readonly type: 'check'; readonly request: NodeCheckRequest };

/** What the JavaScript parser process is started with (JSON in its argv). */
export interface JavaScriptParserConfig {
  readonly jsx: boolean;
  readonly sourceType: 'module' | 'script' | 'unambiguous';
  readonly maxNestingDepth: number;
}

export interface JavaScriptParseRequest {
  readonly source: string;
}

export interface JavaScriptParseResponse {
  readonly diagnostics: readonly CodeDiagnostic[];
  readonly nesting?: NestingFailure;
  /** Set when the request itself was broken (a bug here, not in the answer). */
  readonly failed?: string;
}
