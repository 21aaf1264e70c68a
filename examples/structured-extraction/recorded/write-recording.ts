// Writes ../requests.jsonl and ./invoices.jsonl from the hand-written documents and answers in script.ts.
//
// It runs the example's own cascade on core's scripted provider (which plays the answers from script.ts),
// wrapped in the replay package's recorder, so each line holds exactly the conversation the cascade sends,
// repairs included (the model's rejected answer and the gate's feedback), in the replay format. Replaying
// the file then takes every request down the same path. The answers are written by hand: see script.ts.
//
//   node --conditions=source examples/structured-extraction/recorded/write-recording.ts
import { fileURLToPath } from 'node:url';
import type { CascadeRequest } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { recordScript, scriptedAnswers, textReplies, writeRecordingFiles } from '@llm-cascade/example-support';
import { extractJson } from '@llm-cascade/gate-json-schema';
import { buildInvoiceCascade } from '../cascade.ts';
import { MODELS, SYSTEM_PROMPT } from '../invoice.ts';
import { documents, type ScriptedDocument } from './script.ts';

export const REQUESTS_PATH = fileURLToPath(new URL('../requests.jsonl', import.meta.url));
export const RECORDING_PATH = fileURLToPath(new URL('./invoices.jsonl', import.meta.url));

/** The cascade request for a document: the same system prompt for all, the document as the user message. */
export function requestFor(document: ScriptedDocument): CascadeRequest {
  return { id: document.id, system: SYSTEM_PROMPT, prompt: document.document, temperature: 0 };
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
  const answers = scriptedAnswers({
    items: documents,
    models: MODELS,
    answers: (document, tier) => document.answers[tier],
  });
  // One provider serves all three tiers: the script tells them apart by model.
  const scripted = scriptedProvider({ whenExhausted: 'error', script: textReplies(answers) });
  const recorded = await recordScript({
    items: documents,
    request: requestFor,
    providers: { openai: scripted, anthropic: scripted },
    cascade: buildInvoiceCascade,
    // Each answer is graded against the document's reference extraction (null: not an invoice).
    reference: (document) => document.reference,
    candidate: ({ text }, document) => ({ text, correct: isCorrect(text, document.reference) }),
  });
  answers.assertAllServed();
  return recorded;
}

if (import.meta.main) {
  writeRecordingFiles({ recorded: await writeRecording(), requestsPath: REQUESTS_PATH, recordingPath: RECORDING_PATH });
}
