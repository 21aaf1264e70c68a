import type { Gate, GateContext, GateResult } from '@llm-cascade/core';
import {
  OXC_PARSER_PACKAGE,
  type PackageResolver,
  requireBackendPackage,
  resolveInstalledPackage,
  TYPESCRIPT_PACKAGE,
} from './backend-packages.ts';
import { CheckPool, type CheckPoolStats } from './check-pool.ts';
import {
  abortError,
  type CodeCheckResult,
  failure,
  fromDiagnostics,
  fromOutcome,
  fromPythonResponse,
  tooDeep,
} from './check-result.ts';
import { extractCode } from './extract-code.ts';
import { type CodeCompilesGateOptions, type ResolvedGateOptions, resolveGateOptions } from './gate-options.ts';
import { toGateResult } from './gate-verdict.ts';
import { javascriptBackend } from './javascript-backend.ts';
import type { CodeLanguage } from './languages.ts';
import { type NodeCheck, NodeWorkerBackend } from './node-worker-backend.ts';
import { type PythonCheck, type PythonCheckResponse, pythonBackend } from './python-backend.ts';
import type { JavaScriptParseRequest, JavaScriptParseResponse, NodeCheckResponse } from './worker-protocol.ts';

export interface CheckCodeOptions {
  /** Default: the gate's `language`; one of the two is needed. */
  readonly language?: CodeLanguage;
  /** Drops the check if it is still queued when the signal fires; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface WarmUpOptions {
  /** Default: the gate's language, or TypeScript and Python when it has none. */
  readonly languages?: readonly CodeLanguage[];
  /** Checkers to start per language, up to the pool size. Default 1. */
  readonly workers?: number;
}

export interface CodeCompilesStats {
  /** The worker threads that type-check TypeScript (and JavaScript with `checkJs`). */
  readonly typescript: CheckPoolStats | undefined;
  /** The child processes that parse JavaScript. */
  readonly javascript: CheckPoolStats | undefined;
  /** The Python interpreters. */
  readonly python: CheckPoolStats | undefined;
}

/** The gate, plus direct access to its checker for benchmarks, tools and tests. */
export interface CodeCompilesGate extends Gate<string> {
  /** Checks code as is (no fence extraction). Never runs it. Rejects only when closed, aborted or misconfigured. */
  check(code: string, options?: CheckCodeOptions): Promise<CodeCheckResult>;
  /**
   * Starts checkers now, so the first answers are checked warm (a TypeScript checker takes about 300 ms to
   * start). Rejects with `ConfigError` when the compiler options or declarations are invalid, or a checker's
   * package is not installed.
   */
  warmUp(options?: WarmUpOptions): Promise<void>;
  /** Pool counters per checker kind; `undefined` until that kind was first used. */
  readonly stats: CodeCompilesStats;
  /** Kills every worker thread and checker process and waits until they are gone. */
  close(): Promise<void>;
}

/** Seams for tests: how the optional checker packages are found. Not part of the public entry. */
export interface CodeCompilesGateInternals {
  readonly resolvePackage: PackageResolver;
}

const START_TIMEOUT_MIN_MS = 30_000;

type Pools = {
  typescript?: CheckPool<NodeCheck, NodeCheckResponse>;
  javascript?: CheckPool<JavaScriptParseRequest, JavaScriptParseResponse>;
  python?: CheckPool<PythonCheck, PythonCheckResponse>;
};

/** Builds the checker pools lazily, each on its first use, so a gate for Python never starts a Node checker. */
function poolFactory(resolved: ResolvedGateOptions) {
  const pools: Pools = {};
  const common = {
    size: resolved.poolSize,
    timeoutMs: resolved.timeoutMs,
    startTimeoutMs: Math.max(START_TIMEOUT_MIN_MS, resolved.timeoutMs),
    recycleAfter: resolved.recycleAfterChecks,
  };
  return {
    pools,
    typescript: () =>
      (pools.typescript ??= new CheckPool({
        ...common,
        create: () =>
          new NodeWorkerBackend({
            config: {
              compilerOptions: resolved.compilerOptions,
              declarations: resolved.declarations,
              readableDirectories: resolved.readableDirectories,
              ignoreDiagnosticCodes: resolved.ignoreDiagnosticCodes,
              jsx: resolved.jsx,
              eagerLanguage: resolved.language === 'javascript' ? 'javascript' : 'typescript',
              maxNestingDepth: resolved.maxNestingDepth,
            },
            workerMemoryMb: resolved.workerMemoryMb,
            compilerMemoryMb: resolved.compilerMemoryMb,
          }),
      })),
    javascript: () =>
      (pools.javascript ??= new CheckPool({
        ...common,
        create: () =>
          javascriptBackend({
            config: { jsx: resolved.jsx, sourceType: resolved.sourceType, maxNestingDepth: resolved.maxNestingDepth },
            heapMb: resolved.workerMemoryMb,
            memoryMb: resolved.compilerMemoryMb,
          }),
      })),
    python: () =>
      (pools.python ??= new CheckPool({
        ...common,
        create: () => pythonBackend({ interpreter: resolved.pythonInterpreter, memoryMb: resolved.compilerMemoryMb }),
      })),
  };
}

