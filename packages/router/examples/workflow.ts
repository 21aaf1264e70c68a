// The seeds' learning loop, end to end and runnable with no network: log -> label -> train -> route -> verify.
//   node --conditions=source packages/router/examples/workflow.ts
// A two-tier cascade (a scripted provider stands in for the models) answers factual questions on its cheap
// tier, but code requests only pass their gate on the strong tier. Its decision log trains a router, which
// then sends code requests straight to the strong tier; the gates still verify every answer.
import { type CascadeRequest, createCascade, type Gate } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { createRouter, toCascadeRouter } from '@llm-cascade/router';
import { readDecisionLog, trainRouter } from '@llm-cascade/router/train';

const TOPICS = ['rivers', 'volcanoes', 'tides', 'glaciers', 'comets', 'forests', 'deserts', 'storms', 'reefs', 'caves'];
const VERBS = ['parse', 'merge', 'sort', 'render', 'encode', 'retry', 'cache', 'stream'];

/** Deterministic traffic: two questions in three are factual, one asks for code. */
export function traffic(count: number, offset = 0): CascadeRequest[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    const topic = TOPICS[(i * 7) % TOPICS.length];
    const verb = VERBS[(i * 3) % VERBS.length];
    return i % 3 === 2
      ? {
          id: `r${i}`,
          prompt: `Write a TypeScript function that can ${verb} a list of ${topic}:\n\`\`\`ts\n// ${verb}\n\`\`\``,
        }
      : { id: `r${i}`, prompt: `How do ${topic} form? Answer in one sentence (${i}).` };
  });
}

const provider = scriptedProvider({
  recordCalls: false,
  script: ({ request }) => {
    const code = request.messages.some((m) => m.content.includes('```'));
    const strong = request.model === 'strong-model';
    return {
      text: code && !strong ? 'function () { /* TODO */' : 'OK: a fine answer',
      usage: { inputTokens: 200, outputTokens: 80 },
    };
  },
});

/** The verification step: an answer passes only when it is complete (a stand-in for a real gate). */
const complete: Gate = {
  name: 'complete',
  evaluate: ({ candidate }) =>
    candidate.text.startsWith('OK') ? { status: 'pass', reason: 'ok' } : { status: 'fail', reason: 'incomplete' },
};

const tiers = [
  { name: 'cheap', provider, model: 'cheap-model', price: { inputPerMTok: 0.15, outputPerMTok: 0.6 }, repairs: 0 },
  { name: 'strong', provider, model: 'strong-model', price: { inputPerMTok: 2.5, outputPerMTok: 10 }, repairs: 0 },
];

export async function runWorkflow() {
  // 1. Log: run traffic through the cascade, keeping one decision-log record per request (the shape
  //    `llm-cascade run` writes: id, ok, accepted, tier, attempts).
  const cascade = createCascade({ tiers, gates: [complete] });
  const requests = traffic(300);
  const log = [];
  let costBefore = 0;
  let escalationsBefore = 0;
  for (const request of requests) {
    const result = await cascade.run(request);
    costBefore += result.costUsd;
    escalationsBefore += result.escalations;
    log.push({ id: request.id, ok: true, accepted: result.accepted, tier: result.tier, attempts: result.attempts });
  }
  // 2. Label: a tier is good enough where its answer passed the gates; tiers never reached are unknown.
  const { examples } = await readDecisionLog({
    data: log,
    tiers: ['cheap', 'strong'],
    requests: new Map(requests.map((r) => [r.id as string, r])),
  });
  // 3. Train: one calibrated model for the cheap tier (the strong tier is the fallback).
  const file = trainRouter({ examples, tiers: ['cheap', 'strong'], folds: 5, seed: 1 });
  // 4. Route: start each new request at the cheapest tier likely to pass, rounding up when unsure.
  const router = createRouter({ model: file, margin: 0.05 });
  const routed = createCascade({ tiers, gates: [complete], router: toCascadeRouter(router) });
  // 5. Verify: the gates still check the routed tier's answer and escalate when it fails.
  const fresh = traffic(90, 1000);
  let costAfter = 0;
  let accepted = 0;
  let escalations = 0;
  for (const request of fresh) {
    const result = await routed.run(request);
    costAfter += result.costUsd;
    if (result.accepted) accepted += 1;
    escalations += result.escalations;
  }
  return {
    trainedOn: examples.length,
    threshold: file.thresholds.cheap,
    calibration: file.training.calibration[0],
    costPerRequestBefore: costBefore / requests.length,
    escalationsBefore: escalationsBefore / requests.length,
    costPerRequestAfter: costAfter / fresh.length,
    accepted: accepted / fresh.length,
    escalations: escalations / fresh.length,
    codeDecision: router.decide({ prompt: 'Write a TypeScript function that can sort a list of comets:\n```ts\n```' }),
    factDecision: router.decide({ prompt: 'How do comets form? Answer in one sentence (7).' }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const summary = await runWorkflow();
  console.log(`trained on ${summary.trainedOn} logged requests; default threshold ${summary.threshold}`);
  console.log(`held-out AUC ${summary.calibration?.auc}, ECE ${summary.calibration?.ece}`);
  console.log(
    `cost per request: $${summary.costPerRequestBefore.toFixed(6)} cascade alone -> $${summary.costPerRequestAfter.toFixed(6)} routed`,
  );
  console.log(
    `escalations per request: ${summary.escalationsBefore.toFixed(2)} cascade alone -> ${summary.escalations.toFixed(2)} routed; ${(100 * summary.accepted).toFixed(0)}% accepted`,
  );
  console.log(
    'a code request:',
    summary.codeDecision.tier,
    summary.codeDecision.reason,
    summary.codeDecision.contributions[0],
  );
  console.log('a factual one: ', summary.factDecision.tier, summary.factDecision.reason);
}
