// Writes ../requests.jsonl and ./functions.jsonl from the hand-written tasks and answers in script.ts.
//
// It runs the example's own cascade (with the real type-checking gate) on core's scripted provider, which
// plays the answers from script.ts, wrapped in the replay package's recorder: each line holds exactly the
// conversation the cascade sends, repairs included (the rejected code and the compiler's diagnostics).
//
//   node --conditions=source examples/code-generation/recorded/write-recording.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CascadeExhaustedError, type CascadeRequest, type Message } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { type RecordedRequest, recordingProvider } from '@llm-cascade/provider-replay';
import { buildCodeCascade, MODELS, SYSTEM_PROMPT } from '../cascade.ts';
import { type ScriptedTask, tasks } from './script.ts';

export const NOTE = 'Written by hand for this example (recorded/script.ts); not the output of a real model.';
export const REQUESTS_PATH = fileURLToPath(new URL('../requests.jsonl', import.meta.url));
export const RECORDING_PATH = fileURLToPath(new URL('./functions.jsonl', import.meta.url));

const tierOfModel = new Map<string, keyof ScriptedTask['answers']>(
  Object.entries(MODELS).map(([tier, model]) => [model, tier as keyof ScriptedTask['answers']]),
);

export function requestFor(task: ScriptedTask): CascadeRequest {
  return { id: task.id, system: SYSTEM_PROMPT, prompt: task.task, temperature: 0 };
}

/** A rough token count (about four characters a token), so the recorded usage and costs are plausible. */
function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function inputTokens(messages: readonly Message[]): number {
  return messages.reduce((sum, message) => sum + tokens(message.content) + 4, 0);
}

/** The texts of requests.jsonl and functions.jsonl. */
export async function writeRecording(): Promise<{ requests: string; recording: string }> {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const served = new Map<string, number>();
  const scripted = scriptedProvider({
    whenExhausted: 'error',
    script: ({ request }) => {
      const task = byId.get(request.requestId ?? '');
      const tier = tierOfModel.get(request.model);
      if (task === undefined || tier === undefined) throw new Error(`nothing scripted for ${request.requestId}`);
      const key = `${task.id} ${tier}`;
      const index = served.get(key) ?? 0;
      served.set(key, index + 1);
      const text = task.answers[tier]?.[index];
      if (text === undefined) throw new Error(`script.ts has no answer ${index + 1} of ${tier} for ${task.id}`);
      return { text, usage: { inputTokens: inputTokens(request.messages), outputTokens: tokens(text) } };
    },
  });
  const lines: string[] = [];
  const recorder = recordingProvider({
    provider: scripted,
    sink: (_line, record: RecordedRequest) => {
      const tiers = Object.fromEntries(
        Object.entries(record.tiers).map(([model, tier]) => [
          model,
          { candidates: tier.candidates.map(({ text }) => ({ text })), usage: tier.usage },
        ]),
      );
      lines.push(JSON.stringify({ id: record.id, note: NOTE, request: { messages: record.request.messages }, tiers }));
    },
  });
  const cascade = buildCodeCascade({ openai: recorder, anthropic: recorder });
  try {
    for (const task of tasks) {
      const attempts = await cascade.run(requestFor(task)).then(
        (result) => result.attempts,
        (error: unknown) => (CascadeExhaustedError.isInstance(error) ? error.attempts : Promise.reject(error)),
      );
      const failed = attempts.find((attempt) => attempt.outcome === 'provider-error');
      if (failed !== undefined) throw new Error(`${task.id}: ${failed.error?.message ?? 'provider error'}`);
    }
  } finally {
    await cascade.close();
  }
  await recorder.flush();
  for (const task of tasks) {
    for (const [tier, answers] of Object.entries(task.answers)) {
      const used = served.get(`${task.id} ${tier}`) ?? 0;
      if (used !== answers.length) throw new Error(`${task.id}: ${tier} answered ${used} of ${answers.length}`);
    }
  }
  const requests = tasks.map((task) => `${JSON.stringify(requestFor(task))}\n`).join('');
  return { requests, recording: lines.map((line) => `${line}\n`).join('') };
}

if (import.meta.main) {
  const { requests, recording } = await writeRecording();
  writeFileSync(REQUESTS_PATH, requests);
  writeFileSync(RECORDING_PATH, recording);
  console.log(`wrote ${REQUESTS_PATH} and ${RECORDING_PATH} (${recording.split('\n').length - 1} lines)`);
}
