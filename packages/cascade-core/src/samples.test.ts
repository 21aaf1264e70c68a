import { describe, expect, it } from 'vitest';
import type { Candidate } from './contracts.ts';
import { createCascade } from './index.ts';
import { scriptedGate, scriptedProvider } from './test.ts';

const price = { inputPerMTok: 1, outputPerMTok: 1 };
const pass = { status: 'pass', reason: 'ok' } as const;

describe('samples', () => {
  it('asks a provider that can do n for k candidates in one call', async () => {
    const provider = scriptedProvider({ script: [{ candidates: ['a', 'b', 'c'] }] });
    const gate = scriptedGate({ name: 'vote', requires: { samples: 3 }, results: [pass] });
    const cascade = createCascade({ tiers: [{ name: 't', provider, model: 'm', price }], gates: [gate] });
    const result = await cascade.run({ prompt: 'hi' });
    expect(provider.calls).toHaveLength(1);
    expect(provider.calls[0]?.options.samples).toBe(3);
    expect(gate.contexts[0]?.candidates.map((c) => c.text)).toEqual(['a', 'b', 'c']);
    expect(result.attempts[0]?.calls).toBe(1);
  });

  it('makes k calls through the tier limiter when the provider cannot do n', async () => {
    const provider = scriptedProvider({
      script: (call) => ({ text: `s${call.index}`, delayMs: 5 }),
      capabilities: { multipleSamples: false },
    });
    const gate = scriptedGate({ name: 'vote', requires: { samples: 5 }, results: [pass] });
    const cascade = createCascade({
      tiers: [{ name: 't', provider, model: 'm', price, maxConcurrency: 2 }],
      gates: [gate],
    });
    const result = await cascade.run({ prompt: 'hi' });
    expect(provider.calls).toHaveLength(5);
    expect(provider.calls.every((c) => c.options.samples === undefined)).toBe(true);
    expect(provider.maxInFlight).toBe(2);
    expect(result.attempts[0]?.candidates).toHaveLength(5);
    expect(result.attempts[0]?.calls).toBe(5);
    // Each of the five calls bills the prompt's input tokens (ceil(2 bytes / 3) + 4 of role markup).
    expect(result.attempts[0]?.usage.inputTokens).toBe(25);
  });

  it('tops up a provider that ignored n with single calls', async () => {
    const provider = scriptedProvider({ script: [{ candidates: ['a'] }] });
    // The scripted provider honours n; simulate a server that ignores it by answering one candidate only.
    const ignoring = {
      ...provider,
      generate: (request: Parameters<typeof provider.generate>[0], options: Parameters<typeof provider.generate>[1]) =>
        provider.generate(request, { ...options, samples: 1 }),
    };
    const gate = scriptedGate({ name: 'vote', requires: { samples: 3 }, results: [pass] });
    const cascade = createCascade({ tiers: [{ name: 't', provider: ignoring, model: 'm', price }], gates: [gate] });
    const result = await cascade.run({ prompt: 'hi' });
    expect(provider.calls).toHaveLength(3);
    expect(result.attempts[0]?.candidates).toHaveLength(3);
  });

  it('draws one at a time and stops early when the gate says the vote is settled', async () => {
    const provider = scriptedProvider({ script: [{ text: 'same' }], capabilities: { multipleSamples: false } });
    const gate = {
      ...scriptedGate({ name: 'vote', requires: { samples: 5 }, results: [pass] }),
      enoughSamples: (candidates: readonly Candidate[]) => candidates.length >= 3,
    };
    const cascade = createCascade({ tiers: [{ name: 't', provider, model: 'm', price }], gates: [gate] });
    const result = await cascade.run({ prompt: 'hi' });
    expect(provider.calls).toHaveLength(3);
    expect(result.attempts[0]?.samplesSaved).toBe(2);
    expect(result.attempts[0]?.calls).toBe(3);
  });

  it('keeps going with the samples it has when one sample call fails', async () => {
    const provider = scriptedProvider({
      script: (call) => (call.index === 1 ? { error: { status: 500 } } : { text: 'ok' }),
      capabilities: { multipleSamples: false },
    });
    const gate = scriptedGate({ name: 'vote', requires: { samples: 3 }, results: [pass] });
    const cascade = createCascade({ tiers: [{ name: 't', provider, model: 'm', price }], gates: [gate] });
    const result = await cascade.run({ prompt: 'hi' });
    expect(gate.contexts[0]?.candidates).toHaveLength(2);
    // Every call is counted, the failed one too.
    expect(result.attempts[0]?.calls).toBe(3);
    expect(result.attempts[0]?.samplesSaved).toBeUndefined();
  });

  it('asks for logprobs only where a gate needs them and the provider can give them', async () => {
    const withLogprobs = scriptedProvider({ script: [{ text: 'a b', logprobs: -0.1 }] });
    const gate = scriptedGate({ name: 'conf', requires: { logprobs: true }, results: [pass] });
    const cascade = createCascade({ tiers: [{ name: 't', provider: withLogprobs, model: 'm', price }], gates: [gate] });
    await cascade.run({ prompt: 'hi' });
    expect(withLogprobs.calls[0]?.options.logprobs).toBe(true);
    expect(gate.contexts[0]?.candidate.logprobs).toEqual([
      { token: 'a ', logprob: -0.1 },
      { token: 'b', logprob: -0.1 },
    ]);
  });
});
