import type { FailureRecord, OutputRecord, SerialisedAttempt, SuccessRecord } from '../output-record.ts';

/** A string that would run script if a report wrote it unescaped. */
export const HOSTILE_TEXT = '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">';

function attempt(overrides: Partial<SerialisedAttempt>): SerialisedAttempt {
  return {
    index: 0,
    tier: 'small',
    tierIndex: 0,
    model: 'small-model',
    kind: 'first',
    outcome: 'accepted',
    candidates: [{ text: 'x', finishReason: 'stop' }],
    selectedCandidate: 0,
    gates: [],
    usage: { inputTokens: 10, outputTokens: 10 },
    costUsd: 0.001,
    estimatedCostUsd: 0.001,
    calls: 1,
    latencyMs: 50,
    startedAt: 0,
    ...overrides,
  };
}

const schemaFail = { name: 'json-schema', status: 'fail', reason: 'schema-invalid', latencyMs: 1 } as const;

function success(id: string, overrides: Partial<SuccessRecord>): SuccessRecord {
  return {
    id,
    ok: true,
    accepted: true,
    outcome: 'accepted',
    tier: 'small',
    model: 'small-model',
    value: {},
    text: '{}',
    costUsd: 0.001,
    topTierCost: { usd: 0.02, estimated: true },
    latencyMs: 100,
    escalations: 0,
    repairs: 0,
    usage: { inputTokens: 10, outputTokens: 10 },
    attempts: [attempt({})],
    ...overrides,
  };
}

/**
 * Records for report tests: answers at each of three tiers, a repair, escalations, a failure, audit data on
 * some records, and hostile strings in an id, a text, a tier name and a gate reason.
 */
export function reportRecords(): OutputRecord[] {
  const records: OutputRecord[] = [];
  for (let i = 0; i < 12; i += 1) records.push(success(`small-${i}`, { latencyMs: 80 + i * 10 }));
  records.push(
    success('repaired', {
      repairs: 1,
      costUsd: 0.002,
      attempts: [
        attempt({ outcome: 'gate-failed', failedGate: 'json-schema', gates: [schemaFail] }),
        attempt({ index: 1, kind: 'repair' }),
      ],
    }),
  );
  for (let i = 0; i < 4; i += 1) {
    records.push(
      success(`medium-${i}`, {
        tier: 'medium',
        escalations: 1,
        costUsd: 0.006,
        latencyMs: 400 + i * 50,
        attempts: [
          attempt({ outcome: 'gate-failed', failedGate: 'json-schema', gates: [schemaFail] }),
          attempt({
            index: 1,
            kind: 'escalation',
            tier: 'medium',
            tierIndex: 1,
            model: 'medium-model',
            costUsd: 0.005,
          }),
        ],
      }),
    );
  }
  records.push(
    success(HOSTILE_TEXT, {
      tier: 'large',
      text: HOSTILE_TEXT,
      escalations: 2,
      costUsd: 0.03,
      topTierCost: { usd: 0.02, estimated: false },
      latencyMs: 2500,
      attempts: [
        attempt({
          outcome: 'gate-failed',
          failedGate: 'totals-add-up',
          gates: [{ name: 'totals-add-up', status: 'fail', reason: HOSTILE_TEXT, latencyMs: 1 }],
        }),
        attempt({
          index: 1,
          kind: 'escalation',
          tier: 'medium',
          tierIndex: 1,
          outcome: 'gate-failed',
          failedGate: 'json-schema',
          gates: [schemaFail],
          costUsd: 0.005,
        }),
        attempt({ index: 2, kind: 'escalation', tier: 'large', tierIndex: 2, model: HOSTILE_TEXT, costUsd: 0.024 }),
      ],
    }),
  );
  const failure: FailureRecord = {
    id: 'exhausted',
    ok: false,
    error: { code: 'CASCADE_EXHAUSTED', message: 'every tier failed' },
    costUsd: 0.03,
    latencyMs: 3000,
    attempts: [
      attempt({ outcome: 'gate-failed', failedGate: 'json-schema', gates: [schemaFail] }),
      attempt({
        index: 1,
        kind: 'escalation',
        tier: 'medium',
        tierIndex: 1,
        outcome: 'gate-failed',
        failedGate: 'json-schema',
        gates: [schemaFail],
        costUsd: 0.005,
      }),
      attempt({
        index: 2,
        kind: 'escalation',
        tier: 'large',
        tierIndex: 2,
        outcome: 'gate-failed',
        failedGate: 'json-schema',
        gates: [schemaFail],
        costUsd: 0.024,
      }),
    ],
  };
  records.push(failure);
  return records.map((record, index) =>
    index % 3 === 0 && record.ok ? ({ ...record, audit: { agreed: index % 9 !== 0 } } as OutputRecord) : record,
  );
}
