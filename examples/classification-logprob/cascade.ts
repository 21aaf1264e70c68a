// The ticket classifier: a cheap model's label is accepted only when the model was confident in its tokens;
// an unsure label escalates to Claude, whose API has no logprobs (the gate is reported skipped there).
import { type Cascade, createCascade, type Gate, type GateResult } from '@llm-cascade/core';
import { type Models, publishedPrice } from '@llm-cascade/example-support';
import { logprobGate } from '@llm-cascade/gate-logprob';

/** The model behind each tier, live. Offline, the replay server answers under the same names. */
export const MODELS = { small: 'gpt-4.1-nano', claude: 'claude-haiku-4-5' } as const;

export const LABELS = ['billing', 'bug', 'account', 'feature-request', 'other'] as const;
export type Label = (typeof LABELS)[number];

export const SYSTEM_PROMPT = `Classify the customer support ticket. Reply with exactly one label and nothing else: ${LABELS.join(', ')}.`;

/** Answers with the least likely token below this probability escalate. */
export const MIN_TOKEN_PROBABILITY = 0.75;

/** The cheap check first: the answer must be one of the labels. A stray answer gets one repair. */
export const labelGate: Gate<Label> = {
  name: 'label',
  evaluate({ candidate }): GateResult<Label> {
    const answer = candidate.text.trim().toLowerCase();
    return (LABELS as readonly string[]).includes(answer)
      ? { status: 'pass', reason: 'ok', value: answer as Label }
      : {
          status: 'fail',
          reason: 'not-a-label',
          feedback: `"${candidate.text.trim().slice(0, 80)}" is not one of the labels. Reply with exactly one of: ${LABELS.join(', ')}.`,
        };
  },
};

/**
 * Builds the cascade. The logprob gate takes the smallest token probability of the answer (`min-logprob`:
 * a label split into two tokens is as sure as its weaker half) and fails below 0.75. It gives no feedback,
 * so a low-confidence answer escalates instead of being asked again. On the Claude tier it is `skipped`,
 * never passed silently: build with `strict: true` to refuse such a ladder instead.
 */
export function buildTicketCascade(models: Pick<Models, 'openai' | 'anthropic'>): Cascade<Label> {
  return createCascade<Label>({
    name: 'ticket-classification',
    tiers: [
      { name: 'small', provider: models.openai, model: MODELS.small, price: publishedPrice(MODELS.small) },
      { name: 'claude', provider: models.anthropic, model: MODELS.claude, price: publishedPrice(MODELS.claude) },
    ],
    gates: [labelGate, logprobGate({ measure: 'min-logprob', threshold: Math.log(MIN_TOKEN_PROBABILITY) })],
  });
}
