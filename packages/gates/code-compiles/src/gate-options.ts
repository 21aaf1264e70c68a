import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { ConfigError } from '@llm-cascade/core';
import { DEFAULT_FEEDBACK_LIMITS, type FeedbackLimits } from './diagnostics.ts';
import type { BlockSelection } from './extract-code.ts';
import { CODE_LANGUAGES, type CodeLanguage } from './languages.ts';
import type { JsonValue } from './worker-protocol.ts';

/** tsconfig `compilerOptions`, written as in a tsconfig.json (`{ target: 'es2022', strict: true }`). */
export type TypeScriptCompilerOptions = { readonly [option: string]: JsonValue };

export interface CodeCompilesGateOptions {
  /**
   * The language of the answers. Without it, the first fenced block tagged with a known language decides
   * (```ts, ```js, ```python ...), and an answer without such a fence fails with `no-code`.
   */
  readonly language?: CodeLanguage;
  /** Names the gate in attempts, traces and repairs. Default `code-compiles`. */
  readonly name?: string;
  /** Which fenced blocks of the language make the code: `first` (default), `last`, or `all` joined. */
  readonly select?: BlockSelection;
  /**
   * TypeScript compiler options (tsconfig form), merged over the defaults: strict, target es2022, lib
   * es2023, module esnext with bundler resolution, moduleDetection force, types []. `noEmit` is always on.
   */
  readonly compilerOptions?: TypeScriptCompilerOptions;
  /** Shortcut for `compilerOptions.lib` (`['es2023', 'dom']`); wins over it. */
  readonly lib?: readonly string[];
  /**
   * Ambient declaration files, by file name (`{ 'globals.d.ts': 'declare const config: { port: number };' }`),
   * part of every check: the APIs the model's code may use without importing them.
   */
  readonly declarations?: { readonly [fileName: string]: string };
  /**
   * Directories the compiler may read (absolute paths), e.g. a `node_modules` whose `@types` the code needs.
   * Nothing else on disk is visible to it besides its own lib files. A path counts as inside only if its real
   * path (symbolic links resolved) lies inside a directory's real path: a link out of it leads nowhere.
   */
  readonly readableDirectories?: readonly string[];
  /** TypeScript diagnostic codes to ignore (2307 for unresolvable imports in snippets, for example). */
  readonly ignoreDiagnosticCodes?: readonly number[];
  /** Check `.tsx`/`.jsx` instead of `.ts`/`.js`. Set `compilerOptions.jsx` and JSX types yourself. Default false. */
  readonly jsx?: boolean;
  /** Type-check JavaScript with the TypeScript compiler (`checkJs`), after the parse. Default false: parse only. */
  readonly checkJs?: boolean;
  /** How the JavaScript parser reads the code. Default `unambiguous` (a module if it has import/export). */
  readonly sourceType?: 'module' | 'script' | 'unambiguous';
  /** Command or path of the Python interpreter; resolved once to the real executable. Default `python3`. */
  readonly pythonInterpreter?: string;
  /**
   * Per check, in milliseconds; a check past it fails with `timeout` and its checker is killed and restarted.
   * Default 5,000: real answers take a few milliseconds (the slowest of 2,100 real TypeScript files took
   * 150 ms), a 250 KB Python file about a second on a loaded machine.
   */
  readonly timeoutMs?: number;
  /** Code over this many UTF-8 bytes fails with `too-large` without being sent to a checker. Default 256 KiB. */
  readonly maxSourceBytes?: number;
  /**
   * JavaScript and TypeScript whose brackets (`(`, `[`, `{`, template `${`) nest deeper than this fails with
   * `too-deep` before a parser sees it: parsers recurse per level and a native stack overflow cannot be
   * caught. Default 256 (real code nests under 20, machine-written test data under 80).
   */
  readonly maxNestingDepth?: number;
  /**
   * Checkers per language running at once; further checks wait in a queue. Default: half the cores,
   * between 1 and 4.
   */
  readonly poolSize?: number;
  /** V8 heap cap of each TypeScript worker thread and JavaScript parser process, in MiB. Default 256. */
  readonly workerMemoryMb?: number;
  /**
   * Memory cap of each compiler process, in MiB: the resident memory of the TypeScript compiler and of the
   * JavaScript parser process (watched on Linux), and the Python process's address space (setrlimit). A check
   * past it fails with `memory-limit`. Default 512: real answers peak at 40 MiB (130 MiB with `@types/node`
   * and the DOM lib), a 250 KB Python literal at 130 MiB.
   */
  readonly compilerMemoryMb?: number;
  /** Replace a checker after this many checks, bounding any slow growth of compiler memory. Default 5,000. */
  readonly recycleAfterChecks?: number;
  /** Diagnostics listed in the repair feedback; the rest are counted. Default 10. */
  readonly maxDiagnostics?: number;
  /** Characters of one diagnostic message in the feedback. Default 400. */
  readonly maxMessageLength?: number;
  /** Characters of the whole feedback. Default 4,000. */
  readonly maxFeedbackLength?: number;
}

