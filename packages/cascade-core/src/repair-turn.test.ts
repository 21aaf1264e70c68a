import { describe, expect, it } from 'vitest';
import type { GateResult } from './contracts.ts';
import { createCascade } from './index.ts';
import {
  cutForRepair,
  REPAIR_ANSWER_MAX_CHARS,
  REPAIR_FEEDBACK_MAX_CHARS,
  REPAIR_OVERSIZED_ANSWER_CHARS,
} from './repair-turn.ts';
import { scriptedGate, scriptedProvider } from './test.ts';

const price = { inputPerMTok: 1, outputPerMTok: 1 };
// The marker a cut adds, at most: its numbers are at most 12 digits with separators.
const MARKER_ROOM = 160;

/** One tier with a repair, whose gate fails the first answer with `failure` and passes the second. */
function repairOnce(firstAnswer: string, failure: GateResult) {
  const provider = scriptedProvider({ script: { m: [{ text: firstAnswer }, { text: 'fixed' }] } });
  const gate = scriptedGate({ name: 'check', results: [failure, { status: 'pass', reason: 'ok' }] });
  const cascade = createCascade({
    tiers: [{ name: 'only', provider, model: 'm', price, repairs: 1 }],
    gates: [gate],
    builtinGates: false,
  });
  return { provider, cascade };
}

describe('the answer a repair sends back', () => {
  it('sends a short head and tail of an answer that failed for its size, never the whole 100 MB', async () => {
    const huge = `{"start": true, "rows": [${'1,'.repeat(50_000_000)}0]}`;
    const { provider, cascade } = repairOnce(huge, {
      status: 'fail',
      reason: 'too-large',
      feedback: 'Your answer is over 1 MiB. Answer with far fewer rows.',
    });
    const result = await cascade.run({ prompt: 'rows please' });
    expect(result.text).toBe('fixed');
    const sent = provider.calls[1]?.request.messages ?? [];
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    const resent = sent[1]?.content ?? '';
    expect(resent.length).toBeLessThanOrEqual(REPAIR_OVERSIZED_ANSWER_CHARS + MARKER_ROOM);
    expect(resent.startsWith('{"start": true, "rows": [1,1,')).toBe(true);
    expect(resent.endsWith('1,0]}')).toBe(true);
    expect(resent).toMatch(
      /\[\.\.\. [\d,]+ of 100,000,028 characters of your previous answer cut here by llm-cascade \.\.\.\]/,
    );
    expect(sent[2]?.content).toContain('Answer with far fewer rows.');
    // The attempt keeps the answer whole: nothing the model produced is dropped.
    expect(result.attempts[0]?.candidates[0]?.text.length).toBe(huge.length);
  });

  it('bounds any answer it re-sends, whatever the gate failed it for', async () => {
    const long = `HEAD${'a'.repeat(1_000_000)}TAIL`;
    const { provider, cascade } = repairOnce(long, {
      status: 'fail',
      reason: 'schema-invalid',
      feedback: 'Missing field "name".',
    });
    await cascade.run({ prompt: 'x' });
    const resent = provider.calls[1]?.request.messages[1]?.content ?? '';
    expect(resent.length).toBeLessThanOrEqual(REPAIR_ANSWER_MAX_CHARS + MARKER_ROOM);
    expect(resent.length).toBeGreaterThan(REPAIR_OVERSIZED_ANSWER_CHARS + MARKER_ROOM);
    expect(resent.startsWith('HEADaaa')).toBe(true);
    expect(resent.endsWith('aaaTAIL')).toBe(true);
    expect(resent).toContain('characters of your previous answer cut here by llm-cascade');
  });

  it('bounds feedback that quotes a huge answer', async () => {
    const { provider, cascade } = repairOnce('short answer', {
      status: 'fail',
      reason: 'schema-invalid',
      feedback: `Bad value: ${'z'.repeat(5_000_000)}`,
    });
    await cascade.run({ prompt: 'x' });
    const prompt = provider.calls[1]?.request.messages[2]?.content ?? '';
    expect(prompt.length).toBeLessThanOrEqual(REPAIR_FEEDBACK_MAX_CHARS + MARKER_ROOM + 200);
    expect(prompt).toContain('characters of the feedback cut here by llm-cascade');
    expect(provider.calls[1]?.request.messages[1]?.content).toBe('short answer');
  });

  it('leaves an answer within the bound as it was', async () => {
    const answer = 'b'.repeat(REPAIR_ANSWER_MAX_CHARS);
    const { provider, cascade } = repairOnce(answer, { status: 'fail', reason: 'schema-invalid', feedback: 'f' });
    await cascade.run({ prompt: 'x' });
    expect(provider.calls[1]?.request.messages[1]?.content).toBe(answer);
  });
});

describe('cutForRepair', () => {
  it('never splits a surrogate pair', () => {
    const emoji = '\u{1F600}'.repeat(1_000);
    for (const max of [9, 10, 11, 100, 101]) {
      const cut = cutForRepair(emoji, max, 'x');
      expect(cut.isWellFormed()).toBe(true);
      expect(cut.replace(/\n\[[^\]]*\]\n/, '').length).toBeLessThanOrEqual(max);
    }
  });

  it('returns a text within the bound unchanged', () => {
    expect(cutForRepair('abc', 3, 'x')).toBe('abc');
  });
});
