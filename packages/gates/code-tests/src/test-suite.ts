import { ConfigError } from '@llm-cascade/core';
import type { JsonValue, SandboxTest } from './sandbox-protocol.ts';

/** One input/output case: the entry point is called with `args`; its value must equal `expected`. */
export interface TestCase {
  readonly name?: string;
  readonly args: readonly JsonValue[];
  readonly expected: JsonValue;
}

/** One piece of test code, run after the answer; it passes when it raises (throws) nothing. */
export interface AssertionTest {
  readonly name?: string;
  readonly code: string;
}

/**
 * The tests an answer must pass. Either input/output `cases` for the function `entryPoint` (compared
 * outside the sandbox: the answer never sees the expected values), or `assertions`: test code in the
 * answer's language (`assert add(1, 2) == 3`; `assert.deepEqual(add(1, 2), 3)`), each one a test.
 */
export type CodeTests =
  | {
      readonly entryPoint: string;
      readonly cases: readonly TestCase[];
      /** Code run before the answer (shared helpers). */
      readonly setup?: string;
    }
  | {
      readonly assertions: readonly (string | AssertionTest)[];
      /** With assertions, the function whose results must be plain values (see the README). */
      readonly entryPoint?: string;
      readonly setup?: string;
    };

export interface NormalizedTests {
  readonly entryPoint: string | undefined;
  readonly setup: string | undefined;
  readonly tests: readonly SandboxTest[];
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_TESTS = 1_000;

function checkJson(value: unknown, field: string, depth = 0): void {
  if (depth > 64) throw new ConfigError(field, 'is nested too deeply');
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConfigError(field, 'must be a finite number');
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkJson(item, `${field}[${i}]`, depth + 1);
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) checkJson(item, `${field}.${key}`, depth + 1);
    return;
  }
  throw new ConfigError(field, 'must be a JSON value');
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ConfigError(field, 'must be a string');
  return value;
}

/** Checks a test suite (from the options, a request's metadata or a function) and names the bad field. */
export function normalizeTests(value: unknown, field = 'tests'): NormalizedTests {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(field, 'must be { entryPoint, cases } or { assertions }');
  }
  const record = value as Record<string, unknown>;
  const known = new Set(['entryPoint', 'cases', 'assertions', 'setup']);
  for (const key of Object.keys(record)) {
    if (!known.has(key))
      throw new ConfigError(`${field}.${key}`, 'is not a known field (entryPoint, cases, assertions, setup)');
  }
  const setup = optionalString(record.setup, `${field}.setup`);
  const entryPoint = optionalString(record.entryPoint, `${field}.entryPoint`);
  if (entryPoint !== undefined && !IDENTIFIER.test(entryPoint)) {
    throw new ConfigError(`${field}.entryPoint`, 'must be a plain identifier (a function name)');
  }
  const hasCases = record.cases !== undefined;
  const hasAssertions = record.assertions !== undefined;
  if (hasCases === hasAssertions) throw new ConfigError(field, 'needs exactly one of cases and assertions');
  const list = (hasCases ? record.cases : record.assertions) as unknown;
  const listField = `${field}.${hasCases ? 'cases' : 'assertions'}`;
  if (!Array.isArray(list) || list.length === 0) throw new ConfigError(listField, 'must be a non-empty array');
  if (list.length > MAX_TESTS) throw new ConfigError(listField, `must have at most ${MAX_TESTS} tests`);
  if (hasCases) {
    if (entryPoint === undefined) throw new ConfigError(`${field}.entryPoint`, 'is required with cases');
    const tests = list.map((item: unknown, i): SandboxTest => {
      const at = `${listField}[${i}]`;
      if (typeof item !== 'object' || item === null) throw new ConfigError(at, 'must be { args, expected }');
      const c = item as Record<string, unknown>;
      for (const key of Object.keys(c)) {
        if (key !== 'name' && key !== 'args' && key !== 'expected')
          throw new ConfigError(`${at}.${key}`, 'is not a known field');
      }
      if (!Array.isArray(c.args)) throw new ConfigError(`${at}.args`, 'must be an array of arguments');
      checkJson(c.args, `${at}.args`);
      if (!('expected' in c)) throw new ConfigError(`${at}.expected`, 'is required');
      checkJson(c.expected, `${at}.expected`);
      const name = optionalString(c.name, `${at}.name`) ?? `case ${i + 1}`;
      return { kind: 'case', name, argsJson: JSON.stringify(c.args), expected: c.expected as JsonValue };
    });
    return { entryPoint, setup, tests };
  }
  const tests = list.map((item: unknown, i): SandboxTest => {
    const at = `${listField}[${i}]`;
    if (typeof item === 'string') return { kind: 'assertion', name: `test ${i + 1}`, code: item };
    if (typeof item !== 'object' || item === null) throw new ConfigError(at, 'must be a string or { name, code }');
    const a = item as Record<string, unknown>;
    const code = optionalString(a.code, `${at}.code`);
    if (code === undefined || code.trim() === '') throw new ConfigError(`${at}.code`, 'must be non-empty test code');
    return { kind: 'assertion', name: optionalString(a.name, `${at}.name`) ?? `test ${i + 1}`, code };
  });
  return { entryPoint, setup, tests };
}
