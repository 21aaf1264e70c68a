import { ConfigError, type ProviderRequest } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { scriptedAnswers } from './scripted-answers.ts';

const items = [
  { id: 'a', answers: { small: ['a1', 'a2'], large: ['a3'] } },
  { id: 'b', answers: { small: ['b1'] } },
] as const;
type Item = (typeof items)[number];
const MODELS = { small: 'small-model', large: 'large-model' } as const;

const call = (requestId: string | undefined, model: string): ProviderRequest => ({
  model,
  messages: [{ role: 'user', content: 'x' }],
  ...(requestId === undefined ? {} : { requestId }),
});

function build() {
  return scriptedAnswers({
    items,
    models: MODELS,
    answers: (item: Item, tier) => (tier in item.answers ? item.answers[tier as keyof Item['answers']] : undefined),
  });
}

describe('scriptedAnswers', () => {
  it("serves each item's answers for a tier in order, telling tiers apart by model", () => {
    const answers = build();
    expect(answers.next(call('a', 'small-model'))).toBe('a1');
    expect(answers.next(call('b', 'small-model'))).toBe('b1');
    expect(answers.next(call('a', 'small-model'))).toBe('a2');
    expect(answers.next(call('a', 'large-model'))).toBe('a3');
    expect(() => answers.assertAllServed()).not.toThrow();
  });

  it('throws for a call the script does not cover', () => {
    const answers = build();
    expect(() => answers.next(call('c', 'small-model'))).toThrow('nothing scripted for c');
    expect(() => answers.next(call(undefined, 'small-model'))).toThrow('nothing scripted for undefined');
    expect(() => answers.next(call('a', 'other-model'))).toThrow('nothing scripted for a');
    expect(() => answers.next(call('b', 'large-model'))).toThrow('script.ts has no answer 1 of large for b');
  });

  it('throws when a tier is asked more often than answers were written', () => {
    const answers = build();
    answers.next(call('b', 'small-model'));
    expect(() => answers.next(call('b', 'small-model'))).toThrow('script.ts has no answer 2 of small for b');
  });

  it('finds an answer that was written but never asked for', () => {
    const answers = build();
    answers.next(call('a', 'small-model'));
    answers.next(call('b', 'small-model'));
    answers.next(call('a', 'large-model'));
    expect(() => answers.assertAllServed()).toThrow('a: small answered 1 of 2');
  });

  it('refuses two tiers on one model, which it could not tell apart', () => {
    expect(() => scriptedAnswers({ items, models: { small: 'm', large: 'm' }, answers: () => undefined })).toThrow(
      ConfigError,
    );
  });
});
