import { type Candidate, ConfigError, createCascade, type TokenLogprob } from '@llm-cascade/core';
import { gateContext, scriptedProvider } from '@llm-cascade/core/test';
import { describe, expect, it } from 'vitest';
import { logprobGate } from './logprob-gate.ts';
import type { LogprobSpan } from './spans.ts';

const price = { inputPerMTok: 1, outputPerMTok: 2 };

function candidate(tokens: readonly [string, number][]): Candidate {
  const logprobs: TokenLogprob[] = tokens.map(([token, logprob]) => ({ token, logprob }));
  return { text: logprobs.map((t) => t.token).join(''), finishReason: 'stop', logprobs };
}

function evaluate(gate: ReturnType<typeof logprobGate>, entry: Candidate) {
  return gate.evaluate(gateContext({ candidates: [entry] }));
}

describe('logprobGate', () => {
  const answer = candidate([
    ['The', -0.05],
    [' answer', -0.1],
    [' is', -0.05],
    [' 42', -1.2],
  ]);

  it('requires logprobs and gives no feedback', async () => {
    const gate = logprobGate({ measure: 'mean-logprob', threshold: -1 });
    expect(gate.requires).toEqual({ logprobs: true });
    expect(gate.name).toBe('logprob');
    const result = await evaluate(gate, answer);
    expect(result).toMatchObject({ status: 'pass', reason: 'ok', score: -0.35 });
    expect(result.feedback).toBeUndefined();
  });

  it('fails below the threshold with low-confidence and the measure as score', async () => {
    const result = await evaluate(logprobGate({ measure: 'min-logprob', threshold: -1 }), answer);
    expect(result).toMatchObject({ status: 'fail', reason: 'low-confidence', score: -1.2 });
    expect(result.feedback).toBeUndefined();
    expect(result.details).toMatchObject({ measure: 'min-logprob', threshold: -1, tokens: 4, spanTokens: 4 });
  });

  it('passes at exactly the threshold', async () => {
    expect(
      await evaluate(logprobGate({ measure: 'first-token-probability', threshold: Math.exp(-0.05) }), answer),
    ).toMatchObject({
      status: 'pass',
    });
  });

  it('share-below passes when the share is at most the threshold', async () => {
    // One token of four (exp(-1.2) = 0.30) is below 0.5.
    const share = (threshold: number) => logprobGate({ measure: 'share-below', belowProbability: 0.5, threshold });
    expect(await evaluate(share(0.25), answer)).toMatchObject({ status: 'pass', score: 0.25 });
    expect(await evaluate(share(0.2), answer)).toMatchObject({ status: 'fail', reason: 'low-confidence', score: 0.25 });
  });

  it('measures only the chosen span', async () => {
    const json = candidate([
      ['{"', -3],
      ['answer', -3],
      ['":', -3],
      [' "', -3],
      ['Par', -0.1],
      ['is', -0.1],
      ['"}', -3],
    ]);
    const gate = (span: LogprobSpan) => logprobGate({ measure: 'mean-logprob', threshold: -0.5, span });
    expect(await evaluate(gate('json-values'), json)).toMatchObject({ status: 'pass', score: -0.1 });
    expect(await evaluate(gate('all'), json)).toMatchObject({ status: 'fail', reason: 'low-confidence' });
    expect(await evaluate(gate({ type: 'last-tokens', count: 1 }), json)).toMatchObject({ status: 'fail', score: -3 });
    // After the marker: ' "', 'Par', 'is', '"}' (the marker's end is followed by a space, then the quote).
    expect((await evaluate(gate({ type: 'after-marker', marker: 'answer":' }), json)).score).toBeCloseTo(-1.55, 14);
  });

  it('fails with empty-span when the span selects nothing', async () => {
    const result = await evaluate(logprobGate({ measure: 'mean-logprob', threshold: -1, span: 'json-values' }), answer);
    expect(result).toMatchObject({ status: 'fail', reason: 'empty-span' });
    const marker = logprobGate({
      measure: 'mean-logprob',
      threshold: -1,
      span: { type: 'after-marker', marker: /Final:/ },
    });
    expect(await evaluate(marker, answer)).toMatchObject({ status: 'fail', reason: 'empty-span' });
  });

  it('fails with no-logprobs when the candidate has none', async () => {
    const gate = logprobGate({ measure: 'mean-logprob', threshold: -1 });
    expect(await evaluate(gate, { text: 'hello', finishReason: 'stop' })).toMatchObject({
      status: 'fail',
      reason: 'no-logprobs',
    });
    expect(await evaluate(gate, { text: 'hello', finishReason: 'stop', logprobs: [] })).toMatchObject({
      reason: 'no-logprobs',
    });
  });

  it('fails malformed logprobs instead of throwing', async () => {
    const gate = logprobGate({ measure: 'mean-logprob', threshold: -1 });
    const hostile: unknown[] = [
      [{ token: 'a', logprob: Number.NaN }],
      [{ token: 'a', logprob: 0.5 }],
      [{ token: 'a', logprob: '-0.1' }],
      [{ token: 3, logprob: -0.1 }],
      [null],
      'not an array',
    ];
    for (const logprobs of hostile) {
      const result = await evaluate(gate, { text: 'a', finishReason: 'stop', logprobs } as unknown as Candidate);
      expect(result.status).toBe('fail');
      expect(['invalid-logprobs', 'no-logprobs']).toContain(result.reason);
    }
    // A probability-0 token is legal and simply not confident.
    const zero = candidate([['a', Number.NEGATIVE_INFINITY]]);
    expect(await evaluate(gate, zero)).toMatchObject({ status: 'fail', reason: 'low-confidence' });
  });

  it('with calibration, scores the probability of being correct', async () => {
    // P(correct) = logistic(2 + 4 * mean); mean -0.35 gives logistic(0.6) = 0.6457.
    const gate = logprobGate({ measure: 'mean-logprob', threshold: 0.6, calibration: { intercept: 2, slope: 4 } });
    const result = await evaluate(gate, answer);
    expect(result.status).toBe('pass');
    expect(result.score).toBeCloseTo(1 / (1 + Math.exp(-0.6)), 14);
    expect(result.details).toMatchObject({ rawMeasure: -0.35 });
    const strict = logprobGate({ measure: 'mean-logprob', threshold: 0.7, calibration: { intercept: 2, slope: 4 } });
    expect(await evaluate(strict, answer)).toMatchObject({ status: 'fail', reason: 'low-confidence' });
  });

  it('validates options when built, naming the field', () => {
    const field = (options: unknown) => {
      try {
        logprobGate(options as Parameters<typeof logprobGate>[0]);
      } catch (error) {
        return ConfigError.isInstance(error) ? error.field : 'not a ConfigError';
      }
      return 'no error';
    };
    expect(field({ measure: 'mean', threshold: -1 })).toBe('measure');
    expect(field({ measure: 'mean-logprob' })).toBe('threshold');
    expect(field({ measure: 'mean-logprob', threshold: 0.5 })).toBe('threshold');
    expect(field({ measure: 'geometric-mean-probability', threshold: 1.5 })).toBe('threshold');
    expect(field({ measure: 'share-below', threshold: 0.1 })).toBe('belowProbability');
    expect(field({ measure: 'mean-logprob', threshold: -1, belowProbability: 0.5 })).toBe('belowProbability');
    expect(field({ measure: 'mean-logprob', threshold: -1, calibration: { intercept: 1, slope: 1 } })).toBe(
      'threshold',
    );
    expect(field({ measure: 'mean-logprob', threshold: 0.5, calibration: { intercept: 1 } })).toBe('calibration.slope');
    expect(field({ measure: 'mean-logprob', threshold: -1, span: 'last' })).toBe('span');
    expect(field({ measure: 'mean-logprob', threshold: -1, span: { type: 'last-tokens', count: 0 } })).toBe(
      'span.count',
    );
    expect(field({ measure: 'mean-logprob', threshold: -1, span: { type: 'after-marker', marker: '' } })).toBe(
      'span.marker',
    );
    expect(field({ measure: 'mean-logprob', threshold: -1, span: { type: 'middle' } })).toBe('span.type');
    expect(field({ measure: 'mean-logprob', threshold: -1, name: '' })).toBe('name');
    expect(field({ measure: 'mean-logprob', threshold: -1 })).toBe('no error');
  });
});