/**
 * A gate that passes when the answer's code compiles: TypeScript type-checks (TypeScript 7 on a virtual
 * file system), JavaScript parses (oxc; optionally type-checked with checkJs), Python compiles
 * (`compile()` in a persistent interpreter). The code is never executed.
 *
 * Checks run off the caller's thread in small pools with a queue: TypeScript in worker threads that drive
 * the tsgo compiler process, JavaScript and Python in child processes, so a native crash of a parser ends
 * only its own process. Each check has a timeout and a memory cap that kill and replace its checker, so a
 * pathological type or deeply nested code fails the gate (`timeout`, `memory-limit`, `too-deep`) and the
 * next check works. Call `close()` (or `cascade.close()`) when done: until then idle checkers are kept warm,
 * though they never keep the process alive on their own.
 *
 * `typescript` and `oxc-parser` are optional peer dependencies: building a gate for TypeScript or
 * JavaScript throws `ConfigError` naming the missing package and the command that installs it.
 *
 * Warning: the checker sees only the code and the declarations you give it. Imports of packages fail
 * with TS2307 unless you declare them, allow a real `node_modules` through `readableDirectories`, or
 * ignore the code.
 */
export function codeCompilesGate(options: CodeCompilesGateOptions = {}): CodeCompilesGate {
  return buildCodeCompilesGate(options, { resolvePackage: resolveInstalledPackage });
}

