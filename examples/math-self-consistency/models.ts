// Where the models are: the real OpenAI API when OPENAI_API_KEY is set, otherwise the replay server embedded
// in this process, serving samples written for this example (recorded/problems.jsonl) to the real `openai`
// client, k samples in one call (`n`), as OpenAI serves them.
import type { Provider } from '@llm-cascade/core';
import { openaiProvider } from '@llm-cascade/provider-openai';
import { startReplayServer } from '@llm-cascade/provider-replay';

export interface Models {
  readonly openai: Provider;
  /** Where the answers come from, in a sentence. */
  readonly description: string;
  readonly offline: boolean;
  close(): Promise<void>;
}

export async function connectModels(recording: string): Promise<Models> {
  if ((process.env.OPENAI_API_KEY ?? '').trim() !== '') {
    return {
      openai: openaiProvider(),
      description: 'the real OpenAI API (OPENAI_API_KEY is set)',
      offline: false,
      close: async () => {},
    };
  }
  const server = await startReplayServer({ path: recording });
  return {
    // The replay server checks no key; the client still wants a non-empty one.
    openai: openaiProvider({ baseURL: server.baseURL, apiKey: 'replay-needs-no-key', id: 'replay' }),
    description: `replay server at ${server.baseURL} through the openai client (OPENAI_API_KEY is not set)`,
    offline: true,
    close: () => server.close(),
  };
}
