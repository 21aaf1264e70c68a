/**
 * Self-consistency in a two-tier cascade, with no network and no key: a scripted "small" model answers a
 * math question 5 times; the gate reads the number after "The answer is", votes, and accepts when 3 of 5
 * agree. On a question where the small model's samples disagree, the run escalates to "large".
 *
 * Run from the repository root: node --conditions=source packages/gates/self-consistency/examples/basic.ts
 */
import { type CascadeResult, createCascade } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { answerAfterMarker, lastNumber, selfConsistencyGate } from '@llm-cascade/gate-self-consistency';

const CLIPS = 'Natalia sold clips to 48 friends in April, and half as many in May. How many clips did she sell?';
const TRAIN = 'A train leaves at 9:40 and arrives at 13:05. How many minutes is the trip?';

export async function runExample(): Promise<{ clips: CascadeResult<number>; train: CascadeResult<number> }> {
  // One scripted call per question and tier; each returns 5 samples (the `n` of an OpenAI call).
  const provider = scriptedProvider({
    script: (call) => {
      const question = call.request.messages.at(-1)?.content;
      if (call.request.model === 'large') {
        return { candidates: ['The answer is 205.', 'The answer is 205 minutes.', 'The answer is 205.'] };
      }
      return question === CLIPS
        ? {
            candidates: [
              'April: 48. May: 48 / 2 = 24. Total 48 + 24 = 72. The answer is 72.',
              'She sold 24 in May, so 72 in all. The answer is 72',
              '48 + 24 = 72. The answer is **72**.',
              'Half of 48 is 24; 48 - 24 = 24. The answer is 24.',
              'The answer is $72.',
            ],
          }
        : {
            candidates: [
              '9:40 to 13:05 is 3 h 25 min. The answer is 205.',
              'The answer is 325.',
              'The answer is 195.',
              'From 9:40 to 13:00 is 200 minutes, plus 5. The answer is 205.',
              'The answer is 3.25.',
            ],
          };
    },
  });

  const cascade = createCascade<number>({
    tiers: [
      { name: 'small', provider, model: 'small', price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
      {
        name: 'large',
        provider,
        model: 'large',
        price: { inputPerMTok: 2.5, outputPerMTok: 10 },
        // The large tier is trusted with a 2-of-3 majority.
        gates: [
          selfConsistencyGate({ samples: 3, threshold: 0.6, extract: answerAfterMarker({ read: lastNumber() }) }),
        ],
      },
    ],
    gates: [selfConsistencyGate({ samples: 5, threshold: 0.6, extract: answerAfterMarker({ read: lastNumber() }) })],
  });

  const clips = await cascade.run({ prompt: CLIPS });
  const train = await cascade.run({ prompt: TRAIN });
  return { clips, train };
}

if (import.meta.main) {
  const { clips, train } = await runExample();
  for (const [label, result] of [
    ['clips', clips],
    ['train', train],
  ] as const) {
    const votes = result.attempts.map(
      (a) => `${a.tier}: ${a.gates.at(-1)?.reason} (agreement ${a.gates.at(-1)?.score})`,
    );
    console.log(`${label}: ${result.value} from ${result.tier}; ${votes.join(' -> ')}`);
  }
}