describe('logprobGate in a cascade', () => {
  it('escalates a low-confidence answer and accepts a confident one', async () => {
    const provider = scriptedProvider({
      script: { small: [{ text: 'Paris is the answer', logprobs: -1.5 }], large: [{ text: 'Paris', logprobs: -0.01 }] },
    });
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 'small', price },
        { name: 'large', provider, model: 'large', price },
      ],
      gates: [logprobGate({ measure: 'mean-logprob', threshold: -0.5 })],
    });
    const result = await cascade.run({ prompt: 'Capital of France?' });
    expect(result.tier).toBe('large');
    expect(result.text).toBe('Paris');
    expect(result.escalations).toBe(1);
    expect(result.repairs).toBe(0); // no feedback, so no repair despite the default repair budget
    const [first, second] = result.attempts;
    expect(first?.outcome).toBe('gate-failed');
    expect(first?.failedGate).toBe('logprob');
    expect(first?.gates.at(-1)).toMatchObject({
      name: 'logprob',
      status: 'fail',
      reason: 'low-confidence',
      score: -1.5,
    });
    expect(second?.gates.at(-1)).toMatchObject({ status: 'pass', reason: 'ok', score: -0.01 });
    // The engine asked the provider for logprobs because the gate requires them.
    expect(provider.calls.every((call) => call.options.logprobs === true)).toBe(true);
  });

  it('is skipped on a tier whose provider cannot return logprobs', async () => {
    const noLogprobs = scriptedProvider({
      id: 'no-logprobs',
      capabilities: { logprobs: false },
      script: [{ text: 'Paris' }],
    });
    const withLogprobs = scriptedProvider({ script: [{ text: 'Paris', logprobs: -0.01 }] });
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider: noLogprobs, model: 'small', price },
        { name: 'large', provider: withLogprobs, model: 'large', price },
      ],
      gates: [logprobGate({ measure: 'mean-logprob', threshold: -0.5 })],
    });
    const result = await cascade.run({ prompt: 'Capital of France?' });
    expect(result.tier).toBe('small');
    const record = result.attempts[0]?.gates.find((g) => g.name === 'logprob');
    expect(record?.status).toBe('skipped');
    expect(record?.reason).toMatch(/requires logprobs/);
    expect(noLogprobs.calls[0]?.options.logprobs).toBeUndefined();
  });

  it('makes a strict cascade fail to build on such a tier', () => {
    const noLogprobs = scriptedProvider({ capabilities: { logprobs: false }, script: [{ text: 'Paris' }] });
    let caught: unknown;
    try {
      createCascade({
        strict: true,
        tiers: [{ name: 'small', provider: noLogprobs, model: 'small', price }],
        gates: [logprobGate({ measure: 'mean-logprob', threshold: -0.5 })],
      });
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    expect((caught as ConfigError).field).toBe('gates[0]');
    expect((caught as ConfigError).message).toMatch(/logprob/);
  });

  it('fails with no-logprobs when a capable tier returns none, and escalates', async () => {
    // The provider claims logprobs but this answer arrives without them (a proxy that drops them, say).
    const provider = scriptedProvider({
      script: {
        small: [{ candidates: [{ text: 'Paris', logprobs: [] }] }],
        large: [{ text: 'Paris', logprobs: -0.01 }],
      },
    });
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 'small', price },
        { name: 'large', provider, model: 'large', price },
      ],
      gates: [logprobGate({ measure: 'mean-logprob', threshold: -0.5 })],
    });
    const result = await cascade.run({ prompt: 'Capital of France?' });
    expect(result.tier).toBe('large');
    expect(result.attempts[0]?.gates.at(-1)).toMatchObject({ status: 'fail', reason: 'no-logprobs' });
  });
});
