// Logprob-confidence cascades over the Zellinger et al. recordings (`import zellinger`): each tier but the
// last accepts its answer when the recorded confidence, read by the logprob gate as the probability of the
// answer's (single) logprob entry, reaches its threshold; the last tier answers whatever it says. Scored by
// the recording's own correctness labels (exact letter match or an LLM judge, per benchmark). A threshold
// above 1 turns a tier's acceptance off: it is still called (and paid) but always escalates; a calibration that
// finds no safe threshold should drop the tier instead (see `tune`). Every call is billed: a gated tier uses the
// model's plain recorded name (the answer plus, for TriviaQA, TruthfulQA and GSM8K, the self-verification call
// its confidence took); the last tier takes its answer without a confidence, so it uses `<model>/answer-only`.
import type { Gate, TierConfig } from '@llm-cascade/core';
import { answerOnly, defineEvalConfig, type EvalConfig, ZELLINGER_PRICES } from '@llm-cascade/eval';
import { logprobGate } from '@llm-cascade/gate-logprob';

/** Parameter names of the thresholds, by tier position (`accept.first` gates the first tier). */
export const THRESHOLD_NAMES = ['first', 'second', 'third', 'fourth'] as const;

const neverAccept: Gate = { name: 'logprob', evaluate: () => ({ status: 'fail', reason: 'acceptance-off' }) };

function acceptGate(threshold: number): Gate {
  return threshold > 1 ? neverAccept : logprobGate({ measure: 'first-token-probability', threshold });
}

/** A cascade over the given models, cheapest first; every threshold defaults to 0.9. */
export function zellingerConfig(models: readonly string[]): EvalConfig<{ accept: Record<string, number> }> {
  if (models.length < 2 || models.length > THRESHOLD_NAMES.length + 1) {
    throw new RangeError(`from 2 to ${THRESHOLD_NAMES.length + 1} models, got ${models.length}`);
  }
  const accept: Record<string, number> = {};
  for (const name of THRESHOLD_NAMES.slice(0, models.length - 1)) accept[name] = 0.9;
  return defineEvalConfig({
    name: models.join(' -> '),
    params: { accept },
    prices: ZELLINGER_PRICES,
    scoring: 'label',
    cascade: ({ provider, params, records }) => ({
      name: models.join(' -> '),
      onExhausted: 'best',
      tiers: models.map(
        (model, i): TierConfig => ({
          name: model,
          provider,
          // Recordings imported before the answer-only names existed have only the plain one.
          model:
            i === models.length - 1 && records[0]?.tiers[answerOnly(model)] !== undefined ? answerOnly(model) : model,
          retries: 0,
          repairs: 0,
          gates: i === models.length - 1 ? [] : [acceptGate(params.accept[THRESHOLD_NAMES[i] as string] as number)],
        }),
      ),
    }),
  });
}
