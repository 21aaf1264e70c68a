import { ConfigError, createCascade, type ProviderRequest } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { describe, expect, it } from 'vitest';
import { answerAfterMarker } from './answer-after-marker.ts';
import { candidateVariant } from './candidate-variant.ts';
import { lastNumber } from './last-number.ts';
import { mixedRepresentationProvider, splitSamples } from './mixed-representation-provider.ts';
import { selfConsistencyGate } from './self-consistency-gate.ts';

const price = { inputPerMTok: 1, outputPerMTok: 2 };

function withSystem(system: string) {
  return (request: ProviderRequest): ProviderRequest => ({
    ...request,
    messages: [{ role: 'system', content: system }, ...request.messages.filter((m) => m.role !== 'system')],
  });
}

const cot = {
  name: 'cot',
  transform: withSystem('think step by step'),
  extract: answerAfterMarker({ read: lastNumber() }),
};
const pot = { name: 'pot', transform: withSystem('write a program'), extract: lastNumber() };

/** Answers in each variant's own form; usage is fixed per call so sums are easy to check. */
function variantScript(answers: { cot: readonly string[]; pot: readonly string[] }) {
  return (call: { request: ProviderRequest }) => {
    const system = call.request.messages[0]?.content;
    const isCot = system === 'think step by step';
    return {
      candidates: isCot ? answers.cot : answers.pot,
      usage: { inputTokens: isCot ? 100 : 200, outputTokens: isCot ? 10 : 20 },
    };
  };
}

describe('splitSamples', () => {
  it('splits evenly, earlier variants taking the remainder', () => {
    expect(splitSamples(14, 2)).toEqual([7, 7]);
    expect(splitSamples(5, 2)).toEqual([3, 2]);
    expect(splitSamples(2, 3)).toEqual([1, 1, 0]);
  });
});

