import type { CascadeRequest } from '@llm-cascade/core';

/** The text of a request as the router reads it, and counts the structure features need. */
export interface RequestText {
  /** System prompt, messages and prompt, newline-joined, cut to the configured size (head and tail). */
  readonly text: string;
  /** Characters of the whole text before cutting. */
  readonly fullLength: number;
  readonly messages: number;
  readonly assistantTurns: number;
  readonly hasSystem: boolean;
}

/** Separates the kept head and tail of a long text; not a word character, so no n-gram spans it. */
const ELISION = '\n…\n';

/**
 * Joins the request's system prompt, messages and prompt in the order the engine sends them. A text
 * longer than `maxChars` keeps its first and last halves: the task statement tends to open a prompt and
 * the question to close it.
 */
export function requestText(request: CascadeRequest, maxChars: number): RequestText {
  const parts: string[] = [];
  let assistantTurns = 0;
  let hasSystem = false;
  if (typeof request.system === 'string' && request.system.length > 0) {
    parts.push(request.system);
    hasSystem = true;
  }
  for (const message of request.messages ?? []) {
    if (typeof message?.content !== 'string') continue;
    if (message.role === 'assistant') assistantTurns += 1;
    if (message.role === 'system') hasSystem = true;
    parts.push(message.content);
  }
  if (typeof request.prompt === 'string') parts.push(request.prompt);
  const whole = parts.join('\n');
  const half = Math.floor(maxChars / 2);
  const text =
    whole.length <= maxChars ? whole : `${whole.slice(0, half)}${ELISION}${whole.slice(whole.length - half)}`;
  return {
    text,
    fullLength: whole.length,
    messages: parts.length - (hasSystem && typeof request.system === 'string' && request.system.length > 0 ? 1 : 0),
    assistantTurns,
    hasSystem,
  };
}
