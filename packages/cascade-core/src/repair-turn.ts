import type { Message } from './contracts.ts';
import type { ResolvedCascade } from './resolve-options.ts';
import type { Attempt, GateRecord } from './result.ts';

/**
 * The message a repair appends after the model's answer, unless the cascade sets `repairPrompt`. Exported
 * so recordings and tests can reproduce a repair conversation exactly.
 */
export function defaultRepairPrompt(feedback: string): string {
  return `Your previous answer did not pass a check:\n${feedback}\nReply again with a corrected answer only.`;
}

/**
 * The conversation a repair sends: what the tier was sent, then its answer and the failed gate's feedback.
 * `attempt` must have ended `repaired`, so its last gate record is the failure.
 */
export function repairMessages(
  cascade: ResolvedCascade,
  messages: readonly Message[],
  attempt: Attempt,
): { messages: Message[]; gate: string } {
  const failed = attempt.gates[attempt.gates.length - 1] as GateRecord;
  const prompt = (cascade.options.repairPrompt ?? defaultRepairPrompt)(failed.feedback ?? '', failed.name);
  const answer = attempt.candidates[attempt.selectedCandidate]?.text ?? '';
  return {
    messages: [...messages, { role: 'assistant', content: answer }, { role: 'user', content: prompt }],
    gate: failed.name,
  };
}
