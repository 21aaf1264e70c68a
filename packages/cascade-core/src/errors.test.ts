import { describe, expect, it } from 'vitest';
import {
  AbortError,
  BudgetExceededError,
  CascadeError,
  CascadeExhaustedError,
  ConfigError,
  NoTierAvailableError,
  ProviderError,
} from './errors.ts';

describe('errors', () => {
  it('carry a stable code and keep the cause', () => {
    const cause = new Error('socket hang up');
    const error = new ProviderError('connection failed', {
      kind: 'connection',
      retryable: true,
      cause,
      status: 503,
      retryAfterMs: 10,
    });
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.cause).toBe(cause);
    expect(error).toMatchObject({ kind: 'connection', retryable: true, status: 503, retryAfterMs: 10 });
    expect(new ConfigError('tiers[0].model', 'must be a non-empty string').message).toBe(
      'tiers[0].model: must be a non-empty string',
    );
  });

  it('isInstance narrows by code and rejects look-alikes', () => {
    const exhausted = new CascadeExhaustedError('x', []);
    expect(CascadeError.isInstance(exhausted)).toBe(true);
    expect(CascadeExhaustedError.isInstance(exhausted)).toBe(true);
    expect(ProviderError.isInstance(exhausted)).toBe(false);
    expect(CascadeError.isInstance({ code: 'PROVIDER_ERROR' })).toBe(false);
    expect(CascadeError.isInstance(null)).toBe(false);
    for (const [Class, error] of [
      [AbortError, new AbortError('a')],
      [BudgetExceededError, new BudgetExceededError('b', { attempts: [], budgetUsd: 1, spentUsd: 0 })],
      [NoTierAvailableError, new NoTierAvailableError('n', { attempts: [], skipped: [] })],
      [ConfigError, new ConfigError('f', 'm')],
    ] as const) {
      expect(Class.isInstance(error)).toBe(true);
      expect(ProviderError.isInstance(error)).toBe(false);
    }
  });

  it('isInstance works across two copies of the module, where instanceof fails', async () => {
    // A query string makes the module loader evaluate a second, independent copy of the module.
    const secondCopy: string = './errors.ts?copy';
    const copy = (await import(secondCopy)) as typeof import('./errors.ts');
    expect(copy.ProviderError).not.toBe(ProviderError);
    const foreign = new copy.ProviderError('x', { kind: 'server', retryable: true });
    expect(foreign instanceof ProviderError).toBe(false);
    expect(ProviderError.isInstance(foreign)).toBe(true);
    expect(CascadeError.from(foreign)).toBe(foreign);
  });

  it('from() wraps unknown throws and keeps them as the cause', () => {
    const wrapped = CascadeError.from('a string');
    expect(wrapped.code).toBe('PROVIDER_ERROR');
    expect(wrapped.cause).toBe('a string');
    expect(CascadeError.from(new Error('m'), 'ABORTED').code).toBe('ABORTED');
  });
});
