// Quickstart: a three-tier cascade with one gate, on the scripted provider (no key, no network).
// The scripted provider plays three models of rising quality; swap it for @llm-cascade/provider-openai
// or @llm-cascade/provider-anthropic to run against real APIs.
import { createCascade, type Gate } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';

const models = scriptedProvider({
  script: {
    'small-model': [{ text: 'Paris is in Italy.' }],
    'medium-model': [{ text: '{"city":"Paris"}' }],
    'large-model': [{ text: '{"city":"Paris","country":"France"}' }],
  },
});

// A gate is a check that returns a verdict; failing it sends the request up the ladder.
const hasCountry: Gate = {
  name: 'has-country',
  evaluate: ({ candidate }) => {
    try {
      const value = JSON.parse(candidate.text) as { country?: unknown };
      return typeof value.country === 'string'
        ? { status: 'pass', reason: 'ok', value }
        : { status: 'fail', reason: 'missing-country' };
    } catch {
      return { status: 'fail', reason: 'not-json' };
    }
  },
};

const cascade = createCascade({
  name: 'quickstart',
  tiers: [
    { name: 'small', provider: models, model: 'small-model', price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
    { name: 'medium', provider: models, model: 'medium-model', price: { inputPerMTok: 0.4, outputPerMTok: 1.6 } },
    { name: 'large', provider: models, model: 'large-model', price: { inputPerMTok: 2.5, outputPerMTok: 10 } },
  ],
  gates: [hasCountry],
});

const result = await cascade.run({ prompt: 'Where is the Eiffel Tower? Answer as JSON with city and country.' });
for (const attempt of result.attempts) {
  const verdict = attempt.failedGate === undefined ? attempt.outcome : `${attempt.outcome} (${attempt.failedGate})`;
  console.log(`${attempt.tier.padEnd(7)} ${verdict.padEnd(28)} $${attempt.costUsd.toFixed(8)}`);
}
console.log(`answer from ${result.tier}:`, result.value);
console.log(
  `cost $${result.costUsd.toFixed(8)}; the top tier alone: $${result.topTierCost.usd.toFixed(8)}` +
    (result.topTierCost.estimated ? ' (estimated)' : ''),
);
