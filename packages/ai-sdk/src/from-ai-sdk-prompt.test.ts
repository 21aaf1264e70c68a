import { UnsupportedFunctionalityError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { fromAiSdkPrompt } from './from-ai-sdk-prompt.ts';
import { finishReasonFromAiSdk, finishReasonToAiSdk, usageFromAiSdk, usageToAiSdk } from './usage.ts';

describe('fromAiSdkPrompt', () => {
  it('drops reasoning parts of earlier turns with a warning', () => {
    const mapped = fromAiSdkPrompt([
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'thinking' },
          { type: 'text', text: 'a' },
        ],
      },
    ]);
    expect(mapped.messages).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
    ]);
    expect(mapped.warnings).toEqual([expect.objectContaining({ type: 'unsupported', feature: 'reasoning' })]);
  });

  it('rejects a tool call in an assistant turn', () => {
    expect(() =>
      fromAiSdkPrompt([
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: '1', toolName: 'f', input: {} }] },
      ]),
    ).toThrow(UnsupportedFunctionalityError);
  });
});

describe('usage and finish reasons', () => {
  it('maps usage both ways, missing counts as 0', () => {
    const usage = usageFromAiSdk({
      inputTokens: { total: 10, noCache: 4, cacheRead: 5, cacheWrite: 1 },
      outputTokens: { total: undefined, text: undefined, reasoning: undefined },
    });
    expect(usage).toEqual({ inputTokens: 10, outputTokens: 0, cachedInputTokens: 5, cacheWriteInputTokens: 1 });
    expect(usageToAiSdk(usage).inputTokens).toEqual({ total: 10, noCache: 4, cacheRead: 5, cacheWrite: 1 });
  });

  it('maps finish reasons both ways', () => {
    expect(finishReasonFromAiSdk({ unified: 'content-filter', raw: 'x' })).toBe('content_filter');
    expect(finishReasonFromAiSdk({ unified: 'tool-calls', raw: 'x' })).toBe('tool_calls');
    expect(finishReasonFromAiSdk({ unified: 'error', raw: 'x' })).toBe('other');
    expect(finishReasonToAiSdk('refusal')).toEqual({ unified: 'other', raw: 'refusal' });
    expect(finishReasonToAiSdk('length')).toEqual({ unified: 'length', raw: 'length' });
  });
});
