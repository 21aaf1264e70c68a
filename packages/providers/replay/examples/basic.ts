/**
 * Serves a small hand-written recording (examples/demo-recording.jsonl, written for this example, not real
 * model output) as a local OpenAI-compatible API, and calls it with the real `openai` client: no network,
 * no key. Then runs a two-tier cascade in process on the same recording.
 *
 * Run from the repository root:  node --conditions=source packages/providers/replay/examples/basic.ts
 */
import { fileURLToPath } from 'node:url';
import { createCascade, type Gate } from '@llm-cascade/core';
import { replayProvider, startReplayServer } from '@llm-cascade/provider-replay';
import { APIError, OpenAI } from 'openai';

const path = fileURLToPath(new URL('./demo-recording.jsonl', import.meta.url));
const system =
  'Classify the support ticket. Reply with JSON only: {"category": "billing" | "bug" | "account" | "other", "urgent": boolean}.';

const server = await startReplayServer({ path });
try {
  const client = new OpenAI({ apiKey: 'replay', baseURL: server.baseURL, maxRetries: 0 });
  console.log(`replay server on ${server.baseURL}, models: ${server.models.join(', ')}`);

  // Matched by request id (a header), two samples with logprobs.
  const completion = await client.chat.completions.create(
    {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'any text: the id decides' }],
      n: 2,
      logprobs: true,
      top_logprobs: 2,
    },
    { headers: { 'x-cascade-request-id': 'ticket-1001' } },
  );
  for (const choice of completion.choices) {
    const urgent = choice.logprobs?.content?.find(
      (token) => token.token.trim() === 'true' || token.token.trim() === 'false',
    );
    console.log(
      `choice ${choice.index}: ${choice.message.content}  (logprob of '${urgent?.token.trim()}': ${urgent?.logprob})`,
    );
  }
  console.log(`usage: ${completion.usage?.prompt_tokens} in, ${completion.usage?.completion_tokens} out`);

  // Matched by the hash of the messages, streamed.
  const stream = await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: 'The app crashes every time I open Settings on my Android 14 phone.' },
    ],
    stream: true,
    stream_options: { include_usage: true },
  });
  let streamed = '';
  for await (const chunk of stream) {
    streamed += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage) console.log(`streamed: ${streamed}  (${chunk.usage.completion_tokens} output tokens)`);
  }

  // Not recorded: a 404 in OpenAI's error shape.
  try {
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Never recorded.' }] });
  } catch (error) {
    if (!(error instanceof APIError)) throw error;
    console.log(`not recorded: ${error.status} ${error.code}`);
  }
} finally {
  await server.close();
}

// The same recording in process: a cascade escalates what the small model got wrong. ticket-1002's first
// mini answer is cut off (finish 'length'); the built-in gate asks for a repair, which was never recorded,
// so replay answers it not-found (the default `repairs: 'not-found'`) and the cascade escalates.
const provider = replayProvider({
  path,
  prices: {
    'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
    'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  },
});
const validJson: Gate = {
  name: 'valid-json',
  evaluate({ candidate }) {
    try {
      return { status: 'pass', reason: 'ok', value: JSON.parse(candidate.text) };
    } catch {
      return { status: 'fail', reason: 'invalid-json' };
    }
  },
};
const cascade = createCascade({
  tiers: [
    { name: 'mini', provider, model: 'gpt-4o-mini' },
    { name: 'large', provider, model: 'gpt-4o' },
  ],
  gates: [validJson],
});
for (const id of ['ticket-1001', 'ticket-1002']) {
  const prompt =
    id === 'ticket-1001'
      ? 'My card was charged twice for order #4471. Please refund one of the charges.'
      : 'The app crashes every time I open Settings on my Android 14 phone.';
  const result = await cascade.run({ id, system, prompt });
  const path = result.attempts.map((attempt) => `${attempt.tier}:${attempt.outcome}`).join(' -> ');
  console.log(`${id}: ${JSON.stringify(result.value)} from ${result.tier} (${path}), $${result.costUsd.toFixed(6)}`);
}
