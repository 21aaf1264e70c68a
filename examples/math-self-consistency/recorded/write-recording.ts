// Writes ../requests.jsonl and ./problems.jsonl from the hand-written problems and samples in script.ts.
//
// It runs the example's own cascade on core's scripted provider (playing the samples from script.ts),
// wrapped in the replay package's recorder, so each line is exactly the call the cascade makes, in the
// replay format: one call per tier with all k samples (`n = k`) and the usage of the whole call.
//
//   node --conditions=source examples/math-self-consistency/recorded/write-recording.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CascadeExhaustedError, type CascadeRequest, type Message } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { answerAfterMarker, lastNumber } from '@llm-cascade/gate-self-consistency';
import { type RecordedRequest, recordingProvider } from '@llm-cascade/provider-replay';
import { buildMathCascade, MODELS, SYSTEM_PROMPT } from '../cascade.ts';
import { problems, type ScriptedProblem } from './script.ts';

export const NOTE = 'Written by hand for this example (recorded/script.ts); not the output of a real model.';
export const REQUESTS_PATH = fileURLToPath(new URL('../requests.jsonl', import.meta.url));
export const RECORDING_PATH = fileURLToPath(new URL('./problems.jsonl', import.meta.url));

const tierOfModel = new Map<string, keyof ScriptedProblem['samples']>(
  Object.entries(MODELS).map(([tier, model]) => [model, tier as keyof ScriptedProblem['samples']]),
);
const readAnswer = answerAfterMarker({ read: lastNumber() });

export function requestFor(problem: ScriptedProblem): CascadeRequest {
  return { id: problem.id, system: SYSTEM_PROMPT, prompt: problem.problem, temperature: 0.8 };
}

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function inputTokens(messages: readonly Message[]): number {
  return messages.reduce((sum, message) => sum + tokens(message.content) + 4, 0);
}

/** The texts of requests.jsonl and problems.jsonl. */
export async function writeRecording(): Promise<{ requests: string; recording: string }> {
  const byId = new Map(problems.map((problem) => [problem.id, problem]));
  const scripted = scriptedProvider({
    script: ({ request, options }) => {
      const problem = byId.get(request.requestId ?? '');
      const tier = tierOfModel.get(request.model);
      const samples = tier === undefined ? undefined : problem?.samples[tier];
      if (samples === undefined || samples.length !== options.samples) {
        throw new Error(`script.ts has no ${options.samples} samples of ${request.model} for ${request.requestId}`);
      }
      // One call with n = k: the input is billed once, the output of every sample.
      const outputTokens = samples.reduce((sum, text) => sum + tokens(text), 0);
      return { candidates: samples, usage: { inputTokens: inputTokens(request.messages), outputTokens } };
    },
  });
  const lines: string[] = [];
  const recorder = recordingProvider({
    provider: scripted,
    sink: (_line, record: RecordedRequest) => {
      const reference = byId.get(record.id)?.reference;
      const tiers = Object.fromEntries(
        Object.entries(record.tiers).map(([model, tier]) => [
          model,
          {
            candidates: tier.candidates.map(({ text }) => {
              const extracted = readAnswer(text);
              return { text, correct: extracted !== undefined && extracted.value === reference };
            }),
            usage: tier.usage,
          },
        ]),
      );
      lines.push(
        JSON.stringify({ id: record.id, note: NOTE, request: { messages: record.request.messages }, reference, tiers }),
      );
    },
  });
  const cascade = buildMathCascade({ openai: recorder });
  try {
    for (const problem of problems) {
      const attempts = await cascade.run(requestFor(problem)).then(
        (result) => result.attempts,
        (error: unknown) => (CascadeExhaustedError.isInstance(error) ? error.attempts : Promise.reject(error)),
      );
      const failed = attempts.find((attempt) => attempt.outcome === 'provider-error');
      if (failed !== undefined) throw new Error(`${problem.id}: ${failed.error?.message ?? 'provider error'}`);
    }
  } finally {
    await cascade.close();
  }
  await recorder.flush();
  const requests = problems.map((problem) => `${JSON.stringify(requestFor(problem))}\n`).join('');
  return { requests, recording: lines.map((line) => `${line}\n`).join('') };
}

if (import.meta.main) {
  const { requests, recording } = await writeRecording();
  writeFileSync(REQUESTS_PATH, requests);
  writeFileSync(RECORDING_PATH, recording);
  console.log(`wrote ${REQUESTS_PATH} and ${RECORDING_PATH} (${recording.split('\n').length - 1} lines)`);
}
