import { AbortError, ConfigError, ProviderError } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { failureRecord, type SuccessRecord, serialiseError, toJsonLine } from './output-record.ts';

describe('output records', () => {
  it('flattens errors to code, message and, where they exist, kind, status and field', () => {
    expect(
      serialiseError(new ProviderError('slow down', { kind: 'rate-limit', retryable: true, status: 429 })),
    ).toEqual({
      code: 'PROVIDER_ERROR',
      message: 'slow down',
      kind: 'rate-limit',
      status: 429,
    });
    expect(serialiseError(new ConfigError('request', 'needs a prompt'))).toEqual({
      code: 'CONFIG_INVALID',
      message: 'request: needs a prompt',
      field: 'request',
    });
    expect(serialiseError('weird')).toEqual({ code: 'UNKNOWN', message: 'weird' });
  });

  it('keeps the attempts an error carries', () => {
    const record = failureRecord('x', new AbortError('stop', { attempts: [] }), 12);
    expect(record).toEqual({
      id: 'x',
      ok: false,
      error: { code: 'ABORTED', message: 'stop' },
      costUsd: 0,
      latencyMs: 12,
      attempts: [],
    });
  });

  it('writes one line even when a gate value cannot be serialised', () => {
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    const record = {
      id: 'c',
      ok: true,
      accepted: true,
      outcome: 'accepted',
      tier: 't',
      model: 'm',
      value: cyclic,
      text: 'x',
      costUsd: 0,
      topTierCost: { usd: 0, estimated: false },
      latencyMs: 1,
      escalations: 0,
      repairs: 0,
      usage: { inputTokens: 1, outputTokens: 1 },
      attempts: [],
    } satisfies SuccessRecord;
    const line = toJsonLine(record);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toMatchObject({ id: 'c', value: '[unserialisable value]' });
    expect(JSON.parse(toJsonLine({ ...record, value: { big: 10n } }))).toMatchObject({ value: { big: '10' } });
  });
});
