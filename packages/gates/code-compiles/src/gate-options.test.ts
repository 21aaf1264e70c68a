import { ConfigError } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { codeCompilesGate } from './code-compiles-gate.ts';
import {
  type CodeCompilesGateOptions,
  DEFAULT_COMPILER_OPTIONS,
  defaultPoolSize,
  resolveGateOptions,
} from './gate-options.ts';

function fieldOf(options: unknown): string | undefined {
  try {
    resolveGateOptions(options as CodeCompilesGateOptions);
    return undefined;
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return error.field;
  }
}

describe('resolveGateOptions', () => {
  it('fills defaults, merges compiler options over them and always turns noEmit on', () => {
    const resolved = resolveGateOptions({ compilerOptions: { strict: false, noEmit: false }, lib: ['es2023', 'dom'] });
    expect(resolved.compilerOptions).toEqual({
      ...DEFAULT_COMPILER_OPTIONS,
      strict: false,
      lib: ['es2023', 'dom'],
      noEmit: true,
    });
    expect(resolved).toMatchObject({
      name: 'code-compiles',
      select: 'first',
      timeoutMs: 5_000,
      maxSourceBytes: 262_144,
      maxNestingDepth: 256,
      compilerMemoryMb: 512,
    });
    expect(resolved.poolSize).toBe(defaultPoolSize());
    expect(defaultPoolSize()).toBeGreaterThanOrEqual(1);
    expect(defaultPoolSize()).toBeLessThanOrEqual(4);
  });

  it.each([
    [{ language: 'rust' }, 'language'],
    [{ name: '' }, 'name'],
    [{ select: 'middle' }, 'select'],
    [{ compilerOptions: [] }, 'compilerOptions'],
    [{ compilerOptions: { target: () => 'es5' } }, 'compilerOptions.target'],
    [{ compilerOptions: { paths: { a: [Number.NaN] } } }, 'compilerOptions.paths.a[0]'],
    [{ lib: 'dom' }, 'lib'],
    [{ declarations: { '../escape.d.ts': '' } }, 'declarations.../escape.d.ts'],
    [{ declarations: { 'globals.ts': '' } }, 'declarations.globals.ts'],
    [{ declarations: { 'globals.d.ts': 1 } }, 'declarations.globals.d.ts'],
    [{ readableDirectories: ['relative/dir'] }, 'readableDirectories[0]'],
    [{ ignoreDiagnosticCodes: ['TS2307'] }, 'ignoreDiagnosticCodes'],
    [{ jsx: 'yes' }, 'jsx'],
    [{ checkJs: 1 }, 'checkJs'],
    [{ sourceType: 'esm' }, 'sourceType'],
    [{ pythonInterpreter: '' }, 'pythonInterpreter'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeoutMs: Number.POSITIVE_INFINITY }, 'timeoutMs'],
    [{ maxSourceBytes: 1.5 }, 'maxSourceBytes'],
    [{ maxNestingDepth: 0 }, 'maxNestingDepth'],
    [{ maxNestingDepth: 5_000 }, 'maxNestingDepth'],
    [{ poolSize: 0 }, 'poolSize'],
    [{ poolSize: 100 }, 'poolSize'],
    [{ workerMemoryMb: 8 }, 'workerMemoryMb'],
    [{ compilerMemoryMb: 16 }, 'compilerMemoryMb'],
    [{ recycleAfterChecks: 0 }, 'recycleAfterChecks'],
    [{ maxDiagnostics: 0 }, 'maxDiagnostics'],
    [{ maxMessageLength: 5 }, 'maxMessageLength'],
    [{ maxFeedbackLength: 10 }, 'maxFeedbackLength'],
    [{ timeout: 1_000 }, 'timeout'],
    [{ compilerMemoryMB: 256 }, 'compilerMemoryMB'],
  ])('rejects %j naming the field %s', (options, field) => {
    expect(fieldOf(options)).toBe(field);
  });

  it('rejects a non-object', () => {
    expect(fieldOf(null)).toBe('options');
  });

  it('validates when the gate is built, before any worker starts', () => {
    expect(() => codeCompilesGate({ poolSize: -1 })).toThrow(/poolSize/);
  });
});