/** `codeCompilesGate` with its seams open; for this package's tests. */
export function buildCodeCompilesGate(
  options: CodeCompilesGateOptions,
  internals: CodeCompilesGateInternals,
): CodeCompilesGate {
  const resolved = resolveGateOptions(options);
  const factory = poolFactory(resolved);
  const pools = factory.pools;
  let closed = false;
  const limits = {
    timeoutMs: resolved.timeoutMs,
    compilerMemoryMb: resolved.compilerMemoryMb,
    feedback: resolved.feedback,
  };

  // Which optional packages a language needs, checked once each: at build time for the gate's language,
  // at first use for a language that a fence decides.
  const installed = new Set<CodeLanguage>();
  const requirePackages = (language: CodeLanguage, field: string): void => {
    if (installed.has(language)) return;
    const resolve = internals.resolvePackage;
    if (language === 'typescript') {
      requireBackendPackage(TYPESCRIPT_PACKAGE, { field, purpose: 'Checking TypeScript', resolve });
    } else if (language === 'javascript') {
      requireBackendPackage(OXC_PARSER_PACKAGE, { field, purpose: 'Checking JavaScript', resolve });
      if (resolved.checkJs) {
        requireBackendPackage(TYPESCRIPT_PACKAGE, {
          field: 'checkJs',
          purpose: 'Type-checking JavaScript (checkJs)',
          resolve,
        });
      }
    }
    installed.add(language);
  };
  if (resolved.language !== undefined) requirePackages(resolved.language, 'language');

  async function checkJavaScript(source: string, signal: AbortSignal | undefined): Promise<CodeCheckResult> {
    const language = 'javascript';
    const outcome = await factory.javascript().run({ source }, signal);
    const parsed = fromOutcome(
      language,
      outcome,
      { timeoutMs: resolved.timeoutMs, parserCrashMeansTooDeep: true },
      signal,
    );
    if ('status' in parsed) return parsed;
    const response = parsed.value;
    if (response.failed !== undefined) {
      return failure(language, 'worker-crashed', `the JavaScript parser failed: ${response.failed}`, parsed.durationMs);
    }
    if (response.nesting !== undefined) return tooDeep(language, response.nesting, parsed.durationMs);
    const result = fromDiagnostics(language, response.diagnostics, parsed.durationMs);
    if (!resolved.checkJs || result.errors > 0) return result;
    const typed = await checkTypes(language, source, signal);
    if (typed.reason === 'too-deep' || (typed.status === 'fail' && typed.diagnostics.length === 0)) {
      return { ...typed, durationMs: typed.durationMs + parsed.durationMs };
    }
    return fromDiagnostics(
      language,
      [...response.diagnostics, ...typed.diagnostics],
      parsed.durationMs + typed.durationMs,
    );
  }

  async function checkTypes(
    language: 'typescript' | 'javascript',
    source: string,
    signal: AbortSignal | undefined,
  ): Promise<CodeCheckResult> {
    const outcome = await factory.typescript().run({ source, language }, signal);
    const done = fromOutcome(language, outcome, { timeoutMs: resolved.timeoutMs }, signal);
    if ('status' in done) return done;
    if (done.value.nesting !== undefined) return tooDeep(language, done.value.nesting, done.durationMs);
    return fromDiagnostics(language, done.value.diagnostics, done.durationMs);
  }

  async function checkPython(source: string, signal: AbortSignal | undefined): Promise<CodeCheckResult> {
    const outcome = await factory.python().run({ source }, signal);
    const done = fromOutcome('python', outcome, { timeoutMs: resolved.timeoutMs }, signal);
    if ('status' in done) return done;
    return fromPythonResponse(done.value, done.durationMs);
  }

  async function check(code: string, checkOptions: CheckCodeOptions = {}): Promise<CodeCheckResult> {
    if (closed) throw new Error('the code-compiles gate was closed');
    const language = checkOptions.language ?? resolved.language;
    if (language === undefined) throw new TypeError('check() needs a language: pass one or build the gate with one');
    const signal = checkOptions.signal;
    if (signal?.aborted) throw abortError(signal);
    requirePackages(language, 'language');
    const bytes = Buffer.byteLength(code, 'utf8');
    if (bytes > resolved.maxSourceBytes) {
      return failure(
        language,
        'too-large',
        `the code is ${bytes} bytes, over the ${resolved.maxSourceBytes}-byte limit`,
      );
    }
    // A lone surrogate (half of a UTF-16 pair) cannot be written as UTF-8: the TypeScript compiler panics on
    // it and Python refuses it. A file on disk would hold U+FFFD in its place, so check that; the
    // replacement is one UTF-16 unit like the surrogate, so every position stays the same.
    const source = code.isWellFormed() ? code : code.toWellFormed();
    switch (language) {
      case 'python':
        return checkPython(source, signal);
      case 'javascript':
        return checkJavaScript(source, signal);
      case 'typescript':
        return checkTypes(language, source, signal);
    }
  }

  async function evaluate(context: GateContext): Promise<GateResult<string>> {
    const text = context.candidate.text;
    const verdict = (
      result: CodeCheckResult,
      code: string,
      fromFence: boolean,
      details: Record<string, string | number | boolean>,
    ) => toGateResult(result, code, { fromFence, limits, details });
    // A cheap bound before scanning for fences: fenced code is never longer than the answer around it.
    if (text.length > resolved.maxSourceBytes * 4) {
      const result = failure(
        resolved.language ?? 'typescript',
        'too-large',
        `the answer is ${text.length} characters long`,
      );
      return verdict(result, '', false, { answerLength: text.length });
    }
    const extracted = extractCode(text, { language: resolved.language, select: resolved.select });
    if (!extracted.found) {
      return { status: 'fail', reason: 'no-code', feedback: extracted.message, details: { blocks: extracted.blocks } };
    }
    const result = await check(extracted.code, { language: extracted.language, signal: context.signal });
    return verdict(result, extracted.code, extracted.source === 'fence', {
      source: extracted.source,
      blocks: extracted.blocks,
      sourceBytes: Buffer.byteLength(extracted.code, 'utf8'),
    });
  }

  async function warmUp(warmOptions: WarmUpOptions = {}): Promise<void> {
    if (closed) throw new Error('the code-compiles gate was closed');
    const wanted: readonly CodeLanguage[] =
      warmOptions.languages ?? (resolved.language === undefined ? ['typescript', 'python'] : [resolved.language]);
    for (const language of wanted) requirePackages(language, 'languages');
    const workers = Math.min(resolved.poolSize, Math.max(1, Math.floor(warmOptions.workers ?? 1)));
    const starts: Promise<void>[] = [];
    if (wanted.includes('typescript') || (wanted.includes('javascript') && resolved.checkJs)) {
      starts.push(factory.typescript().warmUp(workers));
    }
    if (wanted.includes('javascript')) starts.push(factory.javascript().warmUp(workers));
    if (wanted.includes('python')) starts.push(factory.python().warmUp(workers));
    await Promise.all(starts);
  }

  async function close(): Promise<void> {
    closed = true;
    await Promise.all([pools.typescript?.close(), pools.javascript?.close(), pools.python?.close()]);
  }

  return {
    name: resolved.name,
    evaluate,
    check,
    warmUp,
    close,
    get stats() {
      return { typescript: pools.typescript?.stats, javascript: pools.javascript?.stats, python: pools.python?.stats };
    },
  };
}
