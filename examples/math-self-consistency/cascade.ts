// The math cascade: each tier answers k times; the answer is trusted only when enough samples agree.
import { type Cascade, createCascade } from '@llm-cascade/core';
import { type OpenaiModels, publishedPrice } from '@llm-cascade/example-support';
import { answerAfterMarker, lastNumber, selfConsistencyGate } from '@llm-cascade/gate-self-consistency';

/** The model behind each tier, live. Offline, the replay server answers under the same names. */
export const MODELS = { small: 'gpt-4.1-nano', large: 'gpt-4.1' } as const;

export const SYSTEM_PROMPT =
  'Solve the math problem. Reason briefly, then end with one line "The answer is N." where N is a number only.';

/** Reads the number after the last "The answer is" (or "Answer:"); a sample without one does not vote. */
const answer = answerAfterMarker({ read: lastNumber() });

/**
 * Builds the cascade. The small tier is sampled 5 times and needs 3 agreeing answers; the large tier is
 * sampled 3 times and needs 2. On OpenAI the k samples come from one call with `n = k`, so the input is
 * billed once. A failed vote escalates (it has no feedback: asking again rarely makes samples agree).
 */
export function buildMathCascade(models: Pick<OpenaiModels, 'openai'>): Cascade<number> {
  return createCascade<number>({
    name: 'math-self-consistency',
    tiers: [
      {
        name: 'small',
        provider: models.openai,
        model: MODELS.small,
        price: publishedPrice(MODELS.small),
        gates: [selfConsistencyGate({ samples: 5, threshold: 0.6, extract: answer })],
      },
      {
        name: 'large',
        provider: models.openai,
        model: MODELS.large,
        price: publishedPrice(MODELS.large),
        gates: [selfConsistencyGate({ samples: 3, threshold: 0.6, extract: answer })],
      },
    ],
  });
}
