import { describe, expect, it } from 'vitest';
import { roughUsage } from './rough-usage.ts';

describe('roughUsage', () => {
  it('counts about four characters a token, four more per message, and every output', () => {
    const messages = [
      { role: 'system' as const, content: 'abcdefgh' }, // 2 + 4
      { role: 'user' as const, content: 'abcde' }, // 2 + 4
    ];
    expect(roughUsage({ messages, outputs: ['abcd', 'abcdefghi'] })).toEqual({ inputTokens: 12, outputTokens: 4 });
  });

  it('gives an empty text one token, so no answer is ever free', () => {
    expect(roughUsage({ messages: [{ role: 'user', content: '' }], outputs: [''] })).toEqual({
      inputTokens: 5,
      outputTokens: 1,
    });
  });
});
