import { type Cascade, createCascade, type Gate } from '@llm-cascade/core';
import { type ScriptStep, scriptedProvider } from '@llm-cascade/core/test';
import { describe, expect, it, vi } from 'vitest';
import { attemptName, failedGateVerdict, failureReason, formatPath, plainStep } from './attempt-path.ts';
import { runRequests } from './run-requests.ts';

// What each request gets from each model, call by call.
const SCRIPT: { [id: string]: { [model: string]: ScriptStep[] } } = {
  ok: { 'small-model': [{ text: 'good' }] },
  repaired: { 'small-model': [{ text: 'bad' }, { text: 'good' }] },
  escalated: { 'small-model': [{ text: 'bad' }, { text: 'bad' }], 'large-model': [{ text: 'good' }] },
  broken: { 'small-model': [{ error: { status: 400, message: 'malformed' } }], 'large-model': [{ text: 'good' }] },
  failed: { 'small-model': [{ text: 'bad' }, { text: 'bad' }], 'large-model': [{ text: 'bad' }] },
};

const isGood: Gate<string> = {
  name: 'is-good',
  evaluate: ({ candidate }) =>
    candidate.text === 'good'
      ? { status: 'pass', reason: 'ok', value: candidate.text }
      : { status: 'fail', reason: 'not-good', feedback: 'Say "good".', details: { firstError: 'E1' } },
};

function buildCascade(): Cascade<string> {
  const served = new Map<string, number>();
  const provider = scriptedProvider({
    script: ({ request }) => {
      const key = `${request.requestId} ${request.model}`;
      const index = served.get(key) ?? 0;
      served.set(key, index + 1);
      const step = SCRIPT[request.requestId ?? '']?.[request.model]?.[index];
      if (step === undefined) throw new Error(`nothing scripted for ${key}`);
      return step;
    },
  });
  return createCascade<string>({
    tiers: [
      { name: 'small', provider, model: 'small-model', price: { inputPerMTok: 1, outputPerMTok: 1 } },
      { name: 'large', provider, model: 'large-model', price: { inputPerMTok: 10, outputPerMTok: 10 }, repairs: 0 },
    ],
    gates: [isGood],
  });
}

const requests = Object.keys(SCRIPT).map((id) => ({ id, prompt: `request ${id}` }));

describe('runRequests', () => {
  it('gives one record per request, in order, a request no tier passes included, and closes everything', async () => {
    const cascade = buildCascade();
    const closeCascade = vi.spyOn(cascade, 'close');
    const models = { close: vi.fn(async () => {}) };
    const { records, durationMs, summary } = await runRequests({ cascade, requests, models });
    expect(records.map((record) => [record.id, record.ok])).toEqual([
      ['ok', true],
      ['repaired', true],
      ['escalated', true],
      ['broken', true],
      ['failed', false],
    ]);
    const failed = records[4];
    expect(failed?.ok === false && failed.error.code).toBe('CASCADE_EXHAUSTED');
    expect(durationMs).toBeGreaterThan(0);
    expect(summary).toContain('accepted 4, not accepted 0, errors 1 (CASCADE_EXHAUSTED 1),');
    expect(summary).toContain('answered by tier: small 50.0% (2), large 50.0% (2)');
    expect(closeCascade).toHaveBeenCalledOnce();
    expect(models.close).toHaveBeenCalledOnce();
  });

  it('rejects on anything but a cascade error, and still closes the cascade and the models', async () => {
    const close = vi.fn(async () => {});
    const broken = { run: async () => Promise.reject(new TypeError('a bug')), close } as unknown as Cascade;
    const models = { close: vi.fn(async () => {}) };
    await expect(runRequests({ cascade: broken, requests: [{ id: 'x', prompt: 'x' }], models })).rejects.toThrow(
      TypeError,
    );
    expect(close).toHaveBeenCalledOnce();
    expect(models.close).toHaveBeenCalledOnce();
  });
});

describe('formatPath and the step helpers', () => {
  it('names each attempt and says why it was not accepted', async () => {
    const { records } = await runRequests({ cascade: buildCascade(), requests, models: { close: async () => {} } });
    expect(records.map((record) => `${record.id}: ${formatPath({ record })}`)).toEqual([
      'ok: small ✓',
      'repaired: small ✗ not-good → repair ✓',
      'escalated: small ✗ not-good → repair ✗ not-good → large ✓',
      'broken: small ✗ bad-request → large ✓',
      'failed: small ✗ not-good → repair ✗ not-good → large ✗ not-good',
    ]);
    const repaired = records[1]?.attempts ?? [];
    expect(repaired.map(attemptName)).toEqual(['small', 'repair']);
    expect(failedGateVerdict(repaired[0] ?? expect.fail())?.details).toEqual({ firstError: 'E1' });
    expect(failedGateVerdict(repaired[1] ?? expect.fail())).toBeUndefined();
    expect(failureReason(records[3]?.attempts[0] ?? expect.fail())).toBe('bad-request');
  });

  it('takes an example step in place of the plain one', async () => {
    const { records } = await runRequests({ cascade: buildCascade(), requests, models: { close: async () => {} } });
    const record = records[2] ?? expect.fail();
    const step = (attempt: Parameters<typeof plainStep>[0]) =>
      `${plainStep(attempt)}${attempt.outcome === 'accepted' ? '' : ` ${String(failedGateVerdict(attempt)?.details?.firstError)}`}`;
    expect(formatPath({ record, step })).toBe('small ✗ not-good E1 → repair ✗ not-good E1 → large ✓');
  });
});
