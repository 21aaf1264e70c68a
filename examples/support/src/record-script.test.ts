import { createCascade, type Gate, type Provider } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { describe, expect, it } from 'vitest';
import { HAND_WRITTEN_NOTE, recordScript } from './record-script.ts';
import { scriptedAnswers } from './scripted-answers.ts';
import { textReplies } from './text-replies.ts';

interface Item {
  readonly id: string;
  readonly question: string;
  readonly reference: string;
  readonly answers: { readonly small: readonly string[]; readonly large?: readonly string[] };
}

const MODELS = { small: 'small-model', large: 'large-model' } as const;

const items: readonly Item[] = [
  { id: 'q1', question: 'Say yes.', reference: 'yes', answers: { small: ['yes'] } },
  { id: 'q2', question: 'Say yes again.', reference: 'yes', answers: { small: ['no', 'nope'], large: ['yes'] } },
];

const saysYes: Gate<string> = {
  name: 'says-yes',
  evaluate: ({ candidate }) =>
    candidate.text === 'yes'
      ? { status: 'pass', reason: 'ok', value: candidate.text }
      : { status: 'fail', reason: 'not-yes', feedback: 'Answer "yes".' },
};

function buildCascade(models: { readonly openai: Provider; readonly anthropic: Provider }) {
  return createCascade<string>({
    tiers: [
      { name: 'small', provider: models.openai, model: MODELS.small, price: { inputPerMTok: 1, outputPerMTok: 1 } },
      { name: 'large', provider: models.anthropic, model: MODELS.large, price: { inputPerMTok: 9, outputPerMTok: 9 } },
    ],
    gates: [saysYes],
    repairPrompt: (feedback) => feedback,
  });
}

const request = (item: Item) => ({ id: item.id, prompt: item.question, temperature: 0 });

describe('recordScript', () => {
  it('records every call the cascade makes, repairs included, one line each with the note and the grading', async () => {
    const answers = scriptedAnswers({ items, models: MODELS, answers: (item, tier) => item.answers[tier] });
    const scripted = scriptedProvider({ whenExhausted: 'error', script: textReplies(answers) });
    const { requests, recording } = await recordScript({
      items,
      request,
      providers: { openai: scripted, anthropic: scripted },
      cascade: buildCascade,
      reference: (item) => item.reference,
      candidate: ({ text }, item) => ({ text, correct: text === item.reference }),
    });
    answers.assertAllServed();

    expect(requests).toBe(
      '{"id":"q1","prompt":"Say yes.","temperature":0}\n{"id":"q2","prompt":"Say yes again.","temperature":0}\n',
    );
    const lines = recording.split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => Object.keys(record))).toEqual(
      Array(4).fill(['id', 'note', 'request', 'reference', 'tiers']),
    );
    expect(records.every((record) => record.note === HAND_WRITTEN_NOTE)).toBe(true);
    expect(records.map((record) => [record.id, record.tiers])).toEqual([
      [
        'q1',
        { 'small-model': { candidates: [{ text: 'yes', correct: true }], usage: { inputTokens: 6, outputTokens: 1 } } },
      ],
      [
        'q2',
        { 'small-model': { candidates: [{ text: 'no', correct: false }], usage: { inputTokens: 8, outputTokens: 1 } } },
      ],
      [
        'q2',
        {
          'small-model': {
            candidates: [{ text: 'nope', correct: false }],
            usage: { inputTokens: 21, outputTokens: 1 },
          },
        },
      ],
      [
        'q2',
        { 'large-model': { candidates: [{ text: 'yes', correct: true }], usage: { inputTokens: 8, outputTokens: 1 } } },
      ],
    ]);
    // The repair's conversation holds the rejected answer and the gate's feedback, as replay must match it.
    expect(records[2]?.request).toEqual({
      messages: [
        { role: 'user', content: 'Say yes again.' },
        { role: 'assistant', content: 'no' },
        { role: 'user', content: 'Answer "yes".' },
      ],
    });
  });

  it('writes no reference key for a recording without one', async () => {
    const answers = scriptedAnswers({ items, models: MODELS, answers: (item, tier) => item.answers[tier] });
    const scripted = scriptedProvider({ whenExhausted: 'error', script: textReplies(answers) });
    const { recording } = await recordScript({
      items: items.slice(0, 1),
      request,
      providers: { openai: scripted, anthropic: scripted },
      cascade: buildCascade,
      candidate: ({ text }) => ({ text }),
    });
    expect(Object.keys(JSON.parse(recording) as object)).toEqual(['id', 'note', 'request', 'tiers']);
  });

  it('wraps each distinct provider in its own recorder and flushes them all', async () => {
    const answers = scriptedAnswers({ items, models: MODELS, answers: (item, tier) => item.answers[tier] });
    const { recording } = await recordScript({
      items,
      request,
      providers: {
        openai: scriptedProvider({ whenExhausted: 'error', script: textReplies(answers) }),
        anthropic: scriptedProvider({
          whenExhausted: 'error',
          script: textReplies(answers),
          capabilities: { logprobs: false },
        }),
      },
      cascade: buildCascade,
      candidate: ({ text }) => ({ text }),
    });
    const models = recording
      .trim()
      .split('\n')
      .map((line) => Object.keys((JSON.parse(line) as { tiers: object }).tiers)[0]);
    expect(models).toEqual(['small-model', 'small-model', 'small-model', 'large-model']);
  });

  it('fails the whole recording on a provider error: a script mistake is not a path to record', async () => {
    const failing = scriptedProvider({ script: [{ error: { status: 400, message: 'the script is wrong' } }] });
    await expect(
      recordScript({
        items: items.slice(0, 1),
        request,
        providers: { openai: failing, anthropic: failing },
        cascade: buildCascade,
        candidate: ({ text }) => ({ text }),
      }),
    ).rejects.toThrow(/^q1: .*the script is wrong/);
  });
});
