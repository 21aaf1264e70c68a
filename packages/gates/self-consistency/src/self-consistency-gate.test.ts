import { type Candidate, ConfigError, createCascade } from '@llm-cascade/core';
import { gateContext, scriptedProvider } from '@llm-cascade/core/test';
import { describe, expect, it } from 'vitest';
import { lastNumber } from './last-number.ts';
import {
  DEFAULT_MAX_SAMPLE_BYTES,
  type SelfConsistencyGateOptions,
  selfConsistencyGate,
  votesNeeded,
} from './self-consistency-gate.ts';

const price = { inputPerMTok: 1, outputPerMTok: 2 };

function vote<TValue = string>(
  texts: readonly (string | Candidate)[],
  options: SelfConsistencyGateOptions<TValue> = {},
) {
  const gate = selfConsistencyGate<TValue>({ samples: texts.length, ...options });
  return gate.evaluate(gateContext({ candidates: texts }));
}

describe('selfConsistencyGate: the vote', () => {
  it('passes a clear majority with the voted value, agreement score and a representative', async () => {
    const result = await vote(['The answer is 12', 'so 12.', 'I get 11', '12', 'twelve: 12.0'], {
      extract: lastNumber(),
      threshold: 0.6,
    });
    expect(result).toMatchObject({ status: 'pass', reason: 'ok', value: 12, score: 0.8, candidateIndex: 0 });
    expect(result.details).toMatchObject({ votes: 4, samples: 5, drawn: 5, clusters: 2, nonVotes: 0, runnerUp: 1 });
  });

  it('fails low agreement with no feedback, so the cascade escalates', async () => {
    const result = await vote(['1', '2', '3', '1', '4'], { threshold: 0.6 });
    expect(result).toMatchObject({ status: 'fail', reason: 'low-agreement', score: 0.4 });
    expect(result.feedback).toBeUndefined();
    expect(result.value).toBeUndefined();
  });

  it('picks the representative as the first sample of the winning cluster', async () => {
    const result = await vote(['b', 'a', 'A', 'b ', ' a'], { threshold: 0.6 });
    expect(result).toMatchObject({ status: 'pass', value: 'a', candidateIndex: 1 });
  });

  it('counts unextractable samples in the denominator but never as votes', async () => {
    const result = await vote(['no number', 'none', 'x', '7', '7'], { extract: lastNumber(), threshold: 0.4 });
    expect(result).toMatchObject({ status: 'pass', value: 7, score: 0.4 });
    expect(result.details).toMatchObject({ votes: 2, nonVotes: 3, samples: 5 });
    const strict = await vote(['no number', 'none', 'x', '7', '7'], { extract: lastNumber(), threshold: 0.6 });
    expect(strict).toMatchObject({ status: 'fail', reason: 'low-agreement', score: 0.4 });
  });

  it('never lets empty, refused, truncated or filtered samples form the majority', async () => {
    const refusal = "I'm sorry, but I can't help with that.";
    const candidates: Candidate[] = [
      { text: refusal, finishReason: 'stop' },
      { text: refusal, finishReason: 'stop' },
      { text: refusal, finishReason: 'stop' },
      { text: '', finishReason: 'stop' },
      { text: 'Paris', finishReason: 'stop' },
    ];
    expect(await vote(candidates, { threshold: 0.5, minVotes: 1 })).toMatchObject({
      status: 'fail',
      reason: 'low-agreement',
      details: { votes: 1, nonVotes: 4 },
    });
    const flagged: Candidate[] = [
      { text: 'X', finishReason: 'length' },
      { text: 'X', finishReason: 'content_filter' },
      { text: 'X', finishReason: 'refusal' },
      { text: 'X', finishReason: 'stop', refusal: 'no' },
      { text: 'Y', finishReason: 'stop' },
    ];
    expect(await vote(flagged, { threshold: 0.2, minVotes: 1 })).toMatchObject({ status: 'pass', value: 'y' });
    expect(await vote(['', ' ', '\n'], {})).toMatchObject({ status: 'fail', reason: 'no-answers', score: 0 });
  });

  it('lets the refusal check be turned off or given other phrases', async () => {
    const texts = ['Nope, not answering', 'Nope, not answering', 'ok'];
    expect(await vote(texts, { threshold: 0.6 })).toMatchObject({ status: 'pass', value: 'nope, not answering' });
    expect(await vote(texts, { threshold: 0.6, refusalPhrases: ['nope'] })).toMatchObject({ status: 'fail' });
  });

  it('requires minVotes whatever the threshold', async () => {
    const result = await vote(['a', 'b', 'c', 'd', 'e'], { threshold: 0.2, minVotes: 2 });
    expect(result).toMatchObject({ status: 'fail', reason: 'too-few-votes', score: 0.2 });
  });

  it('fails a tie by default and passes the first-seen answer when asked', async () => {
    const texts = ['b', 'a', 'a', 'b', 'c', 'd'];
    expect(await vote(texts, { threshold: 1 / 3 })).toMatchObject({
      status: 'fail',
      reason: 'tie',
      details: { tie: true, votes: 2, runnerUp: 2 },
    });
    expect(await vote(texts, { threshold: 1 / 3, ties: 'first-seen' })).toMatchObject({
      status: 'pass',
      value: 'b',
      candidateIndex: 0,
    });
  });

  it('clusters by a user equivalence greedily against each cluster representative', async () => {
    let calls = 0;
    const close = (a: number, b: number) => {
      calls += 1;
      return Math.abs(a - b) <= 0.05;
    };
    const texts = ['1.00', '1.04', '1.08', '1.04', '2'];
    const result = await vote(texts, { extract: lastNumber(), equivalent: close, threshold: 0.6 });
    // 1.08 is within 0.05 of 1.04 but not of 1.00, the representative: no chaining.
    expect(result).toMatchObject({ status: 'pass', value: 1, details: { votes: 3, clusters: 3 } });
    expect(calls).toBeLessThanOrEqual(6);
  });

  it('survives an extractor or equivalence that throws', async () => {
    const extract = (text: string) => {
      if (text === 'boom') throw new Error('bad output');
      return { key: text, value: text };
    };
    const result = await vote(['boom', 'a', 'a'], { extract, threshold: 0.6 });
    expect(result).toMatchObject({ status: 'pass', value: 'a', details: { extractorErrors: 1, nonVotes: 1 } });
    const throwing = () => {
      throw new Error('nope');
    };
    expect(await vote(['a', 'b', 'b'], { equivalent: throwing, threshold: 0.6 })).toMatchObject({ status: 'pass' });
  });

  it('handles huge and hostile samples under the size cap as ordinary answers', async () => {
    const huge = 'x'.repeat(2_000_000);
    const result = await vote([huge, huge, '\u0000\uffff', 'a'], { threshold: 0.5, maxBytes: 4_000_000 });
    expect(result).toMatchObject({ status: 'pass', score: 0.5 });
    expect(String(result.details?.answer).length).toBeLessThanOrEqual(120);
  });

  it('never reads a sample over the size cap: it does not vote, and the details say why', async () => {
    const huge = 'x'.repeat(DEFAULT_MAX_SAMPLE_BYTES + 1);
    const result = await vote([huge, huge, huge, 'a', 'a'], { threshold: 0.4 });
    expect(result).toMatchObject({
      status: 'pass',
      value: 'a',
      score: 0.4,
      details: { votes: 2, nonVotes: 3, tooLarge: 3, maxBytes: DEFAULT_MAX_SAMPLE_BYTES },
    });
    expect(await vote([huge, huge, huge], {})).toMatchObject({
      status: 'fail',
      reason: 'too-large',
      score: 0,
      details: { tooLarge: 3, nonVotes: 3 },
    });
    // At the cap a sample still votes.
    const atCap = 'y'.repeat(DEFAULT_MAX_SAMPLE_BYTES);
    expect(await vote([atCap, atCap], {})).toMatchObject({ status: 'pass', details: { votes: 2 } });
  });

  it('counts the cap in UTF-8 bytes, and an extractor never sees an oversized sample', async () => {
    const seen: number[] = [];
    const extract = (text: string) => {
      seen.push(text.length);
      return { key: text.slice(0, 1), value: text.slice(0, 1) };
    };
    // 600 characters, 1,200 bytes: over a 1,000-byte cap.
    const accented = '\u00e9'.repeat(600);
    const result = await vote([accented, accented, 'abc', 'abd'], { extract, maxBytes: 1000, threshold: 0.5 });
    expect(result).toMatchObject({ status: 'pass', value: 'a', details: { votes: 2, tooLarge: 2 } });
    expect(seen).toEqual([3, 3]);
  });

  it('the cap also holds while sampling sequentially', () => {
    const gate = selfConsistencyGate({ samples: 3, threshold: 0.6, maxBytes: 10 });
    const long = (letter: string) => ({ text: letter.repeat(11), finishReason: 'stop' as const });
    // Two oversized samples leave one to draw, and 1 vote cannot reach 2 of 3: the fail is settled.
    expect(gate.enoughSamples([long('a'), long('b')], 3)).toBe(true);
    expect(gate.enoughSamples([{ text: 'a', finishReason: 'stop' }, long('b')], 3)).toBe(false);
  });

  it('reads a large vote in slices, letting the event loop run between large samples', async () => {
    const gate = selfConsistencyGate({ samples: 5, threshold: 0.6, extract: lastNumber() });
    const sample = (answer: number) => ({
      text: `${'step '.repeat(20_000)}so ${answer}`,
      finishReason: 'stop' as const,
    });
    const candidates = [sample(7), sample(7), sample(8), sample(7), sample(9)];
    let turns = 0;
    const counter = () => {
      turns += 1;
      if (turns < 100) setImmediate(counter);
    };
    setImmediate(counter);
    const result = await gate.evaluate(gateContext({ candidates }));
    expect(result).toMatchObject({ status: 'pass', value: 7, score: 0.6, candidateIndex: 0 });
    // Five samples of 100 KB: a turn of the event loop between each pair.
    expect(turns).toBeGreaterThanOrEqual(4);
    // The same vote over short samples is synchronous and agrees.
    const small = gate.evaluate(gateContext({ candidates: ['7', '7', '8', '7', '9'] }));
    expect(small).toMatchObject({ status: 'pass', value: 7, score: 0.6, candidateIndex: 0 });
  });

  it('survives an extractor that overflows the stack', async () => {
    const recurse = (depth: number): number => recurse(depth + 1) + 1;
    const overflowing = (text: string) => (text === 'deep' ? { key: String(recurse(0)), value: text } : undefined);
    expect(await vote(['deep', 'deep'], { extract: overflowing, minVotes: 1 })).toMatchObject({
      status: 'fail',
      reason: 'no-answers',
      details: { extractorErrors: 2 },
    });
  });

  it('uses the samples asked for as the denominator when fewer were drawn', async () => {
    const gate = selfConsistencyGate({ samples: 5, threshold: 0.6 });
    const result = await gate.evaluate(gateContext({ candidates: ['a', 'a', 'a'] }));
    expect(result).toMatchObject({ status: 'pass', score: 0.6, details: { samples: 5, drawn: 3 } });
  });

  it('compares agreement exactly at the threshold', () => {
    expect(votesNeeded(0.7, 10, 1)).toBe(7);
    expect(votesNeeded(0.6, 14, 1)).toBe(9);
    expect(votesNeeded(0.65, 14, 1)).toBe(10);
    expect(votesNeeded(1, 14, 1)).toBe(14);
    expect(votesNeeded(0, 3, 1)).toBe(1);
  });

  it('validates options when built, naming the field', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ samples: 1 }, 'samples'],
      [{ samples: 2.5 }, 'samples'],
      [{ threshold: 1.2 }, 'threshold'],
      [{ threshold: Number.NaN }, 'threshold'],
      [{ minVotes: 0 }, 'minVotes'],
      [{ samples: 3, minVotes: 4 }, 'minVotes'],
      [{ extract: 'last' }, 'extract'],
      [{ equivalent: 1 }, 'equivalent'],
      [{ ties: 'random' }, 'ties'],
      [{ refusalPhrases: [''] }, 'refusalPhrases'],
      [{ name: '' }, 'name'],
      [{ maxBytes: 0 }, 'maxBytes'],
      [{ maxBytes: 1.5 }, 'maxBytes'],
      [{ maxBytes: '1mb' }, 'maxBytes'],
    ];
    for (const [options, field] of bad) {
      let error: unknown;
      try {
        selfConsistencyGate(options as Parameters<typeof selfConsistencyGate>[0]);
      } catch (caught) {
        error = caught;
      }
      expect(ConfigError.isInstance(error), field).toBe(true);
      expect((error as ConfigError).field).toBe(field);
    }
  });
});

