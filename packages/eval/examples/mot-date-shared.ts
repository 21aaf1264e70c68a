// The MoT-cascade paper's DATE experiment (Yue et al., ICLR 2024) as an evaluation config, for a recording
// made by `import mot <mot_cascade folder> --samples 7`. The weak tier pools 7 samples from each of two
// prompt configs (the recording names them `gpt-3.5-turbo/<config>`) through the self-consistency package's
// mixed-representation provider, and accepts when the majority answer holds at least `vote.threshold` of
// the 14 (failed parses count in the denominator, ties go to the answer seen first, as Python's
// Counter.most_common). Otherwise GPT-4 answers: the majority of its 3 CoT1 samples. Prices are 2023's.
import { ConfigError, type ProviderRequest } from '@llm-cascade/core';
import { defineEvalConfig, type EvalConfig } from '@llm-cascade/eval';
import { mixedRepresentationProvider, selfConsistencyGate } from '@llm-cascade/gate-self-consistency';

/** The pairs of configs whose votes the paper pools, by method; its figures average over the pairs. */
export const MOT_PAIRINGS = {
  // Mixture of thought: CoT and PoT with the same demonstrations, both runs of each.
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
  // One representation, two demonstration sets.
  cot_2d_vote: [
    ['cot1_runA', 'cot2_runA'],
    ['cot1_runA', 'cot2_runB_t0.4'],
    ['cot1_runB_t0.4', 'cot2_runA'],
    ['cot1_runB_t0.4', 'cot2_runB_t0.4'],
  ],
} as const;

export type MotMethod = keyof typeof MOT_PAIRINGS;

/** Samples per config in the paper's cascade: int((20 - 8 * 0.75) / 2). */
export const SAMPLES_PER_CONFIG = 7;

const toModel =
  (config: string) =>
  (request: ProviderRequest): ProviderRequest => ({
    ...request,
    model: `gpt-3.5-turbo/${config}`,
  });

/** The config for one method; `pairing` picks the pair of runs (0 to 7 for MoT, 0 to 3 for CoT-2D). */
export function motDateConfig(method: MotMethod): EvalConfig<{ vote: { threshold: number }; pairing: number }> {
  const pairings = MOT_PAIRINGS[method];
  return defineEvalConfig({
    name: `${method} on DATE`,
    params: { vote: { threshold: 0.65 }, pairing: 0 },
    // The repo's rule is exact string equality against the gold date.
    scoring: 'exact',
    cascade: ({ provider, params }) => {
      const pair = pairings[params.pairing];
      if (pair === undefined) throw new ConfigError('params.pairing', `must be 0 to ${pairings.length - 1}`);
      return {
        name: method,
        onExhausted: 'best',
        tiers: [
          {
            name: 'gpt-3.5-turbo',
            model: 'gpt-3.5-turbo',
            provider: mixedRepresentationProvider({
              provider,
              variants: pair.map((config) => ({ name: config, transform: toModel(config) })),
            }),
            price: { inputPerMTok: 1.5, outputPerMTok: 2 },
            retries: 0,
            repairs: 0,
            gates: [
              selfConsistencyGate({
                samples: 2 * SAMPLES_PER_CONFIG,
                threshold: params.vote.threshold,
                minVotes: 1,
                ties: 'first-seen',
              }),
            ],
          },
          {
            name: 'gpt-4',
            model: 'gpt-4/cot1',
            provider,
            price: { inputPerMTok: 30, outputPerMTok: 60 },
            retries: 0,
            repairs: 0,
            // GPT-4 CoT-SC(3): the majority of its three samples, whatever the agreement.
            gates: [selfConsistencyGate({ samples: 3, threshold: 0, minVotes: 1, ties: 'first-seen' })],
          },
        ],
      };
    },
  });
}