export const DEFAULT_COMPILER_OPTIONS: TypeScriptCompilerOptions = {
  strict: true,
  target: 'es2022',
  lib: ['es2023'],
  module: 'esnext',
  moduleResolution: 'bundler',
  // Every answer is its own module: top-level names never clash with lib globals (`name`, `status`).
  moduleDetection: 'force',
  esModuleInterop: true,
  skipLibCheck: true,
  // No node_modules exist in the virtual project; users opt in to @types through readableDirectories.
  types: [],
};

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_SOURCE_BYTES = 262_144;
export const DEFAULT_MAX_NESTING_DEPTH = 256;
export const DEFAULT_WORKER_MEMORY_MB = 256;
export const DEFAULT_COMPILER_MEMORY_MB = 512;
export const DEFAULT_RECYCLE_AFTER_CHECKS = 5_000;
const MAX_TIMEOUT_MS = 600_000;
const MAX_POOL_SIZE = 32;
// oxc parses 2,000 levels of any bracket kind in the parser process (8 MiB main-thread stack) and overflows
// on 4,000 nested functions: keep the configurable limit well below.
const MAX_NESTING_DEPTH = 1_000;

/** Half the cores, between 1 and 4: each check also runs a compiler process, and the caller needs a core. */
export function defaultPoolSize(): number {
  return Math.min(4, Math.max(1, Math.floor(availableParallelism() / 2)));
}

export interface ResolvedGateOptions {
  readonly language: CodeLanguage | undefined;
  readonly name: string;
  readonly select: BlockSelection;
  readonly compilerOptions: TypeScriptCompilerOptions;
  readonly declarations: { readonly [fileName: string]: string };
  readonly readableDirectories: readonly string[];
  readonly ignoreDiagnosticCodes: readonly number[];
  readonly jsx: boolean;
  readonly checkJs: boolean;
  readonly sourceType: 'module' | 'script' | 'unambiguous';
  readonly pythonInterpreter: string;
  readonly timeoutMs: number;
  readonly maxSourceBytes: number;
  readonly maxNestingDepth: number;
  readonly poolSize: number;
  readonly workerMemoryMb: number;
  readonly compilerMemoryMb: number;
  readonly recycleAfterChecks: number;
  readonly feedback: FeedbackLimits;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function checkJson(value: unknown, field: string, depth = 0): void {
  if (depth > 16) throw new ConfigError(field, 'is nested too deeply');
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConfigError(field, 'must be a finite number');
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkJson(item, `${field}[${i}]`, depth + 1);
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) checkJson(item, `${field}.${key}`, depth + 1);
    return;
  }
  throw new ConfigError(field, 'must be a JSON value (string, number, boolean, null, array or plain object)');
}

function integer(value: unknown, field: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function boolean(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(field, 'must be a boolean');
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ConfigError(field, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.length === 0)) {
    throw new ConfigError(field, 'must be an array of non-empty strings');
  }
  return [...(value as string[])];
}

const OPTION_NAMES: ReadonlySet<string> = new Set<keyof CodeCompilesGateOptions>([
  'language',
  'name',
  'select',
  'compilerOptions',
  'lib',
  'declarations',
  'readableDirectories',
  'ignoreDiagnosticCodes',
  'jsx',
  'checkJs',
  'sourceType',
  'pythonInterpreter',
  'timeoutMs',
  'maxSourceBytes',
  'maxNestingDepth',
  'poolSize',
  'workerMemoryMb',
  'compilerMemoryMb',
  'recycleAfterChecks',
  'maxDiagnostics',
  'maxMessageLength',
  'maxFeedbackLength',
]);

