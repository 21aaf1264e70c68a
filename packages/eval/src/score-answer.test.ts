import { describe, expect, it } from 'vitest';
import { createScorer, type ScoreInput } from './score-answer.ts';

const input = (text: string | undefined, reference: unknown, label?: boolean): ScoreInput => ({
  text,
  label,
  reference,
  scorable: (reference !== undefined && reference !== null) || label !== undefined,
});

describe('createScorer', () => {
  it('exact compares trimmed text with the reference, numbers as written', () => {
    const score = createScorer({ mode: 'exact' });
    expect(score(input(' Paris\n', 'Paris'))).toEqual({ scored: true, correct: true });
    expect(score(input('paris', 'Paris'))).toEqual({ scored: true, correct: false });
    expect(score(input('42', 42))).toEqual({ scored: true, correct: true });
    expect(score(input('42.0', 42))).toEqual({ scored: true, correct: false });
    // The MoT repo's rule: a date is compared as text, so a missing zero is wrong.
    expect(score(input('5/1/2021', '05/01/2021'))).toEqual({ scored: true, correct: false });
  });

  it('normalized ignores case, whitespace runs, a trailing period and surrounding quotes', () => {
    const score = createScorer({ mode: 'normalized' });
    expect(score(input('  The   Blue Whale. ', 'the blue whale'))).toEqual({ scored: true, correct: true });
    expect(score(input('"Canberra"', 'canberra'))).toEqual({ scored: true, correct: true });
    expect(score(input('Canberra, Australia', 'Canberra'))).toEqual({ scored: true, correct: false });
  });

  it('numeric reads the last number and applies a relative tolerance', () => {
    const score = createScorer({ mode: 'numeric' });
    expect(score(input('so the answer is 1,234.0', 1234))).toEqual({ scored: true, correct: true });
    expect(score(input('#### 18', '18'))).toEqual({ scored: true, correct: true });
    expect(score(input('about 0.3334', 1 / 3))).toEqual({ scored: true, correct: false });
    expect(createScorer({ mode: 'numeric', tolerance: 1e-3 })(input('about 0.3334', 1 / 3))).toEqual({
      scored: true,
      correct: true,
    });
    expect(score(input('no number here', 3))).toEqual({ scored: true, correct: false });
    expect(score(input('3', 'three'))).toEqual({ scored: true, correct: false });
  });

  it('an array reference accepts any of its items; an object reference is compared as sorted JSON', () => {
    expect(createScorer({ mode: 'normalized' })(input('NYC', ['New York', 'nyc']))).toEqual({
      scored: true,
      correct: true,
    });
    const exact = createScorer({ mode: 'exact' });
    expect(exact(input('```json\n{"b": 2, "a": 1}\n```', { a: 1, b: 2 }))).toEqual({ scored: true, correct: true });
    expect(exact(input('{"a": 1}', { a: 1, b: 2 }))).toEqual({ scored: true, correct: false });
  });

  it('label uses the chosen candidate label only; auto prefers the label and falls back to normalized', () => {
    const label = createScorer({ mode: 'label' });
    expect(label(input('anything', undefined, true))).toEqual({ scored: true, correct: true });
    expect(label(input('Paris', 'Paris', false))).toEqual({ scored: true, correct: false });
    expect(label(input('Paris', 'Paris'))).toEqual({ scored: false });
    const auto = createScorer({ mode: 'auto' });
    expect(auto(input('wrong', 'Paris', true))).toEqual({ scored: true, correct: true });
    expect(auto(input('PARIS.', 'Paris'))).toEqual({ scored: true, correct: true });
  });

  it('a scorable request without an answer is wrong; one with nothing to judge against is unscored', () => {
    const score = createScorer({ mode: 'exact' });
    expect(score(input(undefined, 'Paris'))).toEqual({ scored: true, correct: false });
    expect(score({ text: 'x', label: undefined, reference: undefined, scorable: false })).toEqual({ scored: false });
    expect(score({ text: undefined, label: undefined, reference: null, scorable: false })).toEqual({ scored: false });
  });

  it('rejects a bad mode or tolerance when built', () => {
    expect(() => createScorer({ mode: 'fuzzy' as never })).toThrow(/scoring: must be one of/);
    expect(() => createScorer({ mode: 'numeric', tolerance: -1 })).toThrow(/scoring.tolerance/);
  });
});
