import type { ProviderCapabilities } from '@llm-cascade/core';

/** What to tell `openaiProvider` about one kind of OpenAI-compatible server. Spread it into the options. */
export interface ServerPreset {
  /** Reported as `gen_ai.provider.name`. */
  readonly id: string;
  readonly capabilities: ProviderCapabilities;
  /** The output-cap field the server understands. */
  readonly maxTokensField: 'max_completion_tokens' | 'max_tokens';
}

/**
 * Conservative defaults for OpenAI-compatible servers, as known in August 2025 (no server was run while
 * writing them). A capability is on only where the server's documentation and releases showed support
 * without special setup; support varies by version, model and (for OpenRouter) upstream provider, so
 * check yours and override, e.g. `openaiProvider({ ...serverPresets.ollama, capabilities: { ...,
 * logprobs: true } })`. The README's table says what each server supports and where it varies.
 *
 * A server that ignores `n` is harmless (the engine tops up with further calls) but bills the input each
 * time; one that ignores `logprobs` leaves logprob gates without data, and they fail or skip.
 */
export const serverPresets = Object.freeze({
  openai: Object.freeze({
    id: 'openai',
    capabilities: Object.freeze({ logprobs: true, multipleSamples: true, structuredOutput: true }),
    maxTokensField: 'max_completion_tokens',
  }),
  vllm: Object.freeze({
    id: 'vllm',
    capabilities: Object.freeze({ logprobs: true, multipleSamples: true, structuredOutput: true }),
    maxTokensField: 'max_tokens',
  }),
  ollama: Object.freeze({
    id: 'ollama',
    capabilities: Object.freeze({ logprobs: false, multipleSamples: false, structuredOutput: true }),
    maxTokensField: 'max_tokens',
  }),
  llamaCpp: Object.freeze({
    id: 'llama.cpp',
    capabilities: Object.freeze({ logprobs: true, multipleSamples: false, structuredOutput: true }),
    maxTokensField: 'max_tokens',
  }),
  openrouter: Object.freeze({
    id: 'openrouter',
    capabilities: Object.freeze({ logprobs: false, multipleSamples: false, structuredOutput: false }),
    maxTokensField: 'max_tokens',
  }),
} satisfies { readonly [name: string]: ServerPreset });
