import type { CodeDiagnostic } from './diagnostics.ts';

/** A JSON value, as compiler options are written in a tsconfig. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** What a checker worker thread is built with (structured-cloned into `workerData`). */
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
  /** Start the TypeScript compiler with the worker (for a warm first check) rather than on first use. */
  readonly eagerTypeScript: boolean;
  /** Which project to warm up eagerly. */
  readonly eagerLanguage: 'typescript' | 'javascript';
  /** `sourceType` for the JavaScript parser. */
  readonly sourceType: 'module' | 'script' | 'unambiguous';
}

export interface NodeCheckRequest {
  readonly id: number;
  readonly source: string;
  /** `parse`: syntax only (JavaScript); `typecheck`: full TypeScript check (TypeScript, or JavaScript with checkJs). */
  readonly mode: 'parse' | 'typecheck' | 'parse-then-typecheck';
  readonly language: 'typescript' | 'javascript';
}

export interface NodeCheckResponse {
  readonly diagnostics: readonly CodeDiagnostic[];
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
