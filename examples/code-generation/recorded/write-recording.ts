// Writes ../requests.jsonl and ./functions.jsonl from the hand-written tasks and answers in script.ts.
//
// It runs the example's own cascade (with the real type-checking gate) on core's scripted provider, which
// plays the answers from script.ts, wrapped in the replay package's recorder: each line holds exactly the
// conversation the cascade sends, repairs included (the rejected code and the compiler's diagnostics).
//
//   node --conditions=source examples/code-generation/recorded/write-recording.ts
import { fileURLToPath } from 'node:url';
import type { CascadeRequest } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { recordScript, scriptedAnswers, textReplies, writeRecordingFiles } from '@llm-cascade/example-support';
import { buildCodeCascade, MODELS, SYSTEM_PROMPT } from '../cascade.ts';
import { type ScriptedTask, tasks } from './script.ts';

export const REQUESTS_PATH = fileURLToPath(new URL('../requests.jsonl', import.meta.url));
export const RECORDING_PATH = fileURLToPath(new URL('./functions.jsonl', import.meta.url));

export function requestFor(task: ScriptedTask): CascadeRequest {
  return { id: task.id, system: SYSTEM_PROMPT, prompt: task.task, temperature: 0 };
}

/** The texts of requests.jsonl and functions.jsonl. */
export async function writeRecording(): Promise<{ requests: string; recording: string }> {
  const answers = scriptedAnswers({ items: tasks, models: MODELS, answers: (task, tier) => task.answers[tier] });
  const scripted = scriptedProvider({ whenExhausted: 'error', script: textReplies(answers) });
  const recorded = await recordScript({
    items: tasks,
    request: requestFor,
    // One provider serves both tiers, with the real type-checking gate in the cascade.
    providers: { openai: scripted, anthropic: scripted },
    cascade: buildCodeCascade,
    // No reference: the type-checker is the judge, and code that compiles can still be wrong.
    candidate: ({ text }) => ({ text }),
  });
  answers.assertAllServed();
  return recorded;
}

if (import.meta.main) {
  writeRecordingFiles({ recorded: await writeRecording(), requestsPath: REQUESTS_PATH, recordingPath: RECORDING_PATH });
}
