import type { Message } from './contracts.ts';
import type { ResolvedCascade } from './resolve-options.ts';
import type { Attempt, GateRecord } from './result.ts';

/**
 * Longest answer a repair sends back whole, in UTF-16 code units (about 16k tokens): room for any answer a
 * model is likely to be asked to correct, while a repair never carries an unbounded answer to the model
 * (and never bills its input tokens).
 */
export const REPAIR_ANSWER_MAX_CHARS = 65_536;
/** What a repair keeps of an answer that failed for its size: enough for the model to see what it wrote. */
export const REPAIR_OVERSIZED_ANSWER_CHARS = 2_048;
/** Longest gate feedback a repair sends: feedback may quote the answer. */
export const REPAIR_FEEDBACK_MAX_CHARS = 16_384;
/** Gate reasons that say the answer was too big: resending it would repeat the fault. */
const SIZE_REASONS: ReadonlySet<string> = new Set(['too-large']);
// Of a cut text, the head is kept over the tail: it shows what the model set out to write.
const HEAD_SHARE = 0.75;

/**
 * The message a repair appends after the model's answer, unless the cascade sets `repairPrompt`. Exported
 * so recordings and tests can reproduce a repair conversation exactly.
 */
export function defaultRepairPrompt(feedback: string): string {
  return `Your previous answer did not pass a check:\n${feedback}\nReply again with a corrected answer only.`;
}

/** A cut point at or before `at` that does not split a surrogate pair. */
function boundary(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return at > 0 && code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

/**
 * `text` when it is at most `maxChars` long; otherwise its head and tail around a marker saying how much
 * was cut, so the model (and anyone reading the conversation) knows it is not the whole answer.
 */
export function cutForRepair(text: string, maxChars: number, what: string): string {
  if (text.length <= maxChars) return text;
  const headEnd = boundary(text, Math.floor(maxChars * HEAD_SHARE));
  const tailStart = text.length - (maxChars - headEnd);
  const tailFrom = boundary(text, tailStart) === tailStart ? tailStart : tailStart + 1;
  const cut = tailFrom - headEnd;
  return `${text.slice(0, headEnd)}\n[... ${cut.toLocaleString('en')} of ${text.length.toLocaleString('en')} characters of ${what} cut here by llm-cascade ...]\n${text.slice(tailFrom)}`;
}

/**
 * The conversation a repair sends: what the tier was sent, then its answer and the failed gate's feedback.
 * The answer is cut to a short head and tail when the gate failed it for its size, and to
 * REPAIR_ANSWER_MAX_CHARS in any case; the feedback to REPAIR_FEEDBACK_MAX_CHARS. The attempt keeps the
 * answer whole. `attempt` must have ended `repaired`, so its last gate record is the failure.
 */
export function repairMessages(
  cascade: ResolvedCascade,
  messages: readonly Message[],
  attempt: Attempt,
): { messages: Message[]; gate: string } {
  const failed = attempt.gates[attempt.gates.length - 1] as GateRecord;
  const feedback = cutForRepair(failed.feedback ?? '', REPAIR_FEEDBACK_MAX_CHARS, 'the feedback');
  const prompt = (cascade.options.repairPrompt ?? defaultRepairPrompt)(feedback, failed.name);
  const answer = attempt.candidates[attempt.selectedCandidate]?.text ?? '';
  const maxChars = SIZE_REASONS.has(failed.reason) ? REPAIR_OVERSIZED_ANSWER_CHARS : REPAIR_ANSWER_MAX_CHARS;
  return {
    messages: [
      ...messages,
      { role: 'assistant', content: cutForRepair(answer, maxChars, 'your previous answer') },
      { role: 'user', content: prompt },
    ],
    gate: failed.name,
  };
}
