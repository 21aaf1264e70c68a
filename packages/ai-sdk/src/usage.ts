import type { LanguageModelV4FinishReason, LanguageModelV4Usage } from '@ai-sdk/provider';
import type { FinishReason, Usage } from '@llm-cascade/core';

/** AI SDK usage -> core usage. A model that reports no count is counted as 0 (core needs numbers). */
export function usageFromAiSdk(usage: LanguageModelV4Usage): Usage {
  const cacheRead = usage.inputTokens.cacheRead;
  const cacheWrite = usage.inputTokens.cacheWrite;
  return {
    inputTokens: usage.inputTokens.total ?? 0,
    outputTokens: usage.outputTokens.total ?? 0,
    ...(cacheRead === undefined ? {} : { cachedInputTokens: cacheRead }),
    ...(cacheWrite === undefined ? {} : { cacheWriteInputTokens: cacheWrite }),
  };
}

/** Core usage -> AI SDK usage. */
export function usageToAiSdk(usage: Usage): LanguageModelV4Usage {
  const cacheRead = usage.cachedInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  return {
    inputTokens: {
      total: usage.inputTokens,
      noCache: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
      cacheRead: usage.cachedInputTokens,
      cacheWrite: usage.cacheWriteInputTokens,
    },
    outputTokens: { total: usage.outputTokens, text: undefined, reasoning: undefined },
  };
}

/** AI SDK finish reason -> core. `error` and `interrupted` have no core counterpart: `other`. */
export function finishReasonFromAiSdk(reason: LanguageModelV4FinishReason): FinishReason {
  switch (reason.unified) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'content-filter':
      return 'content_filter';
    case 'tool-calls':
      return 'tool_calls';
    default:
      return 'other';
  }
}

/** Core finish reason -> AI SDK. Core's `refusal` has no AI SDK counterpart: `other`, raw `refusal`. */
export function finishReasonToAiSdk(reason: FinishReason): LanguageModelV4FinishReason {
  switch (reason) {
    case 'stop':
      return { unified: 'stop', raw: reason };
    case 'length':
      return { unified: 'length', raw: reason };
    case 'content_filter':
      return { unified: 'content-filter', raw: reason };
    case 'tool_calls':
      return { unified: 'tool-calls', raw: reason };
    default:
      return { unified: 'other', raw: reason };
  }
}
