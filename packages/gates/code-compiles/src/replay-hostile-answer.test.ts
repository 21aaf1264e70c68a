/**
 * End to end over HTTP: the real `openai` client (through provider-openai) reads recorded answers from the
 * replay server, and the gate judges them. The cheap tier's answers are hostile JavaScript: 3,000 nested
 * brackets, then a 30,000-long chain of `!` that overflows the parser's native stack. Before the parser ran
 * in a child process, either answer killed this whole process with SIGSEGV. Now each fails the gate with
 * `too-deep`, the cascade escalates, and the process carries on.
 */
import { createCascade, type Price } from '@llm-cascade/core';
import { openaiProvider } from '@llm-cascade/provider-openai';
import { type ReplayServer, startReplayServer } from '@llm-cascade/provider-replay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCompilesGate } from './code-compiles-gate.ts';
import type { CodeCompilesGateOptions } from './gate-options.ts';

const price: Price = { inputPerMTok: 0.1, outputPerMTok: 0.4 };
const fence = (code: string) => `Here is the function:\n\n\`\`\`js\n${code}\n\`\`\`\n`;
const DEEP_BRACKETS = fence(`export const value = ${'('.repeat(3_000)}1${')'.repeat(3_000)};`);
const DEEP_CHAIN = fence(`export const value = ${'!'.repeat(30_000)}1;`);
const GOOD = fence('export function add(a, b) {\n  return a + b;\n}');
const PROMPT = 'Write add(a, b) in JavaScript.';

describe('a hostile JavaScript answer served over HTTP by the replay server', () => {
  let server: ReplayServer;
  beforeAll(async () => {
    server = await startReplayServer({
      records: [
        {
          id: 'add',
          request: { prompt: PROMPT },
          tiers: {
            small: {
              candidates: [{ text: DEEP_BRACKETS }, { text: DEEP_CHAIN }],
              usage: { inputTokens: 12, outputTokens: 9_000 },
            },
            large: { candidates: [{ text: GOOD }], usage: { inputTokens: 12, outputTokens: 20 } },
          },
        },
      ],
      // The repair gets the recording's next answer: the second hostile one.
      repairs: 'next-candidates',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each<[string, CodeCompilesGateOptions]>([
    ['a JavaScript gate', { language: 'javascript' }],
    ['a gate with no language (the fence decides)', {}],
  ])(
    'fails the gate with too-deep in %s, escalates, and the process lives',
    { timeout: 60_000 },
    async (_, options) => {
      const provider = openaiProvider({ apiKey: 'replay', baseURL: server.baseURL });
      const gate = codeCompilesGate({ poolSize: 1, ...options });
      const cascade = createCascade({
        tiers: [
          { name: 'small', provider, model: 'small', price, repairs: 1 },
          { name: 'large', provider, model: 'large', price },
        ],
        gates: [gate],
      });
      try {
        const result = await cascade.run({ prompt: PROMPT });
        expect(result).toMatchObject({ accepted: true, tier: 'large', repairs: 1, escalations: 1 });
        expect(result.value).toBe('export function add(a, b) {\n  return a + b;\n}');
        expect(result.attempts.map((a) => [a.tier, a.outcome, a.failedGate])).toEqual([
          ['small', 'repaired', 'code-compiles'],
          ['small', 'gate-failed', 'code-compiles'],
          ['large', 'accepted', undefined],
        ]);
        const verdicts = result.attempts.map((a) => a.gates.find((g) => g.name === 'code-compiles'));
        // The first answer: caught by the pre-scan, with feedback the repair carried back over HTTP.
        expect(verdicts[0]).toMatchObject({ status: 'fail', reason: 'too-deep', details: { nestingLimit: 256 } });
        expect(verdicts[0]?.feedback).toMatch(/nests brackets more than 256 levels deep/);
        // The second: no brackets, so the parser process itself overflowed, and only it died.
        expect(verdicts[1]).toMatchObject({ status: 'fail', reason: 'too-deep' });
        expect(verdicts[1]?.details?.message).toMatch(/SIGSEGV/);
        expect(gate.stats.javascript).toMatchObject({ crashes: 1, started: 2 });
        // The replacement parser works.
        expect((await gate.check('export const ok = 1;', { language: 'javascript' })).status).toBe('pass');
      } finally {
        await cascade.close();
      }
    },
  );
});
