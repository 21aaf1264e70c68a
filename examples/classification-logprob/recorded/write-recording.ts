// Writes ../requests.jsonl and ./tickets.jsonl from the hand-written tickets and answers in script.ts.
//
// It runs the example's own cascade on core's scripted provider (playing the answers and token logprobs
// from script.ts), wrapped in the replay package's recorder, so each line is exactly a call the cascade
// makes, repairs included, in the replay format. The Claude tier's provider declares no logprobs, as
// Anthropic's API has none.
//
//   node --conditions=source examples/classification-logprob/recorded/write-recording.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CascadeExhaustedError, type CascadeRequest, type Message } from '@llm-cascade/core';
import { type ScriptedCall, scriptedProvider } from '@llm-cascade/core/test';
import { type RecordedRequest, recordingProvider } from '@llm-cascade/provider-replay';
import { buildTicketCascade, MODELS, SYSTEM_PROMPT } from '../cascade.ts';
import { type ScriptedTicket, tickets } from './script.ts';

export const NOTE = 'Written by hand for this example (recorded/script.ts); not the output of a real model.';
export const REQUESTS_PATH = fileURLToPath(new URL('../requests.jsonl', import.meta.url));
export const RECORDING_PATH = fileURLToPath(new URL('./tickets.jsonl', import.meta.url));

const tierOfModel = new Map<string, keyof ScriptedTicket['answers']>(
  Object.entries(MODELS).map(([tier, model]) => [model, tier as keyof ScriptedTicket['answers']]),
);

export function requestFor(ticket: ScriptedTicket): CascadeRequest {
  return { id: ticket.id, system: SYSTEM_PROMPT, prompt: ticket.ticket, temperature: 0, maxOutputTokens: 5 };
}

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function inputTokens(messages: readonly Message[]): number {
  return messages.reduce((sum, message) => sum + tokens(message.content) + 4, 0);
}

/** The texts of requests.jsonl and tickets.jsonl. */
export async function writeRecording(): Promise<{ requests: string; recording: string }> {
  const byId = new Map(tickets.map((ticket) => [ticket.id, ticket]));
  const served = new Map<string, number>();
  const script = ({ request }: ScriptedCall) => {
    const ticket = byId.get(request.requestId ?? '');
    const tier = tierOfModel.get(request.model);
    if (ticket === undefined || tier === undefined) throw new Error(`nothing scripted for ${request.requestId}`);
    const key = `${ticket.id} ${tier}`;
    const index = served.get(key) ?? 0;
    served.set(key, index + 1);
    const answer = ticket.answers[tier]?.[index];
    if (answer === undefined) throw new Error(`script.ts has no answer ${index + 1} of ${tier} for ${ticket.id}`);
    const outputTokens = answer.logprobs?.length ?? tokens(answer.text);
    return { candidates: [answer], usage: { inputTokens: inputTokens(request.messages), outputTokens } };
  };
  const lines: string[] = [];
  const sink = (_line: string, record: RecordedRequest) => {
    const reference = byId.get(record.id)?.reference;
    const tiers = Object.fromEntries(
      Object.entries(record.tiers).map(([model, tier]) => [
        model,
        {
          candidates: tier.candidates.map(({ text, logprobs }) => ({
            text,
            ...(logprobs === undefined ? {} : { logprobs }),
            correct: text === reference,
          })),
          usage: tier.usage,
        },
      ]),
    );
    lines.push(
      JSON.stringify({ id: record.id, note: NOTE, request: { messages: record.request.messages }, reference, tiers }),
    );
  };
  const openai = recordingProvider({ provider: scriptedProvider({ script }), sink });
  const anthropic = recordingProvider({
    provider: scriptedProvider({ script, capabilities: { logprobs: false, multipleSamples: false } }),
    sink,
  });
  const cascade = buildTicketCascade({ openai, anthropic });
  try {
    for (const ticket of tickets) {
      const attempts = await cascade.run(requestFor(ticket)).then(
        (result) => result.attempts,
        (error: unknown) => (CascadeExhaustedError.isInstance(error) ? error.attempts : Promise.reject(error)),
      );
      const failed = attempts.find((attempt) => attempt.outcome === 'provider-error');
      if (failed !== undefined) throw new Error(`${ticket.id}: ${failed.error?.message ?? 'provider error'}`);
    }
  } finally {
    await cascade.close();
  }
  await openai.flush();
  await anthropic.flush();
  for (const ticket of tickets) {
    for (const [tier, answers] of Object.entries(ticket.answers)) {
      const used = served.get(`${ticket.id} ${tier}`) ?? 0;
      if (used !== answers.length) throw new Error(`${ticket.id}: ${tier} answered ${used} of ${answers.length}`);
    }
  }
  const requests = tickets.map((ticket) => `${JSON.stringify(requestFor(ticket))}\n`).join('');
  return { requests, recording: lines.map((line) => `${line}\n`).join('') };
}

if (import.meta.main) {
  const { requests, recording } = await writeRecording();
  writeFileSync(REQUESTS_PATH, requests);
  writeFileSync(RECORDING_PATH, recording);
  console.log(`wrote ${REQUESTS_PATH} and ${RECORDING_PATH} (${recording.split('\n').length - 1} lines)`);
}