describe('selfConsistencyGate: enoughSamples', () => {
  const c = (...texts: string[]) => texts.map((text): Candidate => ({ text, finishReason: 'stop' }));

  it('stops once the threshold is reached against the final denominator', () => {
    const gate = selfConsistencyGate({ samples: 5, threshold: 0.6 });
    expect(gate.enoughSamples(c('a', 'a'), 5)).toBe(false);
    expect(gate.enoughSamples(c('a', 'a', 'a'), 5)).toBe(true);
    expect(gate.enoughSamples(c('a', 'b', 'a', 'a'), 5)).toBe(true);
  });

  it('stops once the threshold can no longer be reached', () => {
    const gate = selfConsistencyGate({ samples: 5, threshold: 0.8 });
    expect(gate.enoughSamples(c('a', 'b'), 5)).toBe(false);
    expect(gate.enoughSamples(c('a', 'b', 'c'), 5)).toBe(true);
    expect(gate.enoughSamples(c('', 'b'), 5)).toBe(false);
    expect(gate.enoughSamples(c('', '', 'b'), 5)).toBe(true);
  });

  it('does not stop while a challenger could still tie or overtake the leader', () => {
    const failTies = selfConsistencyGate({ samples: 6, threshold: 1 / 3, minVotes: 1 });
    expect(failTies.enoughSamples(c('a', 'a', 'b'), 6)).toBe(false);
    // b could still reach 3 votes: a 3-3 tie would fail the vote, so it is not settled yet.
    expect(failTies.enoughSamples(c('a', 'a', 'a', 'b'), 6)).toBe(false);
    expect(failTies.enoughSamples(c('a', 'a', 'a', 'a'), 6)).toBe(true);
    const firstSeen = selfConsistencyGate({ samples: 6, threshold: 1 / 3, minVotes: 1, ties: 'first-seen' });
    expect(firstSeen.enoughSamples(c('a', 'a', 'a', 'b'), 6)).toBe(true);
    expect(firstSeen.enoughSamples(c('b', 'a', 'a', 'a'), 6)).toBe(false);
  });

  it('agrees with the full vote: stopping early never changes the verdict or the answer', async () => {
    const alphabet = ['a', 'b', 'c', ''];
    let checked = 0;
    for (const threshold of [0.2, 0.4, 0.5, 0.6, 0.8, 1]) {
      for (const ties of ['fail', 'first-seen'] as const) {
        const gate = selfConsistencyGate({ samples: 5, threshold, minVotes: 1, ties });
        for (let code = 0; code < 4 ** 5; code += 1) {
          const texts = Array.from({ length: 5 }, (_, i) => alphabet[Math.floor(code / 4 ** i) % 4] as string);
          const full = await gate.evaluate(gateContext({ candidates: texts }));
          for (let drawn = 1; drawn < 5; drawn += 1) {
            const prefix = c(...texts.slice(0, drawn));
            if (!gate.enoughSamples(prefix, 5)) continue;
            const early = await gate.evaluate(gateContext({ candidates: prefix }));
            expect([early.status, early.value], `${texts.join('|')} t=${threshold} ${ties} at ${drawn}`).toEqual([
              full.status,
              full.value,
            ]);
            checked += 1;
            break;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('selfConsistencyGate in a cascade', () => {
  it('draws one sample at a time from a provider without n, stops early and reports samplesSaved', async () => {
    const provider = scriptedProvider({
      capabilities: { multipleSamples: false },
      script: { small: [{ text: 'The answer is 12' }, { text: 'so 12' }, { text: '12.' }, { text: '13' }] },
    });
    const cascade = createCascade({
      tiers: [{ name: 'small', provider, model: 'small', price }],
      gates: [selfConsistencyGate({ samples: 5, threshold: 0.6, extract: lastNumber() })],
    });
    const result = await cascade.run({ prompt: 'What is 3 * 4?' });
    expect(result).toMatchObject({ accepted: true, tier: 'small', value: 12, text: 'The answer is 12' });
    const attempt = result.attempts[0];
    expect(attempt?.samplesSaved).toBe(2);
    expect(attempt?.calls).toBe(3);
    expect(provider.calls.length).toBe(3);
    expect(attempt?.gates.at(-1)).toMatchObject({ name: 'self-consistency', status: 'pass', score: 0.6 });
  });

  it('stops as soon as agreement is out of reach and escalates to a tier that agrees', async () => {
    const provider = scriptedProvider({
      capabilities: { multipleSamples: false },
      script: {
        small: [{ text: '1' }, { text: '2' }, { text: '3' }, { text: '4' }],
        large: [{ candidates: ['12', '12', '12', '12', '11'] }],
      },
    });
    const large = scriptedProvider({ script: { large: [{ candidates: ['12', '12', '12', '12', '11'] }] } });
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 'small', price },
        { name: 'large', provider: large, model: 'large', price },
      ],
      gates: [selfConsistencyGate({ samples: 5, threshold: 0.8, extract: lastNumber() })],
    });
    const result = await cascade.run({ prompt: 'What is 3 * 4?' });
    expect(result).toMatchObject({ accepted: true, tier: 'large', value: 12, escalations: 1 });
    const [first, second] = result.attempts;
    // After 1, 2: the leader has 1 and 3 samples remain; 4 of 5 are still reachable. After 3: not.
    expect(first).toMatchObject({ outcome: 'gate-failed', calls: 3, samplesSaved: 2, failedGate: 'self-consistency' });
    expect(provider.calls.length).toBe(3);
    expect(second).toMatchObject({ outcome: 'accepted', calls: 1 });
    expect(large.calls[0]?.options.samples).toBe(5);
  });

  it('draws every sample when the vote stays open to the end', async () => {
    const provider = scriptedProvider({
      capabilities: { multipleSamples: false },
      script: { small: [{ text: 'a' }, { text: 'b' }, { text: 'a' }, { text: 'b' }, { text: 'a' }] },
    });
    const cascade = createCascade({
      tiers: [{ name: 'small', provider, model: 'small', price }],
      gates: [selfConsistencyGate({ samples: 5, threshold: 0.6 })],
    });
    const result = await cascade.run({ prompt: 'a or b?' });
    expect(result.attempts[0]?.samplesSaved).toBeUndefined();
    expect(provider.calls.length).toBe(5);
    expect(result).toMatchObject({ accepted: true, value: 'a', text: 'a' });
  });
});
