/**
 * Replays the MoT-cascade paper's DATE experiment (Yue et al., ICLR 2024) through real cascades: GPT-3.5
 * samples from two prompt variants pooled by `mixedRepresentationProvider` and voted by the gate, GPT-4
 * CoT-SC(3) as the strong tier, costs counted by the engine from recorded token counts. See
 * ../shared/data/mot_cascade/README.md for the data and the paper's rule, which this reproduces:
 * - 7 samples from each of two configs (k = int((20 - 8 * 0.75) / 2)), 14 in all, CoT first then PoT;
 * - accept when the majority answer's count >= threshold * 14, nulls counting in the denominator only,
 *   ties to the answer seen first (Python Counter); otherwise GPT-4 CoT1 with its 3 samples' majority;
 * - averaged over the 8 pairings of runs (cot1 x pot1 and cot2 x pot2, runA and runB each);
 * - cost: each call bills its few-shot prompt and the tokens of its samples, at 2023 prices; relative to
 *   GPT-4 CoT-SC(3) as the repo computes it (its cot1 samples priced once with each CoT prompt, averaged).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CascadeResult,
  createCascade,
  type Generation,
  type Provider,
  type ProviderRequest,
  SPECIFICATION_VERSION,
} from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { mixedRepresentationProvider } from './mixed-representation-provider.ts';
import { normaliseText } from './normalized-text.ts';
import { selfConsistencyGate } from './self-consistency-gate.ts';

const dataDir = process.env.LLM_CASCADE_SHARED_DATA ?? '';
if (dataDir === '')
  console.log('mot-cascade DATE replay skipped: LLM_CASCADE_SHARED_DATA is empty (no ../shared/data)');

interface Run {
  readonly results: readonly (string | null)[];
  readonly join7_tokens: number;
  readonly join_all_tokens: number;
}
interface Row {
  readonly id: string;
  readonly gold: string;
  readonly 'gpt-3.5-turbo': Readonly<Record<string, Run>>;
  readonly 'gpt-4': Readonly<Record<string, Run>>;
}
interface SweepPoint {
  readonly threshold: number;
  readonly acc: number;
  readonly cost_total_usd: number;
  readonly escalation_rate: number;
  readonly cost_rel_gpt4_cot_sc3: number;
}
interface Reference {
  readonly k: number;
  readonly prices_per_1k_tokens: { readonly '4': readonly [number, number]; readonly '3.5': readonly [number, number] };
  readonly gpt4_cot_sc3: { readonly acc: number; readonly cost_total_usd: number };
  readonly mot_1d_vote: readonly SweepPoint[];
  readonly cot_2d_vote: readonly SweepPoint[];
  readonly prompt_tokens: Readonly<Record<string, number>>;
}

const PAIRINGS = {
  mot_1d_vote: [
    ['cot1_runA', 'pot1_runA'],
    ['cot1_runA', 'pot1_runB_t0.4'],
    ['cot1_runB_t0.4', 'pot1_runA'],
    ['cot1_runB_t0.4', 'pot1_runB_t0.4'],
    ['cot2_runA', 'pot2_runA'],
    ['cot2_runA', 'pot2_runB_t0.4'],
    ['cot2_runB_t0.4', 'pot2_runA'],
    ['cot2_runB_t0.4', 'pot2_runB_t0.4'],
  ],
  cot_2d_vote: [
    ['cot1_runA', 'cot2_runA'],
    ['cot1_runA', 'cot2_runB_t0.4'],
    ['cot1_runB_t0.4', 'cot2_runA'],
    ['cot1_runB_t0.4', 'cot2_runB_t0.4'],
  ],
} as const;

/** Serves recorded generations; unlike scriptedProvider it keeps no call log (26,000 runs here). */
function recordedProvider(answer: (request: ProviderRequest) => Generation): Provider {
  return {
    specificationVersion: SPECIFICATION_VERSION,
    id: 'recorded',
    capabilities: { logprobs: false, multipleSamples: true, structuredOutput: false },
    generate: async (request) => answer(request),
  };
}

/** The few-shot prompt a config was sampled with: `cot1_runA` -> `cot1`. */
const promptOf = (config: string) => config.split('_')[0] as string;

/** The variant's transform names the config in the system prompt; the recorded provider reads it back. */
const asConfig =
  (config: string) =>
  (request: ProviderRequest): ProviderRequest => ({
    ...request,
    messages: [{ role: 'system', content: config }, ...request.messages],
  });

