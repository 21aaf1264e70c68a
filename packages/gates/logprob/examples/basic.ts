// A cheap model answers first; the logprob gate escalates when the model was unsure of its own tokens.
// Runs offline with a scripted provider: node --conditions=source packages/gates/logprob/examples/basic.ts
import { createCascade } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { logprobGate } from '@llm-cascade/gate-logprob';

const provider = scriptedProvider({
  script: {
    // The small model hesitates on the one token that matters (P(" Sydney") = 0.2).
    'small-model': [
      {
        text: 'The capital of Australia is Sydney.',
        logprobs: [
          { token: 'The', logprob: -0.01 },
          { token: ' capital', logprob: -0.02 },
          { token: ' of', logprob: -0.01 },
          { token: ' Australia', logprob: -0.01 },
          { token: ' is', logprob: -0.05 },
          { token: ' Sydney', logprob: Math.log(0.2) },
          { token: '.', logprob: -0.01 },
        ],
      },
    ],
    // The large model is sure of every token (each whitespace-separated token gets logprob -0.02).
    'large-model': [{ text: 'The capital of Australia is Canberra.', logprobs: -0.02 }],
  },
});

const cascade = createCascade({
  tiers: [
    { name: 'small', provider, model: 'small-model', price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
    { name: 'large', provider, model: 'large-model', price: { inputPerMTok: 2.5, outputPerMTok: 10 } },
  ],
  // Accept only when every token was at least 50% likely.
  gates: [logprobGate({ measure: 'min-logprob', threshold: Math.log(0.5) })],
});

const result = await cascade.run({ prompt: 'What is the capital of Australia?' });
for (const attempt of result.attempts) {
  const gate = attempt.gates.find((g) => g.name === 'logprob');
  console.log(
    `${attempt.tier}: ${attempt.outcome} (logprob gate ${gate?.status}, ${gate?.reason}, score ${gate?.score?.toFixed(3)})`,
  );
}
console.log(`answer from ${result.tier}: ${result.text}`);
