import { availableParallelism } from 'node:os';
import { ConfigError, type ProviderRequest } from '@llm-cascade/core';
import type { SandboxLanguage } from './sandbox-protocol.ts';
import { type CodeTests, type NormalizedTests, normalizeTests } from './test-suite.ts';

/** Where a request's tests come from: fixed, or computed from the request (its id, metadata, prompt). */
export type TestsSource =
  | CodeTests
  | ((request: ProviderRequest) => CodeTests | undefined | Promise<CodeTests | undefined>);

export interface CodeTestsGateOptions {
  /** The language of the answers: `'javascript'`, `'typescript'` (types are erased, not checked) or `'python'`. */
  readonly language: SandboxLanguage;
  /**
   * The tests. Without it, each request carries its own as a JSON string in `metadata[metadataKey]`; a
   * request with no tests is `skipped` (reason `no-tests`), never passed.
   */
  readonly tests?: TestsSource;
  /** The metadata key read when `tests` is not given. Default `codeTests`. */
  readonly metadataKey?: string;
  /** Names the gate in attempts and traces. Default `code-tests`. */
  readonly name?: string;
  /** Share of tests that must pass, from 0 (exclusive) to 1. Default 1: every test. */
  readonly threshold?: number;
  /** Which fenced blocks of the language make the code (as in the compile gate). Default `first`. */
  readonly select?: 'first' | 'last' | 'all';
  /** CPU time of one run (the answer and all its tests), in milliseconds. Default 5,000. */
  readonly timeoutMs?: number;
  /** How long past `timeoutMs` a sandbox may take to stop by itself before its thread is killed. Default 2,000. */
  readonly graceMs?: number;
  /** Memory a program may allocate, in MiB. Default 64 (JavaScript), 512 (Python, interpreter included). */
  readonly memoryMb?: number;
  /** Output (print, console.log) kept per run; past it the run stops with `output-limit`. Default 65,536 bytes. */
  readonly maxOutputBytes?: number;
  /** JavaScript: the interpreter's stack in KiB (about 5 frames per KiB). Default 1,024. */
  readonly stackKb?: number;
  /** Python: `sys.setrecursionlimit` for the run. Default 1,000. */
  readonly recursionLimit?: number;
  /** Code over this many UTF-8 bytes fails `too-large` without running. Default 262,144. */
  readonly maxSourceBytes?: number;
  /** Relative tolerance when numbers of a case are compared. Default 1e-9. */
  readonly tolerance?: number;
  /** Seeds `Math.random` / `random` so runs are deterministic. Default 1. */
  readonly seed?: number;
  /** Sandboxes running at once (each a worker thread); further runs queue. Default half the cores, 1 to 4. */
  readonly poolSize?: number;
  /** Replace a sandbox after this many runs. Default 1,000 (JavaScript), 200 (Python). */
  readonly recycleAfterRuns?: number;
  /** How long a sandbox may take to start. Default 120,000 ms (Pyodide takes seconds on a busy machine). */
  readonly startTimeoutMs?: number;
  /** Failing tests described in the feedback; the rest are counted. Default 5. */
  readonly maxFailuresShown?: number;
  /** Characters of the whole feedback. Default 4,000. */
  readonly maxFeedbackLength?: number;
}

export interface ResolvedOptions {
  readonly language: SandboxLanguage;
  readonly tests: ((request: ProviderRequest) => Promise<NormalizedTests | undefined>) | NormalizedTests;
  readonly metadataKey: string;
  readonly name: string;
  readonly threshold: number;
  readonly select: 'first' | 'last' | 'all';
  readonly timeoutMs: number;
  readonly graceMs: number;
  readonly memoryMb: number;
  readonly maxOutputBytes: number;
  readonly stackKb: number;
  readonly recursionLimit: number;
  readonly maxSourceBytes: number;
  readonly tolerance: number;
  readonly seed: number;
  readonly poolSize: number;
  readonly recycleAfterRuns: number;
  readonly startTimeoutMs: number;
  readonly maxFailuresShown: number;
  readonly maxFeedbackLength: number;
}

