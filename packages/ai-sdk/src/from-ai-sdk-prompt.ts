import { type LanguageModelV4Prompt, type SharedV4Warning, UnsupportedFunctionalityError } from '@ai-sdk/provider';
import type { Message } from '@llm-cascade/core';

/** The cascade's messages for an AI SDK prompt, and what was dropped on the way. */
export interface MappedPrompt {
  readonly messages: Message[];
  readonly warnings: SharedV4Warning[];
}

function unsupported(functionality: string, message: string): UnsupportedFunctionalityError {
  return new UnsupportedFunctionalityError({ functionality, message: `llm-cascade: ${message}` });
}

/**
 * Maps the AI SDK prompt to the cascade's text messages. A cascade's gates judge text, so only text goes
 * through: files, tool calls and tool results throw `UnsupportedFunctionalityError`; reasoning parts of
 * earlier assistant turns are dropped with a warning (most providers drop them too).
 */
export function fromAiSdkPrompt(prompt: LanguageModelV4Prompt): MappedPrompt {
  const messages: Message[] = [];
  const warnings: SharedV4Warning[] = [];
  let droppedReasoning = false;
  for (const message of prompt) {
    if (message.role === 'system') {
      messages.push({ role: 'system', content: message.content });
      continue;
    }
    if (message.role === 'tool') {
      throw unsupported('tool-result', 'tool results are not supported: a cascade answers with text only');
    }
    let text = '';
    for (const part of message.content) {
      if (part.type === 'text') text += part.text;
      else if (part.type === 'reasoning' || part.type === 'reasoning-file') droppedReasoning = true;
      else if (part.type === 'file') {
        throw unsupported('file-part', `file parts (${part.mediaType}) are not supported: a cascade takes text only`);
      } else if (part.type === 'tool-call' || part.type === 'tool-result') {
        throw unsupported(part.type, 'tool calls are not supported: a cascade answers with text only');
      } else {
        throw unsupported(`${part.type}-part`, `'${part.type}' parts are not supported: a cascade takes text only`);
      }
    }
    messages.push({ role: message.role, content: text });
  }
  if (droppedReasoning) {
    warnings.push({
      type: 'unsupported',
      feature: 'reasoning',
      details: 'reasoning parts of earlier turns were dropped',
    });
  }
  return { messages, warnings };
}
