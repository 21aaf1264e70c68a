// Writes ../requests.jsonl and ./tickets.jsonl from the hand-written tickets and answers in script.ts.
//
// It runs the example's own cascade on core's scripted provider (playing the answers and token logprobs
// from script.ts), wrapped in the replay package's recorder, so each line is exactly a call the cascade
// makes, repairs included, in the replay format. The Claude tier's provider declares no logprobs, as
// Anthropic's API has none.
//
//   node --conditions=source examples/classification-logprob/recorded/write-recording.ts
import { fileURLToPath } from 'node:url';
import type { CascadeRequest } from '@llm-cascade/core';
import { type ScriptedCall, scriptedProvider } from '@llm-cascade/core/test';
import { recordScript, roughUsage, scriptedAnswers, writeRecordingFiles } from '@llm-cascade/example-support';
import { buildTicketCascade, MODELS, SYSTEM_PROMPT } from '../cascade.ts';
import { type ScriptedTicket, tickets } from './script.ts';

export const REQUESTS_PATH = fileURLToPath(new URL('../requests.jsonl', import.meta.url));
export const RECORDING_PATH = fileURLToPath(new URL('./tickets.jsonl', import.meta.url));

export function requestFor(ticket: ScriptedTicket): CascadeRequest {
  return { id: ticket.id, system: SYSTEM_PROMPT, prompt: ticket.ticket, temperature: 0, maxOutputTokens: 5 };
}

/** The texts of requests.jsonl and tickets.jsonl. */
export async function writeRecording(): Promise<{ requests: string; recording: string }> {
  const answers = scriptedAnswers({ items: tickets, models: MODELS, answers: (ticket, tier) => ticket.answers[tier] });
  const script = ({ request }: ScriptedCall) => {
    const answer = answers.next(request);
    const usage = roughUsage({ messages: request.messages, outputs: [answer.text] });
    // A scripted answer's tokens are its logprobs, when it has them.
    return { candidates: [answer], usage: { ...usage, outputTokens: answer.logprobs?.length ?? usage.outputTokens } };
  };
  const recorded = await recordScript({
    items: tickets,
    request: requestFor,
    // Two providers, as live: the Claude tier's declares no logprobs, so the logprob gate is skipped there.
    providers: {
      openai: scriptedProvider({ script }),
      anthropic: scriptedProvider({ script, capabilities: { logprobs: false, multipleSamples: false } }),
    },
    cascade: buildTicketCascade,
    reference: (ticket) => ticket.reference,
    candidate: ({ text, logprobs }, ticket) => ({
      text,
      ...(logprobs === undefined ? {} : { logprobs }),
      correct: text === ticket.reference,
    }),
  });
  answers.assertAllServed();
  return recorded;
}

if (import.meta.main) {
  writeRecordingFiles({ recorded: await writeRecording(), requestsPath: REQUESTS_PATH, recordingPath: RECORDING_PATH });
}
