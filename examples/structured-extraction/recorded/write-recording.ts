// Writes ../requests.jsonl and ./invoices.jsonl from the hand-written documents and answers in script.ts.
//
// It runs the example's own cascade on core's scripted provider (which plays the answers from script.ts),
// wrapped in the replay package's recorder, so each line holds exactly the conversation the cascade sends,
// repairs included (the model's rejected answer and the gate's feedback), in the replay format. Replaying
// the file then takes every request down the same path. The answers are written by hand: see script.ts.
//
//   node --conditions=source examples/structured-extraction/recorded/write-recording.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CascadeExhaustedError, type CascadeRequest, type Message } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { extractJson } from '@llm-cascade/gate-json-schema';
import { type RecordedRequest, recordingProvider } from '@llm-cascade/provider-replay';
import { buildInvoiceCascade } from '../cascade.ts';
import { MODELS, SYSTEM_PROMPT } from '../invoice.ts';
import { documents, type ScriptedDocument } from './script.ts';

export const NOTE = 'Written by hand for this example (recorded/script.ts); not the output of a real model.';
export const REQUESTS_PATH = fileURLToPath(new URL('../requests.jsonl', import.meta.url));
export const RECORDING_PATH = fileURLToPath(new URL('./invoices.jsonl', import.meta.url));

const tierOfModel = new Map<string, keyof ScriptedDocument['answers']>(
  Object.entries(MODELS).map(([tier, model]) => [model, tier as keyof ScriptedDocument['answers']]),
);

/** The cascade request for a document: the same system prompt for all, the document as the user message. */
export function requestFor(document: ScriptedDocument): CascadeRequest {
  return { id: document.id, system: SYSTEM_PROMPT, prompt: document.document, temperature: 0 };
}

/** A rough token count (about four characters a token), so the recorded usage and costs are plausible. */
function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function inputTokens(messages: readonly Message[]): number {
  return messages.reduce((sum, message) => sum + tokens(message.content) + 4, 0);
}

/** Object keys sorted, so two values compare equal whatever order their keys were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}

function isCorrect(text: string, reference: unknown): boolean {
  const extracted = extractJson(text);
  return reference !== null && extracted.ok && canonical(extracted.value) === canonical(reference);
}

/** The texts of requests.jsonl and invoices.jsonl. */
export async function writeRecording(): Promise<{ requests: string; recording: string }> {
  const byId = new Map(documents.map((document) => [document.id, document]));
  const served = new Map<string, number>();
  const scripted = scriptedProvider({
    whenExhausted: 'error',
    script: ({ request }) => {
      const document = byId.get(request.requestId ?? '');
      const tier = tierOfModel.get(request.model);
      if (document === undefined || tier === undefined) throw new Error(`nothing scripted for ${request.requestId}`);
      const key = `${document.id} ${tier}`;
      const index = served.get(key) ?? 0;
      served.set(key, index + 1);
      const text = document.answers[tier]?.[index];
      if (text === undefined) throw new Error(`script.ts has no answer ${index + 1} of ${tier} for ${document.id}`);
      return { text, usage: { inputTokens: inputTokens(request.messages), outputTokens: tokens(text) } };
    },
  });
  const lines: string[] = [];
  const recorder = recordingProvider({
    provider: scripted,
    sink: (_line, record: RecordedRequest) => {
      const reference = byId.get(record.id)?.reference ?? null;
      const tiers = Object.fromEntries(
        Object.entries(record.tiers).map(([model, tier]) => [
          model,
          {
            candidates: tier.candidates.map(({ text }) => ({ text, correct: isCorrect(text, reference) })),
            usage: tier.usage,
          },
        ]),
      );
      // Only the messages are kept of the request: replay matches on them (the response format is the
      // schema, the same on every line).
      lines.push(
        JSON.stringify({ id: record.id, note: NOTE, request: { messages: record.request.messages }, reference, tiers }),
      );
    },
  });
  const cascade = buildInvoiceCascade({ openai: recorder, anthropic: recorder });
  try {
    // One at a time, so the file lists each document's calls together and in order.
    for (const document of documents) {
      const attempts = await cascade.run(requestFor(document)).then(
        (result) => result.attempts,
        (error: unknown) => (CascadeExhaustedError.isInstance(error) ? error.attempts : Promise.reject(error)),
      );
      const failed = attempts.find((attempt) => attempt.outcome === 'provider-error');
      if (failed !== undefined) throw new Error(`${document.id}: ${failed.error?.message ?? 'provider error'}`);
    }
  } finally {
    await cascade.close();
  }
  await recorder.flush();
  // Every answer written must have been asked for, or the script and the cascade disagree.
  for (const document of documents) {
    for (const [tier, answers] of Object.entries(document.answers)) {
      const used = served.get(`${document.id} ${tier}`) ?? 0;
      if (used !== answers.length) throw new Error(`${document.id}: ${tier} answered ${used} of ${answers.length}`);
    }
  }
  const requests = documents.map((document) => `${JSON.stringify(requestFor(document))}\n`).join('');
  return { requests, recording: lines.map((line) => `${line}\n`).join('') };
}

if (import.meta.main) {
  const { requests, recording } = await writeRecording();
  writeFileSync(REQUESTS_PATH, requests);
  writeFileSync(RECORDING_PATH, recording);
  console.log(`wrote ${REQUESTS_PATH} and ${RECORDING_PATH} (${recording.split('\n').length - 1} lines)`);
}
