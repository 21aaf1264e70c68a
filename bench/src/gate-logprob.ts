import type { TokenLogprob } from '@llm-cascade/core';
import { gateContext } from '@llm-cascade/core/test';
import { logprobGate } from '@llm-cascade/gate-logprob';
import { ratio, timeSync } from './micro.ts';
import { type BenchResult, saveResult } from './result-file.ts';
import { format } from './stats.ts';

const TOKENS = 1000;

/** Deterministic token logprobs between -2.5 and 0, each with 5 alternatives, as an API returns them. */
function tokens(texts: readonly string[]): TokenLogprob[] {
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return texts.map((token) => {
    const logprob = -2.5 * next() ** 3;
    return {
      token,
      logprob,
      topLogprobs: Array.from({ length: 5 }, (_, i) => ({ token: `${token}${i}`, logprob: logprob - i - next() })),
    };
  });
}

export async function gateLogprobBench(): Promise<BenchResult> {
  // Prose: 1,000 word tokens.
  const words = Array.from({ length: TOKENS }, (_, i) => (i === 0 ? 'The' : ` word${i % 97}`));
  const prose = tokens(words);
  const proseContext = gateContext({ candidates: [{ text: words.join(''), finishReason: 'stop', logprobs: prose }] });
  // JSON: 1,000 tokens of an array of objects, measured on the value tokens only.
  const jsonTokens: string[] = ['['];
  for (let i = 0; jsonTokens.length < TOKENS - 1; i += 1)
    jsonTokens.push(i === 0 ? '{"' : ',{"', 'name', '":"', `item${i}`, '","n":', String(i), '}');
  jsonTokens.length = TOKENS - 1;
  jsonTokens.push(']');
  const json = tokens(jsonTokens);
  const jsonContext = gateContext({
    candidates: [{ text: jsonTokens.join(''), finishReason: 'stop', logprobs: json }],
  });

  const mean = logprobGate({ measure: 'mean-logprob', threshold: -1 });
  const min = logprobGate({ measure: 'min-logprob', threshold: -3 });
  const jsonValues = logprobGate({ measure: 'mean-logprob', threshold: -1, span: 'json-values' });
  const rounds = 11;
  const iterations = 5_000;
  const meanTiming = timeSync(() => mean.evaluate(proseContext), rounds, iterations);
  const minTiming = timeSync(() => min.evaluate(proseContext), rounds, iterations);
  const jsonTiming = timeSync(() => jsonValues.evaluate(jsonContext), rounds, iterations / 10);

  const target = 0.02;
  const markdown = [
    `\`logprobGate\` on an answer of ${TOKENS.toLocaleString('en')} tokens, each with 5 top alternatives (as the OpenAI API returns`,
    `them). Median over ${rounds} rounds.`,
    '',
    '| measure | per call | target | ratio to target |',
    '| --- | --- | --- | --- |',
    `| mean logprob, all tokens | ${format.us(meanTiming.medianMs)} | 20 µs | ${ratio(meanTiming.medianMs, target)} |`,
    `| min logprob, all tokens | ${format.us(minTiming.medianMs)} | 20 µs | ${ratio(minTiming.medianMs, target)} |`,
    `| mean logprob of the JSON value tokens (span located in the text) | ${format.us(jsonTiming.medianMs)} | 20 µs | ${ratio(jsonTiming.medianMs, target)} |`,
  ].join('\n');
  return saveResult({
    name: 'gate-logprob',
    title: 'Logprob gate, 1,000 tokens',
    command: 'scripts/with-node pnpm bench gate-logprob',
    markdown,
    figures: {
      tokens: TOKENS,
      meanUs: meanTiming.medianMs * 1000,
      minUs: minTiming.medianMs * 1000,
      jsonValuesUs: jsonTiming.medianMs * 1000,
      ratio: meanTiming.medianMs / target,
      jsonValuesRatio: jsonTiming.medianMs / target,
    },
  });
}
