// Writes ../requests.jsonl and ./problems.jsonl from the hand-written problems and samples in script.ts.
//
// It runs the example's own cascade on core's scripted provider (playing the samples from script.ts),
// wrapped in the replay package's recorder, so each line is exactly the call the cascade makes, in the
// replay format: one call per tier with all k samples (`n = k`) and the usage of the whole call.
//
//   node --conditions=source examples/math-self-consistency/recorded/write-recording.ts
import { fileURLToPath } from 'node:url';
import type { CascadeRequest } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { recordScript, roughUsage, scriptedAnswers, writeRecordingFiles } from '@llm-cascade/example-support';
import { answerAfterMarker, lastNumber } from '@llm-cascade/gate-self-consistency';
import { buildMathCascade, MODELS, SYSTEM_PROMPT } from '../cascade.ts';
import { problems, type ScriptedProblem } from './script.ts';

export const REQUESTS_PATH = fileURLToPath(new URL('../requests.jsonl', import.meta.url));
export const RECORDING_PATH = fileURLToPath(new URL('./problems.jsonl', import.meta.url));

const readAnswer = answerAfterMarker({ read: lastNumber() });

export function requestFor(problem: ScriptedProblem): CascadeRequest {
  return { id: problem.id, system: SYSTEM_PROMPT, prompt: problem.problem, temperature: 0.8 };
}

/** The texts of requests.jsonl and problems.jsonl. */
export async function writeRecording(): Promise<{ requests: string; recording: string }> {
  // A tier is called once per problem, so its one scripted "answer" is the whole set of k samples.
  const calls = scriptedAnswers({
    items: problems,
    models: MODELS,
    answers: (problem, tier) => {
      const samples = problem.samples[tier];
      return samples === undefined ? undefined : [samples];
    },
  });
  const scripted = scriptedProvider({
    script: ({ request, options }) => {
      const samples = calls.next(request);
      if (samples.length !== options.samples) {
        throw new Error(`script.ts has no ${options.samples} samples of ${request.model} for ${request.requestId}`);
      }
      // One call with n = k: the input is billed once, the output of every sample.
      return { candidates: samples, usage: roughUsage({ messages: request.messages, outputs: samples }) };
    },
  });
  const recorded = await recordScript({
    items: problems,
    request: requestFor,
    providers: { openai: scripted },
    cascade: buildMathCascade,
    // Each sample is graded by the number it ends with, as the vote reads it.
    reference: (problem) => problem.reference,
    candidate: ({ text }, problem) => {
      const extracted = readAnswer(text);
      return { text, correct: extracted !== undefined && extracted.value === problem.reference };
    },
  });
  calls.assertAllServed();
  return recorded;
}

if (import.meta.main) {
  writeRecordingFiles({ recorded: await writeRecording(), requestsPath: REQUESTS_PATH, recordingPath: RECORDING_PATH });
}
