/**
 * What an extractor makes of one sample: `key` decides which samples agree (equal keys vote together), and
 * `value` is what the gate reports as the voted answer (a number, a parsed object, the normalised text).
 */
export interface Extracted<TValue = unknown> {
  readonly key: string;
  readonly value: TValue;
}

/**
 * Turns a sample's text into its answer. Returns `undefined` when the sample holds no answer: such a sample
 * is a non-vote (it still counts in the agreement's denominator, as a disagreeing sample). An extractor
 * must not throw for bad model output; if it does, the gate counts that sample as a non-vote.
 */
export type AnswerExtractor<TValue = unknown> = (text: string) => Extracted<TValue> | undefined;
