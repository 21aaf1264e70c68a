// A three-tier cascade on the openai provider.
//
//   node --conditions=source packages/providers/openai/examples/basic.ts      (from the repository root)
//
// With OPENAI_API_KEY set it calls the real OpenAI API (a few cents at most). Without it, it runs against
// the package's LOCAL FAKE SERVER, which answers from a script: the output then shows the mechanics
// (escalation, a 429 retried after its Retry-After, cost accounting), not what real models say.

import { type CascadeEvent, createCascade, type Gate } from '@llm-cascade/core';
import { openaiProvider } from '@llm-cascade/provider-openai';
import { type OpenAIWireServer, startOpenAIWireServer } from '@llm-cascade/provider-openai/test';

const live = (process.env.OPENAI_API_KEY ?? '').trim() !== '';

let server: OpenAIWireServer | undefined;
if (!live) {
  // The small model answers wrongly, the middle one is rate-limited once and then answers right.
  server = await startOpenAIWireServer({
    script: {
      'gpt-4.1-nano': [{ type: 'completion', text: '{"answer": 41}' }],
      'gpt-4.1-mini': [
        { type: 'error', status: 429, message: 'Rate limit reached', headers: { 'retry-after-ms': '50' } },
        { type: 'completion', text: '{"answer": 42}' },
      ],
      'gpt-4.1': [{ type: 'completion', text: '{"answer": 42}' }],
    },
  });
}

// Live: the key comes from OPENAI_API_KEY. Fake: any key, the local server's URL.
const provider =
  server === undefined ? openaiProvider() : openaiProvider({ apiKey: 'fake-key', baseURL: server.baseURL });

/** Accepts only a JSON answer of 42. A gate returns a result; it never throws on bad model output. */
const answerIs42: Gate = {
  name: 'answer-is-42',
  evaluate: ({ candidate }) => {
    try {
      const parsed: unknown = JSON.parse(candidate.text);
      const answer = (parsed as { answer?: unknown } | null)?.answer;
      return answer === 42
        ? { status: 'pass', reason: 'ok', value: parsed }
        : { status: 'fail', reason: 'wrong-answer', details: { answer: String(answer) } };
    } catch {
      return { status: 'fail', reason: 'not-json' };
    }
  },
};

const cascade = createCascade({
  tiers: [
    // No `price`: the provider knows OpenAI's published prices (check them: see the README).
    { name: 'small', provider, model: 'gpt-4.1-nano', repairs: 0, maxOutputTokens: 50 },
    { name: 'medium', provider, model: 'gpt-4.1-mini', repairs: 0, maxOutputTokens: 50 },
    { name: 'large', provider, model: 'gpt-4.1', repairs: 0, maxOutputTokens: 50 },
  ],
  gates: [answerIs42],
  onEvent: (event: CascadeEvent) => {
    if (event.type === 'escalation')
      console.log(`escalation: ${event.from} -> ${event.to ?? '(none)'} (${event.reason})`);
    if (event.type === 'retry') console.log(`retry on ${event.tier} in ${event.delayMs} ms: ${event.error.message}`);
  },
});

try {
  console.log(
    live ? 'Calling the real OpenAI API.' : `No OPENAI_API_KEY: using the local fake server at ${server?.baseURL}.`,
  );
  const result = await cascade.run({
    system: 'Reply with JSON only, of the form {"answer": <number>}.',
    prompt: 'What is six times seven?',
  });
  console.log(`answered by tier '${result.tier}' (${result.model}): ${result.text}`);
  console.log(`attempts: ${result.attempts.map((a) => `${a.tier}:${a.outcome}`).join(', ')}`);
  console.log(
    `tokens in/out: ${result.usage.inputTokens}/${result.usage.outputTokens}, cost $${result.costUsd.toFixed(6)}`,
  );
} finally {
  await cascade.close();
  await server?.close();
}
