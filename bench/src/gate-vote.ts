import type { Candidate } from '@llm-cascade/core';
import { gateContext } from '@llm-cascade/core/test';
import { lastNumber, selfConsistencyGate } from '@llm-cascade/gate-self-consistency';
import { ratio, timeSync } from './micro.ts';
import { type BenchResult, saveResult } from './result-file.ts';
import { format } from './stats.ts';

const SAMPLES = 20;

function candidates(texts: readonly string[]): Candidate[] {
  return texts.map((text) => ({ text, finishReason: 'stop' }));
}

export async function gateVoteBench(): Promise<BenchResult> {
  // Short answers (a date, as in the MoT-cascade data): 14 agree, the rest split.
  const short = candidates(
    Array.from({ length: SAMPLES }, (_, i) => (i % 10 < 7 ? '05/01/2021' : i % 2 === 0 ? '04/30/2021' : '5/1/2021')),
  );
  // Chains of thought of about 400 characters ending in a number; 15 of 20 agree.
  const chains = candidates(
    Array.from(
      { length: SAMPLES },
      (_, i) =>
        `Let me work through this step by step. Janet starts with ${16 + (i % 3)} eggs each day and eats three for breakfast, ` +
        `then bakes muffins for her friends every day with four more. She sells the remainder at the farmers' market ` +
        `for $2 per fresh duck egg, so the remaining eggs are multiplied by two dollars to get the daily total. ` +
        `Therefore the answer is ${i % 4 === 3 ? 20 : 18}.`,
    ),
  );
  const shortGate = selfConsistencyGate({ samples: SAMPLES, threshold: 0.6 });
  const chainGate = selfConsistencyGate({ samples: SAMPLES, threshold: 0.6, extract: lastNumber() });
  const shortContext = gateContext({ candidates: short });
  const chainContext = gateContext({ candidates: chains });
  for (const [gate, context] of [
    [shortGate, shortContext],
    [chainGate, chainContext],
  ] as const) {
    const result = gate.evaluate(context);
    if (result instanceof Promise || result.status !== 'pass') throw new Error('the benchmark vote must pass');
  }
  const rounds = 11;
  const iterations = 5_000;
  const shortTiming = timeSync(() => shortGate.evaluate(shortContext), rounds, iterations);
  const chainTiming = timeSync(() => chainGate.evaluate(chainContext), rounds, iterations / 4);

  const target = 0.05;
  const markdown = [
    `\`selfConsistencyGate\` voting over ${SAMPLES} samples already drawn (the provider call excluded). Median over ${rounds} rounds.`,
    '',
    '| measure | per vote | target | ratio to target |',
    '| --- | --- | --- | --- |',
    `| 20 short answers (dates), normalized text | ${format.us(shortTiming.medianMs)} | 50 µs | ${ratio(shortTiming.medianMs, target)} |`,
    `| 20 chains of thought (~400 characters), last number | ${format.us(chainTiming.medianMs)} | 50 µs | ${ratio(chainTiming.medianMs, target)} |`,
  ].join('\n');
  return saveResult({
    name: 'gate-vote',
    title: 'Self-consistency gate, 20-sample vote',
    command: 'scripts/with-node pnpm bench gate-vote',
    markdown,
    figures: {
      samples: SAMPLES,
      shortUs: shortTiming.medianMs * 1000,
      chainsUs: chainTiming.medianMs * 1000,
      ratio: shortTiming.medianMs / target,
      chainsRatio: chainTiming.medianMs / target,
    },
  });
}
