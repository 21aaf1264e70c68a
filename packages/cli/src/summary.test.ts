import { describe, expect, it } from 'vitest';
import type { FailureRecord, SerialisedAttempt, SuccessRecord } from './output-record.ts';
import { formatSummary, summarise } from './summary.ts';

function attempt(overrides: Partial<SerialisedAttempt>): SerialisedAttempt {
  return {
    index: 0,
    tier: 'small',
    tierIndex: 0,
    model: 'm',
    kind: 'first',
    outcome: 'accepted',
    candidates: [{ text: 'x', finishReason: 'stop' }],
    selectedCandidate: 0,
    gates: [],
    usage: { inputTokens: 1, outputTokens: 1 },
    costUsd: 0,
    estimatedCostUsd: 0,
    calls: 1,
    latencyMs: 1,
    startedAt: 0,
    ...overrides,
  };
}

function success(id: string, overrides: Partial<SuccessRecord>): SuccessRecord {
  return {
    id,
    ok: true,
    accepted: true,
    outcome: 'accepted',
    tier: 'small',
    model: 'm',
    value: 'v',
    text: 'v',
    costUsd: 0.001,
    topTierCost: { usd: 0.01, estimated: true },
    latencyMs: 100,
    escalations: 0,
    repairs: 0,
    usage: { inputTokens: 1, outputTokens: 1 },
    attempts: [attempt({})],
    ...overrides,
  };
}

describe('summarise', () => {
  it('shares answers per tier, counts gate failures, repairs, escalations and latency percentiles', () => {
    const records = [
      success('a', { latencyMs: 10 }),
      success('b', {
        latencyMs: 20,
        repairs: 1,
        attempts: [attempt({ failedGate: 'schema', outcome: 'repaired' }), attempt({ kind: 'repair' })],
      }),
      success('c', {
        tier: 'large',
        latencyMs: 30,
        costUsd: 0.01,
        topTierCost: { usd: 0.01, estimated: false },
        escalations: 1,
        attempts: [
          attempt({ failedGate: 'schema', outcome: 'gate-failed' }),
          attempt({ tier: 'large', kind: 'escalation' }),
        ],
      }),
      success('d', { latencyMs: 40, accepted: false, outcome: 'exhausted' }),
      {
        id: 'e',
        ok: false,
        error: { code: 'CASCADE_EXHAUSTED', message: 'x' },
        costUsd: 0.02,
        latencyMs: 1000,
        attempts: [
          attempt({ failedGate: 'non-empty', outcome: 'gate-failed' }),
          attempt({ kind: 'escalation', failedGate: 'schema', outcome: 'gate-failed' }),
        ],
      } satisfies FailureRecord,
    ];
    const summary = summarise(records);
    expect(summary.counts).toMatchObject({ processed: 5, accepted: 3, notAccepted: 1, errors: 1, failed: 2 });
    expect(summary.tiers).toEqual({ small: { answered: 2, share: 2 / 3 }, large: { answered: 1, share: 1 / 3 } });
    expect(Object.keys(summary.tiers)).toEqual(['small', 'large']);
    expect(summary.gateFailures).toEqual({ schema: 3, 'non-empty': 1 });
    expect(summary.repairs).toBe(1);
    expect(summary.escalations).toBe(2);
    expect(summary.cost.answeredUsd).toBeCloseTo(0.013, 10);
    expect(summary.cost.failedUsd).toBeCloseTo(0.02, 10);
    expect(summary.cost.topTierUsd).toBeCloseTo(0.04, 10);
    expect(summary.cost.topTierEstimatedUsd).toBeCloseTo(0.03, 10);
    expect(summary.cost.savedShare).toBeCloseTo(1 - 0.013 / 0.04, 10);
    expect(summary.cost.savedShareAllSpend).toBeCloseTo(1 - 0.033 / 0.04, 10);
    // Nearest rank over [10, 20, 30, 40, 1000].
    expect(summary.latencyMs).toEqual({ p50: 30, p95: 1000 });
  });

  it('has no percentiles and no saving for an empty batch', () => {
    const summary = summarise([]);
    expect(summary.latencyMs).toEqual({ p50: undefined, p95: undefined });
    expect(summary.cost.savedShare).toBeUndefined();
    expect(formatSummary(summary)).toContain('done: 0 item(s)');
  });

  it('formats the estimate and the saving', () => {
    const text = formatSummary(summarise([success('a', {})]));
    expect(text).toContain('answered by tier: small 100.0% (1)');
    expect(text).toContain('spent $0.00100 on 1 answered item(s)');
    expect(text).toContain('the top tier alone, on the answered items: $0.0100 ($0.0100 of it estimated');
    expect(text).toContain('90.0% saved against the top tier alone');
    expect(text).toContain('latency p50 100 ms, p95 100 ms');
  });

  it('says why items failed: error codes, the last failed gate and reason, gate failures by reason', () => {
    const failed = (id: string, code: string, attempts: SerialisedAttempt[]): FailureRecord => ({
      id,
      ok: false,
      error: { code, message: 'x' },
      costUsd: 0.002,
      latencyMs: 10,
      attempts,
    });
    const schemaFail = attempt({
      failedGate: 'schema',
      outcome: 'gate-failed',
      gates: [{ name: 'schema', status: 'fail', reason: 'schema-invalid', latencyMs: 0 }],
    });
    const summary = summarise([
      success('a', { attempts: [schemaFail, attempt({ kind: 'repair' })] }),
      failed('b', 'CASCADE_EXHAUSTED', [schemaFail, schemaFail]),
      failed('c', 'CASCADE_EXHAUSTED', [
        attempt({ outcome: 'provider-error', error: { code: 'PROVIDER_ERROR', message: 'x', kind: 'server' } }),
      ]),
      failed('d', 'BUDGET_EXCEEDED', []),
      success('e', { accepted: false, outcome: 'exhausted', attempts: [schemaFail] }),
    ]);
    expect(summary.errorsByCode).toEqual({ CASCADE_EXHAUSTED: 2, BUDGET_EXCEEDED: 1 });
    expect(summary.failureCauses).toEqual({ 'schema: schema-invalid': 2, PROVIDER_ERROR: 1, BUDGET_EXCEEDED: 1 });
    expect(summary.gateFailureReasons).toEqual({ schema: { 'schema-invalid': 4 } });
    const text = formatSummary(summary);
    expect(text).toContain('errors 3 (CASCADE_EXHAUSTED 2, BUDGET_EXCEEDED 1)');
    expect(text).toContain(
      'why items failed (last attempt): schema: schema-invalid 2, PROVIDER_ERROR 1, BUDGET_EXCEEDED 1',
    );
    expect(text).toContain('gate failures: schema 4 (schema-invalid 4)');
  });

  it('says "more" when the cascade cost more than the top tier alone', () => {
    const text = formatSummary(
      summarise([success('a', { costUsd: 0.0105, topTierCost: { usd: 0.01, estimated: false } })]),
    );
    expect(text).toContain('the top tier alone, on the answered items: $0.0100 (measured)');
    expect(text).toContain('5.0% more against the top tier alone');
  });

  it('keeps percentiles for many items in order', () => {
    const records = Array.from({ length: 3000 }, (_, i) => success(String(i), { latencyMs: 3000 - i }));
    expect(summarise(records).latencyMs).toEqual({ p50: 1500, p95: 2850 });
  });
});
