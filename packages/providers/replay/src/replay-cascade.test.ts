/**
 * A whole cascade over HTTP: the real `openai` client talks to the replay server, with no network. The
 * same cascade run in process on `replayProvider` must give the same attempts, tokens and cost.
 */
import {
  type Candidate,
  type CascadeRequest,
  type CascadeResult,
  createCascade,
  type FinishReason,
  type Gate,
  type Generation,
  type Price,
  type Provider,
  ProviderError,
  type ProviderErrorKind,
  SPECIFICATION_VERSION,
  type TokenLogprob,
} from '@llm-cascade/core';
import { openaiProvider } from '@llm-cascade/provider-openai';
import { APIConnectionError, APIError, APIUserAbortError, OpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from './recording.ts';
import { replayProvider } from './replay-provider.ts';
import { type ReplayServer, startReplayServer } from './replay-server.ts';

const SYSTEM = 'Reply with the answer only.';
const lp = (token: string, logprob: number): TokenLogprob => ({ token, logprob });

const records: RecordedRequest[] = [
  {
    id: 'arith-1',
    request: { system: SYSTEM, prompt: 'What is 17 + 25?' },
    reference: '42',
    tiers: {
      'gpt-4o-mini': {
        candidates: [
          { text: '42', logprobs: [lp('42', -0.01)] },
          { text: '42', logprobs: [lp('42', -0.02)] },
          { text: '42', logprobs: [lp('42', -0.01)] },
        ],
        usage: { inputTokens: 24, outputTokens: 3 },
      },
      'gpt-4o': { candidates: [{ text: '42', logprobs: [lp('42', 0)] }], usage: { inputTokens: 24, outputTokens: 1 } },
    },
  },
  {
    id: 'date-2',
    request: { system: SYSTEM, prompt: 'Which day of the week was 1 March 2024?' },
    reference: 'Friday',
    tiers: {
      'gpt-4o-mini': {
        candidates: [
          { text: 'Friday', logprobs: [lp('Friday', -0.9)] },
          { text: 'Thursday', logprobs: [lp('Thursday', -1.1)] },
          { text: 'Friday', logprobs: [lp('Friday', -0.8)] },
        ],
        usage: { inputTokens: 30, outputTokens: 3 },
      },
      'gpt-4o': {
        candidates: [{ text: 'Friday', logprobs: [lp('Friday', -0.05)] }],
        usage: { inputTokens: 30, outputTokens: 1 },
      },
    },
  },
  {
    id: 'unit-3',
    request: { system: SYSTEM, prompt: 'How many metres are in 3.5 km?' },
    reference: '3500',
    tiers: {
      'gpt-4o': {
        candidates: [{ text: '3500 m', logprobs: [lp('350', -0.1), lp('0 m', -0.2)] }],
        usage: { inputTokens: 27, outputTokens: 3 },
      },
    },
  },
];

const requests: CascadeRequest[] = records.map((record) => ({ id: record.id, ...record.request }));
const prices: Record<string, Price> = {
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
};

/** Accepts when all samples agree and every token is confident; the voted answer is the value. */
const agreement: Gate<string> = {
  name: 'agreement',
  requires: { samples: 3, logprobs: true },
  evaluate(context) {
    const answers = context.candidates.map((candidate) => candidate.text.trim());
    const unanimous = answers.every((answer) => answer === answers[0]);
    const confident = context.candidates.every((candidate) =>
      (candidate.logprobs ?? []).every((token) => token.logprob > -0.5),
    );
    return unanimous && confident
      ? { status: 'pass', reason: 'ok', value: answers[0] ?? '' }
      : { status: 'fail', reason: unanimous ? 'low-confidence' : 'disagreement' };
  },
};

const KINDS: ReadonlyArray<[number, ProviderErrorKind, boolean]> = [
  [400, 'bad-request', false],
  [401, 'auth', false],
  [403, 'auth', false],
  [404, 'not-found', false],
  [429, 'rate-limit', true],
];

/**
 * The smallest Provider over the real openai client, for this test only: one call with `n`, logprobs,
 * the request id in `x-cascade-request-id`, optionally streamed; errors classified by status.
 */
function openaiAdapter(client: OpenAI, options: { stream: boolean }): Provider {
  const finish = (reason: string | null): FinishReason =>
    reason === 'length' || reason === 'content_filter' || reason === 'tool_calls' || reason === 'stop'
      ? reason
      : 'other';
  const logprobsOf = (content: readonly { token: string; logprob: number }[] | null | undefined) =>
    content?.map((token) => ({ token: token.token, logprob: token.logprob }));
  return {
    specificationVersion: SPECIFICATION_VERSION,
    id: 'openai',
    capabilities: { logprobs: true, multipleSamples: true, structuredOutput: true },
    async generate(request, call): Promise<Generation> {
      const body = {
        model: request.model,
        messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
        ...(call.samples === undefined ? {} : { n: call.samples }),
        ...(call.logprobs === true ? { logprobs: true } : {}),
      };
      const requestOptions = {
        signal: call.signal,
        maxRetries: 0,
        ...(request.requestId === undefined ? {} : { headers: { 'x-cascade-request-id': request.requestId } }),
      };
      try {
        if (!options.stream) {
          const completion = await client.chat.completions.create(body, requestOptions);
          return {
            model: completion.model,
            candidates: completion.choices.map((choice): Candidate => {
              const logprobs = logprobsOf(choice.logprobs?.content);
              return {
                text: choice.message.content ?? '',
                finishReason: finish(choice.finish_reason),
                ...(logprobs ? { logprobs } : {}),
              };
            }),
            usage: {
              inputTokens: completion.usage?.prompt_tokens ?? 0,
              outputTokens: completion.usage?.completion_tokens ?? 0,
            },
          };
        }
        const stream = await client.chat.completions.create(
          { ...body, stream: true, stream_options: { include_usage: true } },
          requestOptions,
        );
        const texts: string[] = [];
        const tokens: TokenLogprob[][] = [];
        const reasons: FinishReason[] = [];
        let model = request.model;
        let usage = { inputTokens: 0, outputTokens: 0 };
        for await (const chunk of stream) {
          model = chunk.model;
          if (chunk.usage)
            usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
          for (const choice of chunk.choices) {
            texts[choice.index] = (texts[choice.index] ?? '') + (choice.delta.content ?? '');
            tokens[choice.index] = [...(tokens[choice.index] ?? []), ...(logprobsOf(choice.logprobs?.content) ?? [])];
            if (choice.finish_reason) reasons[choice.index] = finish(choice.finish_reason);
          }
        }
        return {
          model,
          usage,
          candidates: texts.map((text, index) => ({
            text,
            finishReason: reasons[index] ?? 'other',
            ...(call.logprobs === true ? { logprobs: tokens[index] ?? [] } : {}),
          })),
        };
      } catch (error) {
        if (error instanceof APIUserAbortError) throw call.signal.reason;
        if (error instanceof APIError && error.status !== undefined) {
          const known = KINDS.find(([status]) => status === error.status);
          throw new ProviderError(error.message, {
            kind: known?.[1] ?? (error.status >= 500 ? 'server' : 'unknown'),
            retryable: known?.[2] ?? error.status >= 500,
            status: error.status,
            providerId: 'openai',
            model: request.model,
            cause: error,
          });
        }
        if (error instanceof APIConnectionError) {
          throw new ProviderError(error.message, {
            kind: 'connection',
            retryable: true,
            providerId: 'openai',
            model: request.model,
            cause: error,
          });
        }
        throw error;
      }
    },
  };
}

function cascadeOver(small: Provider, large: Provider) {
  return createCascade<string>({
    tiers: [
      {
        name: 'small',
        provider: small,
        model: 'gpt-4o-mini',
        price: prices['gpt-4o-mini'] as Price,
        retries: 0,
        gates: [agreement],
      },
      // The top tier answers once and is trusted (only the built-in soft-failure gates run).
      { name: 'large', provider: large, model: 'gpt-4o', price: prices['gpt-4o'] as Price, retries: 0, gates: [] },
    ],
  });
}

/** What must match between runs: everything but timings and error objects' identity. */
function summary(result: CascadeResult<string>) {
  return {
    tier: result.tier,
    value: result.value,
    text: result.text,
    usage: result.usage,
    costUsd: result.costUsd,
    attempts: result.attempts.map((attempt) => ({
      tier: attempt.tier,
      outcome: attempt.outcome,
      candidates: attempt.candidates.map((candidate) => [candidate.text, candidate.finishReason, candidate.logprobs]),
      usage: attempt.usage,
      costUsd: attempt.costUsd,
      gates: attempt.gates.map((gate) => [gate.name, gate.status, gate.reason]),
      errorKind: ProviderError.isInstance(attempt.error) ? attempt.error.kind : undefined,
    })),
  };
}

let server: ReplayServer;
let inProcess: ReturnType<typeof summary>[];

beforeAll(async () => {
  server = await startReplayServer({ records });
  const local = replayProvider({ records });
  const cascade = cascadeOver(local, local);
  inProcess = [];
  for (const request of requests) inProcess.push(summary(await cascade.run(request)));
});
afterAll(async () => {
  await server.close();
});

describe('a cascade over the replay server with the real openai client', () => {
  it('escalates as recorded: accepted on small, escalated on disagreement, escalated past a missing recording', () => {
    expect(
      inProcess.map((run) => [run.tier, run.value, run.attempts.map((a) => `${a.tier}:${a.outcome}`).join(' ')]),
    ).toEqual([
      ['small', '42', 'small:accepted'],
      ['large', 'Friday', 'small:gate-failed large:accepted'],
      ['large', '3500 m', 'small:provider-error large:accepted'],
    ]);
    expect(inProcess[2]?.attempts[0]?.errorKind).toBe('not-found');
    expect(inProcess[1]?.usage).toEqual({ inputTokens: 60, outputTokens: 4 });
  });

  it('gives the same attempts, tokens and cost over HTTP (non-streaming small tier, streaming large tier)', async () => {
    const client = new OpenAI({ apiKey: 'replay', baseURL: server.baseURL, maxRetries: 0 });
    const cascade = cascadeOver(openaiAdapter(client, { stream: false }), openaiAdapter(client, { stream: true }));
    const overHttp = [];
    for (const request of requests) overHttp.push(summary(await cascade.run(request)));
    expect(overHttp).toEqual(inProcess);
  });

  it('matches by messages hash when the client sends no id (openaiProvider, streaming and not)', async () => {
    for (const stream of [false, true]) {
      const provider = openaiProvider({ apiKey: 'replay', baseURL: server.baseURL, stream });
      const cascade = cascadeOver(provider, provider);
      const runs = [];
      for (const { id: _, ...request } of requests) runs.push(summary(await cascade.run(request)));
      expect(runs).toEqual(inProcess);
    }
  });
});
