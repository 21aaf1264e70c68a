/**
 * A three-tier Anthropic cascade: Haiku first, Sonnet when Haiku's answer fails the gate, Opus last.
 *
 * With ANTHROPIC_API_KEY set, this calls the real Anthropic API (a few cents at most). Without it, it
 * starts the local fake Messages API server from `@llm-cascade/provider-anthropic/test`, which answers
 * from a script (not a model), and says so. Run from the repository root:
 *
 *   node --conditions=source packages/providers/anthropic/examples/basic.ts
 */
import { createCascade, type Gate } from '@llm-cascade/core';
import { anthropicPrices, anthropicProvider } from '@llm-cascade/provider-anthropic';
import { startAnthropicWireServer } from '@llm-cascade/provider-anthropic/test';

const HAIKU = 'claude-haiku-4-5';
const SONNET = 'claude-sonnet-4-20250514';
const OPUS = 'claude-opus-4-5';

const live = (process.env.ANTHROPIC_API_KEY ?? '').length > 0;
const server = live
  ? undefined
  : await startAnthropicWireServer({
      // Scripted so the run shows a repair and an escalation: Haiku keeps spelling the number out.
      script: { [HAIKU]: [{ text: 'forty-two' }], [SONNET]: [{ text: '42' }], [OPUS]: [{ text: '42' }] },
    });
if (server !== undefined) {
  console.log(`ANTHROPIC_API_KEY is not set: using the LOCAL FAKE Anthropic server at ${server.baseURL}`);
  console.log('(scripted answers, not a model; set ANTHROPIC_API_KEY to call the real API)\n');
}

const provider = anthropicProvider(server === undefined ? {} : { apiKey: 'local-fake-key', baseURL: server.baseURL });

/** Passes a reply made of digits only; otherwise asks for a repair with feedback. */
const digitsOnly: Gate<number> = {
  name: 'digits-only',
  evaluate: ({ candidate }) =>
    /^\d+$/.test(candidate.text.trim())
      ? { status: 'pass', reason: 'ok', value: Number(candidate.text.trim()) }
      : { status: 'fail', reason: 'not-digits', feedback: 'Reply with digits only, no words.' },
};

const cascade = createCascade<number>({
  name: 'anthropic-basic',
  tiers: [
    { name: 'haiku', provider, model: HAIKU, maxOutputTokens: 20 },
    { name: 'sonnet', provider, model: SONNET, maxOutputTokens: 20 },
    { name: 'opus', provider, model: OPUS, maxOutputTokens: 20 },
  ],
  gates: [digitsOnly],
});

try {
  const result = await cascade.run({ system: 'Reply with digits only.', prompt: 'What is 6 x 7?' });
  console.log(`answer: ${result.value} (from tier ${result.tier}, model ${result.model})`);
  for (const attempt of result.attempts) {
    const text = JSON.stringify(attempt.candidates[0]?.text ?? '');
    console.log(`  ${attempt.tier.padEnd(6)} ${attempt.kind.padEnd(10)} ${attempt.outcome.padEnd(11)} ${text}`);
  }
  console.log(
    `cost: $${result.costUsd.toFixed(6)} (prices as of ${anthropicPrices.asOf}; check anthropic.com/pricing)`,
  );
  console.log(
    `top tier alone: $${result.topTierCost.usd.toFixed(6)}${result.topTierCost.estimated ? ' (estimated)' : ''}`,
  );
} finally {
  await cascade.close();
  await server?.close();
}
