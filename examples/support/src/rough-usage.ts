import type { Message } from '@llm-cascade/core';

/** A rough token count: about four characters a token, at least one. Not a tokenizer. */
function roughTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export interface RoughUsageOptions {
  /** The conversation sent: each message's text plus four tokens for its framing. */
  readonly messages: readonly Message[];
  /** Every answer of the call: one, or k samples of one call with `n = k` (the input is billed once). */
  readonly outputs: readonly string[];
}

/**
 * Plausible token usage for a hand-written answer, so a recording's costs come out plausible. An estimate
 * from character counts: never use it to bill anything real.
 */
export function roughUsage(options: RoughUsageOptions): { inputTokens: number; outputTokens: number } {
  return {
    inputTokens: options.messages.reduce((sum, message) => sum + roughTokens(message.content) + 4, 0),
    outputTokens: options.outputs.reduce((sum, text) => sum + roughTokens(text), 0),
  };
}
