// Where the models are: the real APIs when their keys are set, otherwise the replay server embedded in this
// process, serving answers written for this example (recorded/tickets.jsonl) to the real `openai` client.
import type { Provider } from '@llm-cascade/core';
import { anthropicProvider } from '@llm-cascade/provider-anthropic';
import { openaiProvider } from '@llm-cascade/provider-openai';
import { startReplayServer } from '@llm-cascade/provider-replay';

export interface Models {
  /** Serves the OpenAI tiers. */
  readonly openai: Provider;
  /** Serves the Claude tier. */
  readonly anthropic: Provider;
  /** One line per provider saying where its answers come from. */
  readonly description: readonly string[];
  /** True when no real API is called. */
  readonly offline: boolean;
  close(): Promise<void>;
}

const hasKey = (name: string): boolean => (process.env[name] ?? '').trim() !== '';

/**
 * Live providers for the keys that are set; the replay server for the rest. Offline, the Claude tier is
 * served by the same replay server through the `openai` client (declared without logprobs or `n`, as
 * Anthropic has neither): its answers are recorded under the Claude model's name, but no Anthropic client
 * or wire format is involved.
 */
export async function connectModels(recording: string): Promise<Models> {
  const liveOpenai = hasKey('OPENAI_API_KEY');
  const liveAnthropic = hasKey('ANTHROPIC_API_KEY');
  const server = liveOpenai && liveAnthropic ? undefined : await startReplayServer({ path: recording });
  const replay = (capabilities: { logprobs: boolean; multipleSamples: boolean }): Provider => {
    if (server === undefined) throw new Error('the replay server was not started');
    // The replay server checks no key; the client still wants a non-empty one.
    return openaiProvider({
      baseURL: server.baseURL,
      apiKey: 'replay-needs-no-key',
      id: 'replay',
      capabilities,
      ...(capabilities.logprobs ? { topLogprobs: 3 } : {}),
    });
  };
  const description: string[] = [];
  // Three alternatives per token: the example prints the runner-up label of an unsure answer.
  const openai = liveOpenai ? openaiProvider({ topLogprobs: 3 }) : replay({ logprobs: true, multipleSamples: true });
  description.push(
    liveOpenai
      ? 'OpenAI tiers: the real OpenAI API (OPENAI_API_KEY is set)'
      : `OpenAI tiers: replay server at ${server?.baseURL} through the openai client (OPENAI_API_KEY is not set)`,
  );
  const anthropic = liveAnthropic ? anthropicProvider() : replay({ logprobs: false, multipleSamples: false });
  description.push(
    liveAnthropic
      ? 'Claude tier: the real Anthropic API (ANTHROPIC_API_KEY is set)'
      : 'Claude tier: the same replay server through the openai client (ANTHROPIC_API_KEY is not set)',
  );
  return {
    openai,
    anthropic,
    description,
    offline: !liveOpenai && !liveAnthropic,
    close: async () => {
      await server?.close();
    },
  };
}