/** Checks every option once, when the gate is built, naming the offending field. */
export function resolveGateOptions(options: CodeCompilesGateOptions): ResolvedGateOptions {
  if (!isPlainObject(options)) throw new ConfigError('options', 'must be an object');
  for (const key of Object.keys(options)) {
    // A misspelt cap (`timeout` for `timeoutMs`) would otherwise leave the default in force without a word.
    if (!OPTION_NAMES.has(key)) throw new ConfigError(key, 'is not an option of codeCompilesGate');
  }
  const language =
    options.language === undefined ? undefined : oneOf(options.language, 'language', CODE_LANGUAGES, 'typescript');
  const name = options.name ?? 'code-compiles';
  if (typeof name !== 'string' || name.trim().length === 0) throw new ConfigError('name', 'must be a non-empty string');

  const userCompilerOptions = options.compilerOptions ?? {};
  if (!isPlainObject(userCompilerOptions)) throw new ConfigError('compilerOptions', 'must be a plain object');
  checkJson(userCompilerOptions, 'compilerOptions');
  const lib = stringList(options.lib, 'lib');
  const compilerOptions: TypeScriptCompilerOptions = {
    ...DEFAULT_COMPILER_OPTIONS,
    ...userCompilerOptions,
    ...(lib === undefined ? {} : { lib }),
    // The gate never writes output: the code is only checked.
    noEmit: true,
  };

  const declarations = options.declarations ?? {};
  if (!isPlainObject(declarations)) throw new ConfigError('declarations', 'must be an object of file name to text');
  for (const [fileName, text] of Object.entries(declarations)) {
    if (!/^[\w.-]+\.d\.(ts|mts|cts)$/.test(fileName)) {
      throw new ConfigError(`declarations.${fileName}`, 'must be a plain file name ending in .d.ts');
    }
    if (typeof text !== 'string') throw new ConfigError(`declarations.${fileName}`, 'must be a string');
  }
  // A lone surrogate cannot be encoded for the compiler (tsgo panics on it): replace it, as a UTF-8 file would.
  const wellFormedDeclarations = Object.fromEntries(
    Object.entries(declarations as { readonly [fileName: string]: string }).map(([name, text]) => [
      name,
      text.toWellFormed(),
    ]),
  );

  const readableDirectories = stringList(options.readableDirectories, 'readableDirectories') ?? [];
  readableDirectories.forEach((directory, i) => {
    if (!isAbsolute(directory)) throw new ConfigError(`readableDirectories[${i}]`, 'must be an absolute path');
  });

  const ignoreDiagnosticCodes = options.ignoreDiagnosticCodes ?? [];
  if (!Array.isArray(ignoreDiagnosticCodes) || ignoreDiagnosticCodes.some((c) => !Number.isInteger(c) || c <= 0)) {
    throw new ConfigError('ignoreDiagnosticCodes', 'must be an array of positive integers (2307, not "TS2307")');
  }

  const pythonInterpreter = options.pythonInterpreter ?? 'python3';
  if (typeof pythonInterpreter !== 'string' || pythonInterpreter.length === 0) {
    throw new ConfigError('pythonInterpreter', 'must be a non-empty string');
  }

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new ConfigError('timeoutMs', `must be a number of milliseconds above 0 and at most ${MAX_TIMEOUT_MS}`);
  }

  return {
    language,
    name,
    select: oneOf(options.select, 'select', ['first', 'last', 'all'] as const, 'first'),
    compilerOptions,
    declarations: wellFormedDeclarations,
    readableDirectories,
    ignoreDiagnosticCodes: [...ignoreDiagnosticCodes],
    jsx: boolean(options.jsx, 'jsx', false),
    checkJs: boolean(options.checkJs, 'checkJs', false),
    sourceType: oneOf(options.sourceType, 'sourceType', ['module', 'script', 'unambiguous'] as const, 'unambiguous'),
    pythonInterpreter,
    timeoutMs,
    maxSourceBytes: integer(options.maxSourceBytes, 'maxSourceBytes', DEFAULT_MAX_SOURCE_BYTES, 1, 64 * 1024 * 1024),
    maxNestingDepth: integer(
      options.maxNestingDepth,
      'maxNestingDepth',
      DEFAULT_MAX_NESTING_DEPTH,
      1,
      MAX_NESTING_DEPTH,
    ),
    poolSize: integer(options.poolSize, 'poolSize', defaultPoolSize(), 1, MAX_POOL_SIZE),
    workerMemoryMb: integer(options.workerMemoryMb, 'workerMemoryMb', DEFAULT_WORKER_MEMORY_MB, 32),
    compilerMemoryMb: integer(options.compilerMemoryMb, 'compilerMemoryMb', DEFAULT_COMPILER_MEMORY_MB, 128),
    recycleAfterChecks: integer(options.recycleAfterChecks, 'recycleAfterChecks', DEFAULT_RECYCLE_AFTER_CHECKS, 1),
    feedback: {
      maxDiagnostics: integer(options.maxDiagnostics, 'maxDiagnostics', DEFAULT_FEEDBACK_LIMITS.maxDiagnostics, 1),
      maxMessageLength: integer(
        options.maxMessageLength,
        'maxMessageLength',
        DEFAULT_FEEDBACK_LIMITS.maxMessageLength,
        20,
      ),
      maxFeedbackLength: integer(
        options.maxFeedbackLength,
        'maxFeedbackLength',
        DEFAULT_FEEDBACK_LIMITS.maxFeedbackLength,
        100,
      ),
    },
  };
}