const KNOWN = new Set([
  'language',
  'tests',
  'metadataKey',
  'name',
  'threshold',
  'select',
  'timeoutMs',
  'graceMs',
  'memoryMb',
  'maxOutputBytes',
  'stackKb',
  'recursionLimit',
  'maxSourceBytes',
  'tolerance',
  'seed',
  'poolSize',
  'recycleAfterRuns',
  'startTimeoutMs',
  'maxFailuresShown',
  'maxFeedbackLength',
]);

/** Half the cores, between 1 and 4, as the compile gate's pool: the caller keeps a core. */
export function defaultPoolSize(): number {
  return Math.min(4, Math.max(1, Math.floor(availableParallelism() / 2)));
}

function integer(value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function number(value: unknown, field: string, fallback: number, check: (n: number) => boolean, rule: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) throw new ConfigError(field, rule);
  return value;
}

/** Checks every option once, when the gate is built, naming the offending field. */
export function resolveOptions(options: CodeTestsGateOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new ConfigError(key, 'is not an option of codeTestsGate');
  }
  const language = options.language;
  if (language !== 'javascript' && language !== 'typescript' && language !== 'python') {
    throw new ConfigError('language', "must be 'javascript', 'typescript' or 'python'");
  }
  const python = language === 'python';
  const metadataKey = options.metadataKey ?? 'codeTests';
  if (typeof metadataKey !== 'string' || metadataKey === '')
    throw new ConfigError('metadataKey', 'must be a non-empty string');
  const name = options.name ?? 'code-tests';
  if (typeof name !== 'string' || name.trim() === '') throw new ConfigError('name', 'must be a non-empty string');
  const select = options.select ?? 'first';
  if (select !== 'first' && select !== 'last' && select !== 'all') {
    throw new ConfigError('select', "must be 'first', 'last' or 'all'");
  }
  let tests: ResolvedOptions['tests'];
  const source = options.tests;
  if (source === undefined) {
    tests = async (request) => {
      const raw = request.metadata?.[metadataKey];
      if (raw === undefined) return undefined;
      if (typeof raw !== 'string')
        throw new ConfigError(`metadata.${metadataKey}`, 'must be the tests as a JSON string');
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new ConfigError(`metadata.${metadataKey}`, 'is not valid JSON');
      }
      return normalizeTests(parsed, `metadata.${metadataKey}`);
    };
  } else if (typeof source === 'function') {
    tests = async (request) => {
      const value = await source(request);
      return value === undefined ? undefined : normalizeTests(value);
    };
  } else {
    tests = normalizeTests(source);
  }
  return {
    language,
    tests,
    metadataKey,
    name,
    threshold: number(
      options.threshold,
      'threshold',
      1,
      (n) => n > 0 && n <= 1,
      'must be a number above 0 and at most 1',
    ),
    select,
    timeoutMs: integer(options.timeoutMs, 'timeoutMs', 5_000, 10, 600_000),
    graceMs: integer(options.graceMs, 'graceMs', 2_000, 100, 60_000),
    memoryMb: integer(options.memoryMb, 'memoryMb', python ? 512 : 64, python ? 128 : 8, 4_096),
    maxOutputBytes: integer(options.maxOutputBytes, 'maxOutputBytes', 65_536, 0, 64 * 1024 * 1024),
    stackKb: integer(options.stackKb, 'stackKb', 1_024, 64, 8_192),
    recursionLimit: integer(options.recursionLimit, 'recursionLimit', 1_000, 50, 100_000),
    maxSourceBytes: integer(options.maxSourceBytes, 'maxSourceBytes', 262_144, 1, 16 * 1024 * 1024),
    tolerance: number(
      options.tolerance,
      'tolerance',
      1e-9,
      (n) => n >= 0 && n < 1,
      'must be a number from 0 to below 1',
    ),
    seed: integer(options.seed, 'seed', 1, 0, 2 ** 32 - 1),
    poolSize: integer(options.poolSize, 'poolSize', defaultPoolSize(), 1, 32),
    recycleAfterRuns: integer(options.recycleAfterRuns, 'recycleAfterRuns', python ? 200 : 1_000, 1, 1_000_000),
    startTimeoutMs: integer(options.startTimeoutMs, 'startTimeoutMs', 120_000, 1_000, 600_000),
    maxFailuresShown: integer(options.maxFailuresShown, 'maxFailuresShown', 5, 1, 100),
    maxFeedbackLength: integer(options.maxFeedbackLength, 'maxFeedbackLength', 4_000, 200, 100_000),
  };
}