describe.skipIf(dataDir === '')('MoT cascade on DATE (GPT-3.5 -> GPT-4), replayed through the gate', () => {
  // A skipped describe still runs its body to collect tests: without the data, collect one skipped test
  // and read nothing.
  if (dataDir === '') {
    it('needs ../shared/data/mot_cascade', () => {});
    return;
  }
  const folder = join(dataDir, 'mot_cascade');
  const rows: Row[] = readFileSync(join(folder, 'date.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Row);
  const reference = JSON.parse(readFileSync(join(folder, 'date_reference_replay.json'), 'utf8')) as Reference;
  const byId = new Map(rows.map((row) => [row.id, row]));
  const k = reference.k;
  const [weakIn, weakOut] = reference.prices_per_1k_tokens['3.5'];
  const [strongIn, strongOut] = reference.prices_per_1k_tokens['4'];
  const tokens = reference.prompt_tokens;
  const rowOf = (request: ProviderRequest) => byId.get(request.requestId ?? '') as Row;

  const weak = recordedProvider((request) => {
    const config = request.messages[0]?.content as string;
    const run = rowOf(request)['gpt-3.5-turbo'][config] as Run;
    return {
      candidates: run.results.slice(0, k).map((answer) => ({ text: answer ?? '', finishReason: 'stop' as const })),
      usage: { inputTokens: tokens[promptOf(config)] as number, outputTokens: run.join7_tokens },
      model: request.model,
    };
  });
  const strong = recordedProvider((request) => {
    const run = rowOf(request)['gpt-4'].cot1 as Run;
    return {
      candidates: run.results.map((answer) => ({ text: answer ?? '', finishReason: 'stop' as const })),
      usage: { inputTokens: tokens.cot1 as number, outputTokens: run.join_all_tokens },
      model: request.model,
    };
  });
  // GPT-4 CoT-SC(3): the majority of its three samples, ties to the first seen, as the repo takes it.
  const strongVote = selfConsistencyGate({ samples: 3, threshold: 0, minVotes: 1, ties: 'first-seen' });

  async function replay(pairings: readonly (readonly [string, string])[], threshold: number) {
    let correct = 0;
    let cost = 0;
    let escalated = 0;
    for (const [first, second] of pairings) {
      const cascade = createCascade({
        builtinGates: {},
        onExhausted: 'best',
        tiers: [
          {
            name: 'gpt-3.5-turbo',
            model: 'gpt-3.5-turbo',
            provider: mixedRepresentationProvider({
              provider: weak,
              variants: [
                { name: first, transform: asConfig(first) },
                { name: second, transform: asConfig(second) },
              ],
            }),
            price: { inputPerMTok: weakIn * 1000, outputPerMTok: weakOut * 1000 },
            retries: 0,
            repairs: 0,
            gates: [selfConsistencyGate({ samples: 2 * k, threshold, minVotes: 1, ties: 'first-seen' })],
          },
          {
            name: 'gpt-4',
            model: 'gpt-4',
            provider: strong,
            price: { inputPerMTok: strongIn * 1000, outputPerMTok: strongOut * 1000 },
            retries: 0,
            repairs: 0,
            gates: [strongVote],
          },
        ],
      });
      const results = await cascade.runMany(
        rows.map((row) => ({ id: row.id, prompt: row.id })),
        { concurrency: 64 },
      );
      results.forEach((item, i) => {
        if (!item.ok) throw item.error;
        const result: CascadeResult = item.result;
        const row = rows[i] as Row;
        cost += result.costUsd;
        if (result.tier === 'gpt-4') escalated += 1;
        if (result.accepted && result.value === normaliseText(row.gold)) correct += 1;
      });
    }
    const runs = rows.length * pairings.length;
    return { acc: correct / runs, costTotal: cost / pairings.length, escalationRate: escalated / runs };
  }

  // The repo's GPT-4 CoT-SC(3) cost: the same cot1 samples priced with the cot1 and the cot2 prompt, averaged.
  const baseline = rows.reduce(
    (sum, row) =>
      sum +
      ((((tokens.cot1 as number) + (tokens.cot2 as number)) / 2) * strongIn +
        (row['gpt-4'].cot1 as Run).join_all_tokens * strongOut) /
        1000,
    0,
  );

  it('has the reference baseline: GPT-4 CoT-SC(3) cost', () => {
    expect(rows.length).toBe(369);
    expect(Math.abs(baseline / reference.gpt4_cot_sc3.cost_total_usd - 1)).toBeLessThan(1e-4);
  });

  for (const method of ['mot_1d_vote', 'cot_2d_vote'] as const) {
    it(`reproduces ${method} accuracy and cost relative to GPT-4 within half a point at every threshold`, async () => {
      const lines = [
        `${method} on DATE (n=${rows.length}, k=${k}+${k}; cost relative to GPT-4 CoT-SC(3) $${baseline.toFixed(4)})`,
        'threshold | acc ours | acc ref  | rel cost ours | rel cost ref | escalated ours | escalated ref',
      ];
      const misses: string[] = [];
      for (const point of reference[method]) {
        const ours = await replay(PAIRINGS[method], point.threshold);
        const rel = ours.costTotal / baseline;
        lines.push(
          [
            point.threshold.toFixed(2).padStart(9),
            ours.acc.toFixed(4).padStart(8),
            point.acc.toFixed(4).padStart(8),
            rel.toFixed(4).padStart(13),
            point.cost_rel_gpt4_cot_sc3.toFixed(4).padStart(12),
            ours.escalationRate.toFixed(4).padStart(14),
            point.escalation_rate.toFixed(4).padStart(13),
          ].join(' | '),
        );
        if (Math.abs(ours.acc - point.acc) > 0.005) misses.push(`t=${point.threshold} acc ${ours.acc} vs ${point.acc}`);
        if (Math.abs(rel - point.cost_rel_gpt4_cot_sc3) > 0.005) {
          misses.push(`t=${point.threshold} rel cost ${rel} vs ${point.cost_rel_gpt4_cot_sc3}`);
        }
      }
      console.log(lines.join('\n'));
      expect(misses).toEqual([]);
    }, 60_000);
  }
});