describe('mixedRepresentationProvider', () => {
  it('makes one call per variant with n = its share, tags candidates and sums usage', async () => {
    const inner = scriptedProvider({
      script: variantScript({ cot: ['So the answer is 12.', 'The answer is 13'], pot: ['print(12)\n12', '12.0'] }),
    });
    const mixed = mixedRepresentationProvider({ provider: inner, variants: [cot, pot] });
    expect(mixed.capabilities.multipleSamples).toBe(true);
    expect(mixed.id).toBe(inner.id);
    const generation = await mixed.generate(
      { model: 'm', messages: [{ role: 'user', content: 'q' }] },
      { signal: new AbortController().signal, samples: 5 },
    );
    expect(inner.calls.map((c) => [c.request.messages[0]?.content, c.options.samples])).toEqual([
      ['think step by step', 3],
      ['write a program', 2],
    ]);
    expect(generation.candidates.map((c) => candidateVariant(c))).toEqual(['cot', 'cot', 'cot', 'pot', 'pot']);
    expect(generation.usage).toEqual({ inputTokens: 300, outputTokens: 30 });
    expect(candidateVariant({ text: 'x', finishReason: 'stop' })).toBeUndefined();
  });

  it("applies each variant's extractor in the gate and pools the votes", async () => {
    const inner = scriptedProvider({
      script: variantScript({
        cot: ['Step... So the answer is 12.', 'The answer is 12', 'The answer is 11'],
        pot: ['x = 3 * 4\nprint(x)\n12', '12.0'],
      }),
    });
    const cascade = createCascade({
      tiers: [
        {
          name: 'mot',
          provider: mixedRepresentationProvider({ provider: inner, variants: [cot, pot] }),
          model: 'm',
          price,
        },
      ],
      gates: [selfConsistencyGate({ samples: 5, threshold: 0.8 })],
    });
    const result = await cascade.run({ prompt: 'What is 3 * 4?' });
    expect(result).toMatchObject({ accepted: true, value: 12, text: 'Step... So the answer is 12.' });
    const attempt = result.attempts[0];
    expect(attempt?.gates.at(-1)).toMatchObject({ status: 'pass', score: 0.8, details: { votes: 4, clusters: 2 } });
    // Both variant calls are billed: 300 input and 30 output tokens.
    expect(attempt?.usage).toEqual({ inputTokens: 300, outputTokens: 30 });
    expect(attempt?.costUsd).toBeCloseTo((300 * 1 + 30 * 2) / 1e6, 12);
  });

  it('rotates single calls over the variants for a provider without n, with early stopping', async () => {
    const inner = scriptedProvider({
      capabilities: { multipleSamples: false },
      script: variantScript({ cot: ['The answer is 7'], pot: ['7'] }),
    });
    const mixed = mixedRepresentationProvider({ provider: inner, variants: [cot, pot] });
    expect(mixed.capabilities.multipleSamples).toBe(false);
    const cascade = createCascade({
      tiers: [{ name: 'mot', provider: mixed, model: 'm', price }],
      gates: [selfConsistencyGate({ samples: 6, threshold: 0.5 })],
    });
    const result = await cascade.run({ prompt: 'What is 3 + 4?' });
    expect(result).toMatchObject({ accepted: true, value: 7 });
    expect(inner.calls.map((c) => c.request.messages[0]?.content)).toEqual([
      'think step by step',
      'write a program',
      'think step by step',
      'write a program',
    ]);
    // 3 of 6 already meets 0.5, but 3 undrawn samples could still tie it; the 4th vote settles it.
    expect(result.attempts[0]).toMatchObject({
      calls: 4,
      samplesSaved: 2,
      usage: { inputTokens: 600, outputTokens: 60 },
    });
  });

  it('returns the samples of the variants that answered, bills them, and owes the rest to top-up calls', async () => {
    let failPot = true;
    const inner = scriptedProvider({
      script: (call) => {
        const isCot = call.request.messages[0]?.content === 'think step by step';
        if (!isCot && failPot) {
          failPot = false;
          return { error: { status: 500 } };
        }
        return isCot
          ? { candidates: ['The answer is 5'], usage: { inputTokens: 100, outputTokens: 10 } }
          : { candidates: ['5'], usage: { inputTokens: 200, outputTokens: 20 } };
      },
    });
    const cascade = createCascade({
      tiers: [
        {
          name: 'mot',
          provider: mixedRepresentationProvider({ provider: inner, variants: [cot, pot] }),
          model: 'm',
          price,
        },
      ],
      gates: [selfConsistencyGate({ samples: 4, threshold: 1 })],
    });
    const result = await cascade.run({ prompt: 'What is 2 + 3?' });
    // The pot call failed; the engine topped up twice and both went to the owed variant.
    expect(inner.calls.map((c) => [c.request.messages[0]?.content, c.options.samples])).toEqual([
      ['think step by step', 2],
      ['write a program', 2],
      ['write a program', undefined],
      ['write a program', undefined],
    ]);
    expect(result).toMatchObject({ accepted: true, value: 5 });
    expect(result.attempts[0]?.candidates.map((c) => candidateVariant(c))).toEqual(['cot', 'cot', 'pot', 'pot']);
    expect(result.attempts[0]?.usage).toEqual({ inputTokens: 500, outputTokens: 50 });
  });

  it('throws the first error when every variant call fails', async () => {
    const inner = scriptedProvider({ script: [{ error: { status: 429 } }] });
    const mixed = mixedRepresentationProvider({ provider: inner, variants: [cot, pot] });
    await expect(
      mixed.generate(
        { model: 'm', messages: [{ role: 'user', content: 'q' }] },
        { signal: new AbortController().signal, samples: 4 },
      ),
    ).rejects.toMatchObject({ kind: 'rate-limit', retryable: true });
  });

  it('validates its options when built', () => {
    const inner = scriptedProvider({ script: [{ text: 'x' }] });
    const cases: [unknown, string][] = [
      [{ provider: inner, variants: [] }, 'variants'],
      [{ provider: {}, variants: [cot] }, 'provider'],
      [{ provider: inner, variants: [{ name: '', transform: cot.transform }] }, 'variants[0].name'],
      [{ provider: inner, variants: [cot, { ...pot, name: 'cot' }] }, 'variants[1].name'],
      [{ provider: inner, variants: [{ name: 'a' }] }, 'variants[0].transform'],
      [{ provider: inner, variants: [{ ...cot, extract: 'x' }] }, 'variants[0].extract'],
    ];
    for (const [options, field] of cases) {
      expect(() => mixedRepresentationProvider(options as Parameters<typeof mixedRepresentationProvider>[0])).toThrow(
        ConfigError,
      );
      try {
        mixedRepresentationProvider(options as Parameters<typeof mixedRepresentationProvider>[0]);
      } catch (error) {
        expect((error as ConfigError).field).toBe(field);
      }
    }
  });
});
