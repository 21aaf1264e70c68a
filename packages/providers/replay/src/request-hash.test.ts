import { describe, expect, it } from 'vitest';
import { hashMessages, hashRequest, requestMessages } from './request-hash.ts';

describe('requestMessages', () => {
  it('orders system, messages, then prompt, as the engine does', () => {
    expect(
      requestMessages({
        system: 'S',
        messages: [
          { role: 'user', content: 'A' },
          { role: 'assistant', content: 'B' },
        ],
        prompt: 'C',
      }),
    ).toEqual([
      { role: 'system', content: 'S' },
      { role: 'user', content: 'A' },
      { role: 'assistant', content: 'B' },
      { role: 'user', content: 'C' },
    ]);
  });
});

describe('hashMessages', () => {
  it('is the first 32 hex digits of SHA-256 over JSON [role, content] pairs (pinned; computed independently in Python)', () => {
    const hash = hashMessages([{ role: 'user', content: 'Capital of France?' }]);
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(hash).toBe('e3852897b282091ddcda1c7fed6be456');
  });

  it('ignores surrounding whitespace, line-end style and Unicode composition', () => {
    const a = hashMessages([{ role: 'user', content: 'Caf\u00e9\nmenu' }]);
    expect(hashMessages([{ role: 'user', content: '  Cafe\u0301\r\nmenu \n' }])).toBe(a);
  });

  it('tells apart roles, contents, order and extra turns', () => {
    const base = hashMessages([{ role: 'user', content: 'hi' }]);
    expect(hashMessages([{ role: 'system', content: 'hi' }])).not.toBe(base);
    expect(hashMessages([{ role: 'user', content: 'hi!' }])).not.toBe(base);
    expect(
      hashMessages([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'yo' },
      ]),
    ).not.toBe(base);
    expect(
      hashMessages([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ]),
    ).not.toBe(
      hashMessages([
        { role: 'user', content: 'b' },
        { role: 'user', content: 'a' },
      ]),
    );
  });

  it('hashes a cascade request by its normalised messages (prompt equals a user message)', () => {
    expect(hashRequest({ system: 'S', prompt: 'Q' })).toBe(
      hashMessages([
        { role: 'system', content: 'S' },
        { role: 'user', content: 'Q' },
      ]),
    );
  });
});
