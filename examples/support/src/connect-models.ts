// Where an example's models are: the real APIs when their keys are set, otherwise the replay server from
// @llm-cascade/provider-replay, started in this process on the example's hand-written recording and reached
// by the real `openai` client over HTTP on 127.0.0.1. No key, no network.
import { ConfigError, type Provider } from '@llm-cascade/core';
import { anthropicProvider } from '@llm-cascade/provider-anthropic';
import { openaiProvider } from '@llm-cascade/provider-openai';
import { type ReplayServer, startReplayServer } from '@llm-cascade/provider-replay';

/** The providers of an example whose tiers are all OpenAI models. */
export interface OpenaiModels {
  /** Serves the OpenAI tiers. */
  readonly openai: Provider;
  /** One line per provider saying where its answers come from, for the example to print. */
  readonly description: readonly string[];
  /** True when no real API is called. */
  readonly offline: boolean;
  /** Stops the replay server, if one was started. */
  close(): Promise<void>;
}

/** The providers of an example with OpenAI tiers and a Claude tier. */
export interface Models extends OpenaiModels {
  /** Serves the Claude tier. */
  readonly anthropic: Provider;
}

export interface ConnectModelsOptions {
  /** The JSONL recording the replay server answers from when a key is missing. */
  readonly recording: string;
  /**
   * Alternatives per token the OpenAI tiers ask for, live and replayed (only for an example that shows them).
   * The Claude tier never gets it: Anthropic has no logprobs.
   */
  readonly topLogprobs?: number;
}

const hasKey = (name: string): boolean => (process.env[name] ?? '').trim() !== '';

function checkRecording(recording: unknown): void {
  if (typeof recording !== 'string' || recording.trim() === '') {
    throw new ConfigError('recording', 'must be the path of a JSONL recording');
  }
}

function replayed(
  server: ReplayServer,
  capabilities: { logprobs: boolean; multipleSamples: boolean },
  topLogprobs: number | undefined,
): Provider {
  // The replay server checks no key; the client still wants a non-empty one.
  return openaiProvider({
    baseURL: server.baseURL,
    apiKey: 'replay-needs-no-key',
    id: 'replay',
    capabilities,
    ...(topLogprobs === undefined ? {} : { topLogprobs }),
  });
}

/** Where the OpenAI answers come from, in words. */
function openaiSource(server: ReplayServer | undefined): string {
  return server === undefined
    ? 'the real OpenAI API (OPENAI_API_KEY is set)'
    : `replay server at ${server.baseURL} through the openai client (OPENAI_API_KEY is not set)`;
}

/**
 * Live providers for the keys that are set; the replay server for the rest. Offline, the Claude tier is
 * served by the same replay server through the `openai` client (declared without logprobs or `n`, as
 * Anthropic has neither): its answers are recorded under the Claude model's name, but no Anthropic client
 * or wire format is involved, so the offline run says nothing about the Anthropic provider.
 *
 * Call `close()` when done, or the replay server keeps the process alive.
 */
export async function connectModels(options: ConnectModelsOptions): Promise<Models> {
  checkRecording(options.recording);
  const { topLogprobs } = options;
  const liveOpenai = hasKey('OPENAI_API_KEY');
  const liveAnthropic = hasKey('ANTHROPIC_API_KEY');
  const server = liveOpenai && liveAnthropic ? undefined : await startReplayServer({ path: options.recording });
  const replay = (capabilities: { logprobs: boolean; multipleSamples: boolean }, top?: number): Provider => {
    if (server === undefined) throw new Error('the replay server was not started');
    return replayed(server, capabilities, top);
  };
  const openai = liveOpenai
    ? openaiProvider(topLogprobs === undefined ? {} : { topLogprobs })
    : replay({ logprobs: true, multipleSamples: true }, topLogprobs);
  const anthropic = liveAnthropic ? anthropicProvider() : replay({ logprobs: false, multipleSamples: false });
  return {
    openai,
    anthropic,
    description: [
      `OpenAI tiers: ${openaiSource(liveOpenai ? undefined : server)}`,
      liveAnthropic
        ? 'Claude tier: the real Anthropic API (ANTHROPIC_API_KEY is set)'
        : 'Claude tier: the same replay server through the openai client (ANTHROPIC_API_KEY is not set)',
    ],
    offline: !liveOpenai && !liveAnthropic,
    close: async () => {
      await server?.close();
    },
  };
}

/**
 * The real OpenAI API when OPENAI_API_KEY is set, otherwise the replay server (started only then), which
 * serves k samples in one call (`n`) as OpenAI does. For an example with no Claude tier: it starts nothing
 * and says nothing about ANTHROPIC_API_KEY.
 *
 * Call `close()` when done, or the replay server keeps the process alive.
 */
export async function connectOpenaiModels(options: Pick<ConnectModelsOptions, 'recording'>): Promise<OpenaiModels> {
  checkRecording(options.recording);
  if (hasKey('OPENAI_API_KEY')) {
    return {
      openai: openaiProvider(),
      description: [`models: ${openaiSource(undefined)}`],
      offline: false,
      close: async () => {},
    };
  }
  const server = await startReplayServer({ path: options.recording });
  return {
    openai: replayed(server, { logprobs: true, multipleSamples: true }, undefined),
    description: [`models: ${openaiSource(server)}`],
    offline: true,
    close: () => server.close(),
  };
}
