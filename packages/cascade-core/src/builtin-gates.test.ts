import { describe, expect, it } from 'vitest';
import { builtinGates, finishReasonGate, minOutputTokensGate, nonEmptyGate, refusalGate } from './builtin-gates.ts';
import type { Candidate, GateResult } from './contracts.ts';
import { createCascade } from './index.ts';
import { gateContext, scriptedProvider } from './test.ts';

const candidate = (text: string, extra: Partial<Candidate> = {}): Candidate => ({
  text,
  finishReason: 'stop',
  ...extra,
});

async function verdict(gate: ReturnType<typeof nonEmptyGate>, ...candidates: Candidate[]): Promise<GateResult> {
  return gate.evaluate(gateContext({ candidates }));
}

describe('built-in soft-failure gates', () => {
  it('fails empty and whitespace-only output', async () => {
    expect((await verdict(nonEmptyGate(), candidate(' \n\t '))).reason).toBe('empty-output');
    expect((await verdict(nonEmptyGate(), candidate('ok'))).status).toBe('pass');
  });

  it('fails length and content_filter finishes, with feedback only where a repair can help', async () => {
    const truncated = await verdict(finishReasonGate(), candidate('half', { finishReason: 'length' }));
    expect(truncated).toMatchObject({ status: 'fail', reason: 'truncated' });
    expect(truncated.feedback).toMatch(/cut off/);
    const filtered = await verdict(finishReasonGate(), candidate('', { finishReason: 'content_filter' }));
    expect(filtered).toMatchObject({ status: 'fail', reason: 'content-filter' });
    expect(filtered.feedback).toBeUndefined();
  });

  it("fails the provider's refusal field and refusal openings, not refusal words mid-answer", async () => {
    expect((await verdict(refusalGate(), candidate('', { refusal: 'no' }))).reason).toBe('refusal');
    expect((await verdict(refusalGate(), candidate('x', { finishReason: 'refusal' }))).reason).toBe('refusal');
    expect((await verdict(refusalGate(), candidate('  I’m sorry, but I can’t help with that.'))).status).toBe('fail');
    expect((await verdict(refusalGate(), candidate('The answer is 4. I cannot provide more detail.'))).status).toBe(
      'pass',
    );
    expect((await verdict(refusalGate({ phrases: ['computer says no'] }), candidate('Computer says no.'))).status).toBe(
      'fail',
    );
  });

  it('fails fewer output tokens than the minimum', async () => {
    const gate = minOutputTokensGate(5);
    expect((await gate.evaluate(gateContext({ text: 'x', usage: { inputTokens: 1, outputTokens: 0 } }))).reason).toBe(
      'too-few-output-tokens',
    );
    expect((await gate.evaluate(gateContext({ text: 'x', usage: { inputTokens: 1, outputTokens: 5 } }))).status).toBe(
      'pass',
    );
  });

  it('with several samples, fails only when every sample soft-fails', async () => {
    const mixed = await verdict(nonEmptyGate(), candidate(''), candidate('4'), candidate(''));
    expect(mixed).toMatchObject({ status: 'pass', details: { softFailedSamples: 2 } });
    expect((await verdict(nonEmptyGate(), candidate(''), candidate(' '))).status).toBe('fail');
  });

  it('can be turned off one by one or all together', () => {
    expect(builtinGates(undefined).map((g) => g.name)).toEqual([
      'min-output-tokens',
      'non-empty',
      'finish-reason',
      'refusal',
    ]);
    expect(builtinGates({ refusal: false, minOutputTokens: false }).map((g) => g.name)).toEqual([
      'non-empty',
      'finish-reason',
    ]);
    expect(builtinGates(false)).toEqual([]);
  });

  it('escalate soft failures inside a cascade without any user gate', async () => {
    const provider = scriptedProvider({
      script: {
        a: [{ text: '' }],
        b: [{ text: 'partial', finishReason: 'length' }],
        c: [{ text: "I'm sorry, but I can't do that." }],
        d: [{ text: 'x', usage: { outputTokens: 0 } }],
        e: [{ text: 'fine' }],
      },
    });
    const price = { inputPerMTok: 1, outputPerMTok: 1 };
    const cascade = createCascade({
      tiers: ['a', 'b', 'c', 'd', 'e'].map((model) => ({ name: model, provider, model, price, repairs: 0 })),
    });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.attempts.map((a) => a.failedGate)).toEqual([
      'non-empty',
      'finish-reason',
      'refusal',
      'min-output-tokens',
      undefined,
    ]);
    expect(result.text).toBe('fine');
  });
});
