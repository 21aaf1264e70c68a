import type { Message, Price, Usage } from './contracts.ts';

const PER_TOKEN = 1 / 1_000_000;

/** USD for the tokens of one call at a tier's price. Cached and cache-write tokens use their own prices when given. */
export function costOf(usage: Usage, price: Price): number {
  const cached = usage.cachedInputTokens ?? 0;
  const written = usage.cacheWriteInputTokens ?? 0;
  const plain = Math.max(0, usage.inputTokens - cached - written);
  return (
    (plain * price.inputPerMTok +
      cached * (price.cachedInputPerMTok ?? price.inputPerMTok) +
      written * (price.cacheWritePerMTok ?? price.inputPerMTok) +
      usage.outputTokens * price.outputPerMTok) *
    PER_TOKEN
  );
}

/** Adds usages; optional cache counts appear in the sum only when some part reported them. */
export function addUsage(a: Usage, b: Usage): Usage {
  const cached = (a.cachedInputTokens ?? 0) + (b.cachedInputTokens ?? 0);
  const written = (a.cacheWriteInputTokens ?? 0) + (b.cacheWriteInputTokens ?? 0);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    ...(cached > 0 ? { cachedInputTokens: cached } : {}),
    ...(written > 0 ? { cacheWriteInputTokens: written } : {}),
  };
}

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0 });

// Every chat format wraps each message in a few tokens of role markup.
const PER_MESSAGE_OVERHEAD = 4;

/**
 * An upper-bound guess of input tokens without a tokenizer: UTF-8 bytes / 3 plus role markup. Real
 * tokenizers average about 4 bytes a token on English, so this errs high, which a budget check wants.
 */
export function estimateInputTokens(messages: readonly Message[]): number {
  let tokens = 0;
  for (const message of messages) {
    tokens += Math.ceil(Buffer.byteLength(message.content, 'utf8') / 3) + PER_MESSAGE_OVERHEAD;
  }
  return tokens;
}
