import { describe, expect, it } from 'vitest';
import { createCascade } from './index.ts';
import { scriptedGate, scriptedProvider } from './test.ts';

describe('smoke', () => {
  it('escalates through three tiers', async () => {
    const provider = scriptedProvider({ script: { s: [{ text: 'bad' }], m: [{ text: 'bad' }], l: [{ text: 'good' }] } });
    const price = { inputPerMTok: 1, outputPerMTok: 2 };
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 's', price, repairs: 0 },
        { name: 'medium', provider, model: 'm', price, repairs: 0 },
        { name: 'large', provider, model: 'l', price, repairs: 0 },
      ],
      gates: [scriptedGate({ name: 'good', results: (c) => c.candidate.text === 'good' ? { status: 'pass', reason: 'ok' } : { status: 'fail', reason: 'bad' } })],
    });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.tier).toBe('large');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['gate-failed', 'gate-failed', 'accepted']);
    expect(result.escalations).toBe(2);
  });
});
