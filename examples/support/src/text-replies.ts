import type { ScriptedCall, ScriptStep } from '@llm-cascade/core/test';
import { roughUsage } from './rough-usage.ts';
import type { ScriptedAnswers } from './scripted-answers.ts';

/**
 * A script for core's `scriptedProvider`: each call gets the next text written for its item and tier, with
 * rough usage. For answers that are plain text; a script with logprobs or k samples builds its own steps.
 */
export function textReplies(answers: ScriptedAnswers<string>): (call: ScriptedCall) => ScriptStep {
  return ({ request }) => {
    const text = answers.next(request);
    return { text, usage: roughUsage({ messages: request.messages, outputs: [text] }) };
  };
}
