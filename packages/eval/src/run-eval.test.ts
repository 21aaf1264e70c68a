import { fileURLToPath } from 'node:url';
import type { RecordedRequest } from '@llm-cascade/provider-replay';
import { loadRecordings } from '@llm-cascade/provider-replay';
import { describe, expect, it } from 'vitest';
import { defineEvalConfig } from './eval-config.ts';
import type { GateStats, TierStats } from './measure-run.ts';
import { runEval } from './run-eval.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./testing/fixtures/${name}`, import.meta.url));
const QA_DATA = fixture('qa-recording.jsonl');
const QA_CONFIG = fixture('qa.config.ts');
const VOTE_DATA = fixture('vote-recording.jsonl');
const VOTE_CONFIG = fixture('vote.config.ts');

const tier = (tiers: readonly TierStats[], name: string) => tiers.find((t) => t.tier === name) as TierStats;
const gate = (gates: readonly GateStats[], tierName: string, name: string) =>
  gates.find((g) => g.tier === tierName && g.gate === name) as GateStats;

// Every figure below is worked out by hand from the fixture (qa-recording.jsonl): small answers cost
// 110e-6 USD (100 + 10 tokens at $1/MTok), large ones 1100e-6 ($10/MTok).
describe('runEval on the qa fixture', () => {
  it('measures the cascade beside the cheapest and strongest tiers alone', async () => {
    const report = await runEval({ data: QA_DATA, config: QA_CONFIG });
    expect(report.name).toBe('qa-fixture');
    expect(report.requests).toBe(6);
    expect(report.scoring).toEqual({ mode: 'auto' });
    expect(report.params).toEqual({ 'confidence.threshold': -0.25 });
    const [cheapest, strongest] = report.baselines;
    // Small alone: Paris, Blue. (normalized), and q6 by its label are right; 5, "The answer is 42", no are wrong.
    expect(cheapest).toMatchObject({ role: 'cheapest', tier: 'small', model: 'small' });
    expect(cheapest?.measures).toMatchObject({ scored: 6, correct: 3, accepted: 3, unanswered: 0 });
    expect(cheapest?.measures.costUsd).toBeCloseTo(660e-6, 12);
    // Large alone: everything but "42.0", which `normalized` does not equate with 42.
    expect(strongest).toMatchObject({ role: 'strongest', tier: 'large' });
    expect(strongest?.measures).toMatchObject({ scored: 6, correct: 5, accepted: 6 });
    expect(strongest?.measures.costUsd).toBeCloseTo(6600e-6, 12);

    expect(report.points).toHaveLength(1);
    const point = report.points[0];
    expect(point?.setting).toEqual({});
    // Threshold -0.25 accepts q1, q3, q5 on small and escalates q2, q4, q6 to large.
    expect(point?.measures).toMatchObject({ requests: 6, scored: 6, correct: 4, accepted: 6 });
    expect(point?.measures.accuracy).toBeCloseTo(4 / 6, 12);
    expect(point?.measures.costUsd).toBeCloseTo(6 * 110e-6 + 3 * 1100e-6, 12);
    expect(point?.measures.costPerRequestUsd).toBeCloseTo((6 * 110e-6 + 3 * 1100e-6) / 6, 12);
    expect(point?.relativeCost).toBeCloseTo(3960 / 6600, 12);
    expect(point?.pareto).toBe(true);
  });

  it('reports the escalation rate of each tier and the pass rate of each gate', async () => {
    const report = await runEval({ data: QA_DATA, config: QA_CONFIG, baselines: false });
    expect(report.baselines).toEqual([]);
    const measures = report.points[0]?.measures;
    if (measures === undefined) throw new Error('one point expected');
    expect(tier(measures.tiers, 'small')).toMatchObject({
      reached: 6,
      answered: 3,
      accepted: 3,
      escalated: 3,
      escalationRate: 0.5,
    });
    expect(tier(measures.tiers, 'small').costUsd).toBeCloseTo(660e-6, 12);
    expect(tier(measures.tiers, 'large')).toMatchObject({ reached: 3, answered: 3, escalated: 0, escalationRate: 0 });
    expect(gate(measures.gates, 'small', 'logprob')).toMatchObject({
      evaluated: 6,
      passed: 3,
      failed: 3,
      skipped: 0,
      passRate: 0.5,
      failReasons: [{ reason: 'low-confidence', count: 3 }],
    });
    // The built-in gates ran first on every attempt; the large tier has no logprob gate.
    expect(gate(measures.gates, 'small', 'non-empty')).toMatchObject({ evaluated: 6, passRate: 1 });
    expect(gate(measures.gates, 'large', 'refusal')).toMatchObject({ evaluated: 3, passed: 3 });
    expect(gate(measures.gates, 'large', 'logprob')).toBeUndefined();
  });

  it('scores by each mode', async () => {
    const accuracy = async (mode: 'exact' | 'normalized' | 'numeric' | 'label') => {
      const report = await runEval({ data: QA_DATA, config: QA_CONFIG, scoring: mode, baselines: false });
      const m = report.points[0]?.measures;
      return `${m?.correct}/${m?.scored}`;
    };
    // Answers at the default setting: Paris, 4, "Blue.", "42.0", "no", and q6's haiku (labelled, no reference).
    expect(await accuracy('exact')).toBe('2/5');
    expect(await accuracy('normalized')).toBe('3/5');
    expect(await accuracy('numeric')).toBe('2/5');
    expect(await accuracy('label')).toBe('1/1');
  });

  it('sweeps a grid, marks the Pareto points and selects the cheapest setting meeting a target', async () => {
    const report = await runEval({
      data: QA_DATA,
      config: QA_CONFIG,
      sweep: ['confidence.threshold=-1:0:0.25'],
      targetAccuracy: 0.6,
    });
    expect(report.swept).toEqual(['confidence.threshold']);
    expect(report.points.map((p) => p.setting['confidence.threshold'])).toEqual([-1, -0.75, -0.5, -0.25, 0]);
    expect(report.points.map((p) => p.measures.correct)).toEqual([3, 4, 4, 4, 5]);
    const costs = report.points.map((p) => Math.round(p.measures.costUsd * 1e6));
    expect(costs).toEqual([660, 1760, 1760, 3960, 7260]);
    // -0.5 ties -0.75 exactly and is listed once; -0.25 costs more for the same accuracy.
    expect(report.points.map((p) => p.pareto)).toEqual([true, true, false, false, true]);
    expect(report.selection).toMatchObject({ found: true, index: 1, criterion: 'accuracy >= 0.6' });
  });

  it('selects under a cost cap per request or relative to the strongest, and says when nothing qualifies', async () => {
    const sweep = ['confidence.threshold=-1:0:0.25'];
    const perRequest = await runEval({ data: QA_DATA, config: QA_CONFIG, sweep, maxCostUsd: 0.0003 });
    expect(perRequest.selection).toMatchObject({ found: true, index: 1 });
    const relative = await runEval({ data: QA_DATA, config: QA_CONFIG, sweep, maxRelativeCost: 0.5 });
    expect(relative.selection).toMatchObject({ found: true, index: 1 });
    const generous = await runEval({ data: QA_DATA, config: QA_CONFIG, sweep, maxRelativeCost: 1.2 });
    expect(generous.selection).toMatchObject({ found: true, index: 4 });
    const unreachable = await runEval({ data: QA_DATA, config: QA_CONFIG, sweep, targetAccuracy: 0.9 });
    expect(unreachable.selection).toMatchObject({ found: false });
  });

  it('sweeps a two-parameter grid in order', async () => {
    const config = defineEvalConfig({
      params: { a: 1, nested: { b: 2 } },
      prices: { small: { inputPerMTok: 1, outputPerMTok: 1 } },
      cascade: ({ provider, params }) => ({
        tiers: [{ name: `s-${params.a}-${params.nested.b}`, provider, model: 'small' }],
      }),
    });
    const report = await runEval({ data: QA_DATA, config, sweep: ['a=1,2', 'nested.b=5:7:1'], baselines: false });
    expect(report.points.map((p) => p.measures.tiers[0]?.tier)).toEqual([
      's-1-5',
      's-1-6',
      's-1-7',
      's-2-5',
      's-2-6',
      's-2-7',
    ]);
  });

  it('fails on an unknown swept parameter before replaying anything', async () => {
    let built = 0;
    const config = defineEvalConfig({
      params: { threshold: 0 },
      cascade: ({ provider }) => {
        built += 1;
        return { tiers: [{ name: 'small', provider, model: 'small' }] };
      },
    });
    await expect(runEval({ data: QA_DATA, config, sweep: ['treshold=0:1:0.5'] })).rejects.toThrow(
      /unknown parameter 'treshold'; the config's params are: threshold/,
    );
    expect(built).toBe(0);
  });

  it('counts a request the cascade cannot answer as wrong and reports the error', async () => {
    const config = defineEvalConfig({
      cascade: ({ provider }) => ({
        tiers: [{ name: 'missing', provider, model: 'not-recorded', price: { inputPerMTok: 1, outputPerMTok: 1 } }],
      }),
    });
    const report = await runEval({ data: QA_DATA, config, baselines: false });
    const measures = report.points[0]?.measures;
    expect(measures).toMatchObject({ scored: 6, correct: 0, unanswered: 6, accepted: 0, costUsd: 0 });
    expect(measures?.errors[0]?.count).toBe(6);
    expect(measures?.errors[0]?.code).toBe('CASCADE_EXHAUSTED');
    expect(measures?.errors[0]?.example).toMatch(/no generation for model 'not-recorded'/);
  });

  it('takes records and a config object in memory, a limit, and merges lines sharing an id', async () => {
    const records = loadRecordings(QA_DATA).map((entry) => entry.record);
    const first = records[0] as RecordedRequest;
    // The same request recorded twice: a second line adding a candidate to each model.
    const duplicate: RecordedRequest = {
      ...first,
      tiers: { small: first.tiers.small, large: first.tiers.large } as never,
    };
    const report = await runEval({
      data: [...records, duplicate],
      config: (await import(QA_CONFIG)).default,
      limit: 3,
    });
    expect(report.data).toBe('(records)');
    expect(report.requests).toBe(3);
    expect(report.points[0]?.measures.requests).toBe(3);
  });

  it('rejects bad options, naming them', async () => {
    await expect(runEval({ data: QA_DATA, config: QA_CONFIG, concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(runEval({ data: QA_DATA, config: QA_CONFIG, targetAccuracy: 2 })).rejects.toThrow(/targetAccuracy/);
    await expect(runEval({ data: QA_DATA, config: QA_CONFIG, targetAccuracy: 0.5, maxCostUsd: 1 })).rejects.toThrow(
      /at most one of/,
    );
    await expect(runEval({ data: QA_DATA, config: { cascade: 3 } as never })).rejects.toThrow(/config.cascade/);
    await expect(runEval({ data: QA_DATA, config: fixture('missing.config.ts') })).rejects.toThrow(/file not found/);
  });
});

describe('runEval with a mixed-representation vote', () => {
  it('reads the recording labels through provider wrappers and scores the voted answer', async () => {
    const labelled = await runEval({ data: VOTE_DATA, config: VOTE_CONFIG });
    const point = labelled.points[0]?.measures;
    // v1 accepted (5 of 6 agree on A), v2 (3-3 tie) and v3 (no agreement) escalate, v4 accepted on X,
    // which its labels call wrong.
    expect(point).toMatchObject({ scored: 4, correct: 3, accepted: 4 });
    expect(point?.costUsd).toBeCloseTo(4 * 32e-6 + 2 * 400e-6, 12);
    expect(tier(point?.tiers ?? [], 'weak')).toMatchObject({ reached: 4, escalated: 2, escalationRate: 0.5 });
    expect(gate(point?.gates ?? [], 'weak', 'self-consistency')).toMatchObject({
      passed: 2,
      failed: 2,
      failReasons: [{ reason: 'low-agreement', count: 2 }],
    });
    // Exact scoring has no reference for v4, so it is unscored.
    const exact = await runEval({ data: VOTE_DATA, config: VOTE_CONFIG, scoring: 'exact', baselines: false });
    expect(exact.points[0]?.measures).toMatchObject({ scored: 3, correct: 3 });
    // At 0.4 the 3-3 tie passes on the answer seen first (B), which is wrong.
    const loose = await runEval({ data: VOTE_DATA, config: VOTE_CONFIG, sweep: ['vote.threshold=0.4'] });
    expect(loose.points[0]?.measures).toMatchObject({ correct: 2 });
  });
});
