// Tune space over the Zellinger et al. recordings (`import zellinger`): the nine models are the candidates; a
// gated tier accepts its answer when the recorded confidence, read by the logprob gate as the probability of
// the answer's one logprob entry, reaches the tuned threshold. A gated tier uses the model's plain recorded
// name (billed for the answer and, on TriviaQA, TruthfulQA and GSM8K, the self-verification call behind the
// confidence); the last tier needs no confidence, so it uses `<model>/answer-only` (the answering call alone).
// From the repository root:
//   llm-cascade import zellinger ../shared/data/zellinger_llm_cascades --benchmark medmcqa --output /tmp/medmcqa.jsonl
//   llm-cascade tune --data /tmp/medmcqa.jsonl --config packages/eval/examples/zellinger-space.config.ts \
//     --within 1pt --holdout 0.3 --seed 1 --profile /tmp/medmcqa.profile.json --svg /tmp/medmcqa-tune.svg
import type { TierConfig } from '@llm-cascade/core';
import { answerOnly, defineTuneSpace, ZELLINGER_PRICES } from '@llm-cascade/eval';
import { logprobGate } from '@llm-cascade/gate-logprob';

export const ZELLINGER_MODELS = [
  'llama3.2-1b',
  'llama3.2-3b',
  'llama3.1-8b',
  'llama3.1-70b',
  'llama3.1-405b',
  'qwen2.5-32b-coder-instruct',
  'qwen2.5-72b-instruct',
  'gpt-4o-mini',
  'gpt-4o',
] as const;

export default defineTuneSpace({
  name: 'zellinger (9 models)',
  models: ZELLINGER_MODELS,
  prices: ZELLINGER_PRICES,
  scoring: 'label',
  probeThreshold: 0.5,
  tier: ({ provider, model, threshold }): TierConfig =>
    threshold === undefined
      ? { name: model, provider, model: answerOnly(model), retries: 0, repairs: 0, gates: [] }
      : {
          name: model,
          provider,
          model,
          retries: 0,
          repairs: 0,
          gates: [logprobGate({ measure: 'first-token-probability', threshold })],
        },
});
