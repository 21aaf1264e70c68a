import { hash } from 'node:crypto';
import type { CascadeRequest, Message } from '@llm-cascade/core';

/**
 * The messages a provider sees for a cascade request, built the way the engine builds them: the `system`
 * prompt first, then `messages`, then `prompt` as a final user message.
 */
export function requestMessages(request: Pick<CascadeRequest, 'system' | 'messages' | 'prompt'>): Message[] {
  const messages: Message[] = [];
  if (request.system !== undefined) messages.push({ role: 'system', content: request.system });
  if (request.messages !== undefined) {
    for (const message of request.messages) messages.push({ role: message.role, content: message.content });
  }
  if (request.prompt !== undefined) messages.push({ role: 'user', content: request.prompt });
  return messages;
}

/** The part of a message that identifies it: Unicode NFC, `\n` line ends, no surrounding whitespace. */
function normaliseContent(content: string): string {
  // The checks skip work most prompts do not need (plain ASCII, no carriage returns).
  const composed = NON_ASCII.test(content) ? content.normalize('NFC') : content;
  return (composed.includes('\r') ? composed.replace(/\r\n?/g, '\n') : composed).trim();
}

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * A stable hash of a conversation, for matching a request to a recording when it has no id.
 *
 * Definition (keep it stable: recordings written by other tools rely on it): each message becomes
 * `[role, content]`, where content is Unicode-NFC normalised, has `\r\n` and `\r` turned into `\n`, and is
 * trimmed; the list is serialised with `JSON.stringify` and hashed with SHA-256; the result is the first
 * 32 hexadecimal digits (128 bits). Only roles and contents count: the model, response format, temperature
 * and metadata do not, so one recording answers the same conversation sent to any tier.
 *
 * Warning: a repair conversation (the answer and the feedback appended) hashes differently from the
 * original request, by design.
 */
export function hashMessages(messages: readonly Message[]): string {
  const canonical = JSON.stringify(messages.map((message) => [message.role, normaliseContent(message.content)]));
  return hash('sha256', canonical, 'hex').slice(0, 32);
}

/** `hashMessages` of a cascade request's normalised messages (`system`, `messages`, `prompt`). */
export function hashRequest(request: Pick<CascadeRequest, 'system' | 'messages' | 'prompt'>): string {
  return hashMessages(requestMessages(request));
}
