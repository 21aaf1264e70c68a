import { ConfigError } from '@llm-cascade/core';
import { BadRequestError, NotFoundError, OpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from './recording.ts';
import { isLoopbackAddress, type ReplayServer, startReplayServer } from './replay-server.ts';

const records: RecordedRequest[] = [
  {
    id: 'sentiment-1',
    request: {
      system: 'Classify the sentiment: positive, negative or neutral.',
      prompt: 'The battery died after a day.',
    },
    tiers: {
      'gpt-4o-mini': {
        candidates: [
          {
            text: 'negative',
            logprobs: [
              {
                token: 'neg',
                logprob: -0.02,
                topLogprobs: [
                  { token: 'neg', logprob: -0.02 },
                  { token: 'neutral', logprob: -4.1 },
                  { token: 'pos', logprob: -6 },
                ],
              },
              { token: 'ative', logprob: -0.0001, topLogprobs: [{ token: 'ative', logprob: -0.0001 }] },
            ],
          },
          {
            text: 'negative',
            logprobs: [
              { token: 'neg', logprob: -0.03 },
              { token: 'ative', logprob: -0.0002 },
            ],
          },
          { text: 'neutral', logprobs: [{ token: 'neutral', logprob: -3.9 }] },
        ],
        usage: { inputTokens: 31, outputTokens: 5, cachedInputTokens: 16 },
      },
    },
  },
  {
    id: 'summary-7',
    request: { messages: [{ role: 'user', content: 'Summarise: the meeting moved to Friday at 3 pm.' }] },
    tiers: {
      'gpt-4o': {
        candidates: [{ text: 'The meeting is now on Friday at 3 pm.' }],
        usage: { inputTokens: 17, outputTokens: 11 },
      },
      'gpt-4o-mini': {
        candidates: [{ text: 'Meeting: Friday, 3 pm', finishReason: 'length' }],
        usage: { inputTokens: 17, outputTokens: 8 },
      },
    },
  },
];

const sentiment = [
  { role: 'system' as const, content: 'Classify the sentiment: positive, negative or neutral.' },
  { role: 'user' as const, content: 'The battery died after a day.' },
];

let server: ReplayServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startReplayServer({ records });
  client = new OpenAI({ apiKey: 'not-a-real-key', baseURL: server.baseURL, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});

describe('startReplayServer chat completions', () => {
  it('answers a request matched by the x-cascade-request-id header, with the recorded usage', async () => {
    const { data, response } = await client.chat.completions
      .create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'reformatted prompt' }] },
        { headers: { 'x-cascade-request-id': 'summary-7' } },
      )
      .withResponse();
    expect(response.headers.get('x-cascade-match')).toBe('id');
    expect(response.headers.get('x-cascade-recording-id')).toBe('summary-7');
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('gpt-4o');
    expect(data.choices).toHaveLength(1);
    expect(data.choices[0]?.message.content).toBe('The meeting is now on Friday at 3 pm.');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.choices[0]?.logprobs).toBeNull();
    expect(data.usage).toMatchObject({ prompt_tokens: 17, completion_tokens: 11, total_tokens: 28 });
  });

  it('matches by the messages hash, treating developer messages as system', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'developer', content: sentiment[0]?.content ?? '' },
          sentiment[1] ?? { role: 'user', content: '' },
        ],
      })
      .withResponse();
    expect(response.headers.get('x-cascade-match')).toBe('hash');
    expect(data.choices[0]?.message.content).toBe('negative');
  });

  it('takes the request id from metadata or user when no header carries one', async () => {
    const other = [{ role: 'user' as const, content: 'not the recorded text' }];
    const viaMetadata = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: other,
      metadata: { cascade_request_id: 'summary-7' },
    });
    expect(viaMetadata.choices[0]?.message.content).toBe('Meeting: Friday, 3 pm');
    expect(viaMetadata.choices[0]?.finish_reason).toBe('length');
    const viaUser = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: other, user: 'summary-7' });
    expect(viaUser.choices[0]?.message.content).toBe('Meeting: Friday, 3 pm');
  });

  it('honours n, logprobs and top_logprobs', async () => {
    const data = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: sentiment,
      n: 3,
      logprobs: true,
      top_logprobs: 2,
    });
    expect(data.choices.map((c) => [c.index, c.message.content])).toEqual([
      [0, 'negative'],
      [1, 'negative'],
      [2, 'neutral'],
    ]);
    const first = data.choices[0]?.logprobs?.content;
    expect(first?.map((t) => [t.token, t.logprob])).toEqual([
      ['neg', -0.02],
      ['ative', -0.0001],
    ]);
    expect(first?.[0]?.bytes).toEqual([...Buffer.from('neg')]);
    expect(first?.[0]?.top_logprobs.map((t) => t.token)).toEqual(['neg', 'neutral']);
    expect(data.choices[2]?.logprobs?.content?.[0]?.top_logprobs).toEqual([]);
    expect(data.usage).toMatchObject({
      prompt_tokens: 31,
      completion_tokens: 5,
      total_tokens: 36,
      prompt_tokens_details: { cached_tokens: 16 },
    });
  });

  it('returns empty top_logprobs when only logprobs is asked for, as OpenAI does', async () => {
    const data = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: sentiment, logprobs: true });
    expect(data.choices[0]?.logprobs?.content?.[0]?.top_logprobs).toEqual([]);
  });

  it('streams SSE chunks per choice with per-token logprobs and a final usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: sentiment,
      n: 2,
      logprobs: true,
      top_logprobs: 1,
      stream: true,
      stream_options: { include_usage: true },
    });
    const text = ['', ''];
    const tokens: string[][] = [[], []];
    const finish: (string | null)[] = [null, null];
    let usage: OpenAI.CompletionUsage | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices) {
        text[choice.index] += choice.delta.content ?? '';
        for (const token of choice.logprobs?.content ?? [])
          tokens[choice.index]?.push(`${token.token}:${token.logprob}:${token.top_logprobs.length}`);
        if (choice.finish_reason) finish[choice.index] = choice.finish_reason;
      }
    }
    expect(text).toEqual(['negative', 'negative']);
    expect(tokens).toEqual([
      ['neg:-0.02:1', 'ative:-0.0001:1'],
      ['neg:-0.03:0', 'ative:-0.0002:0'],
    ]);
    expect(finish).toEqual(['stop', 'stop']);
    // 2 of 3 candidates served: 16 of the 23 recorded characters, round(5 * 16 / 23) = 3 output tokens.
    expect(usage).toMatchObject({ prompt_tokens: 31, completion_tokens: 3 });
    expect(chunks).toBeGreaterThan(4);
  });

  it("assembles a stream with the client's stream() helper, word by word when there are no logprobs", async () => {
    const runner = client.chat.completions.stream(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } },
      { headers: { 'x-cascade-request-id': 'summary-7' } },
    );
    const deltas: string[] = [];
    runner.on('content', (delta) => deltas.push(delta));
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('The meeting is now on Friday at 3 pm.');
    expect(deltas).toEqual(['The ', 'meeting ', 'is ', 'now ', 'on ', 'Friday ', 'at ', '3 ', 'pm.']);
    expect(final.usage).toMatchObject({ prompt_tokens: 17, completion_tokens: 11 });
  });

  it('lists the recorded models', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models.sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect((await client.models.retrieve('gpt-4o')).id).toBe('gpt-4o');
    await expect(client.models.retrieve('gpt-5')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('startReplayServer errors', () => {
  it('answers 404 in OpenAI error shape when there is no recording, naming the request', async () => {
    const error = await client.chat.completions
      .create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'never recorded' }] },
        { headers: { 'x-cascade-request-id': 'q-404' } },
      )
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(error).toBeInstanceOf(NotFoundError);
    const notFound = error as NotFoundError;
    expect(notFound.status).toBe(404);
    expect(notFound.code).toBe('recording_not_found');
    expect(notFound.type).toBe('invalid_request_error');
    expect(notFound.message).toContain("'q-404'");
  });

  it('answers 404 for a model the recording lacks and for more samples than recorded', async () => {
    await expect(client.chat.completions.create({ model: 'o3', messages: sentiment })).rejects.toThrow(
      "has no generation for model 'o3'",
    );
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: sentiment, n: 4 })).rejects.toThrow(
      '3 candidate(s)',
    );
  });

  it('answers 400 for a bad body, naming the parameter', async () => {
    const bad = async (body: Record<string, unknown>) =>
      client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming).then(
        () => undefined,
        (reason: unknown) => reason as BadRequestError,
      );
    const noMessages = await bad({ model: 'gpt-4o-mini', messages: [] });
    expect(noMessages).toBeInstanceOf(BadRequestError);
    expect(noMessages?.param).toBe('messages');
    expect((await bad({ model: 'gpt-4o-mini', messages: sentiment, top_logprobs: 2 }))?.param).toBe('top_logprobs');
    expect((await bad({ model: 'gpt-4o-mini', messages: sentiment, n: 0 }))?.param).toBe('n');
    expect(
      (await bad({ model: 'gpt-4o-mini', messages: [{ role: 'tool', content: 'x', tool_call_id: 't' }] }))?.param,
    ).toBe('messages[0].role');
    expect((await bad({ messages: sentiment }))?.param).toBe('model');
  });

  it('answers 400 to invalid JSON, 405 to a wrong method and 404 to an unknown route', async () => {
    const invalid = await fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      body: '{"model":',
      headers: { 'content-type': 'application/json' },
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({
      error: {
        message: 'the request body is not valid JSON',
        type: 'invalid_request_error',
        param: 'body',
        code: 'invalid_json',
      },
    });
    const wrongMethod = await fetch(`${server.baseURL}/chat/completions`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const unknown = await fetch(`${server.url}/v2/anything`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unknown_url');
  });
});

describe('startReplayServer limits and lifecycle', () => {
  it('refuses a body over maxBodyBytes with 413', async () => {
    const small = await startReplayServer({ records, maxBodyBytes: 1024 });
    try {
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(4096) }] });
      const response = await fetch(`${small.baseURL}/chat/completions`, { method: 'POST', body });
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
      const ok = await fetch(`${small.baseURL}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: sentiment }),
      });
      expect(ok.status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('validates its options', async () => {
    await expect(startReplayServer({ records, port: 70_000 })).rejects.toSatisfy(
      (error) => ConfigError.isInstance(error) && error.field === 'port',
    );
    await expect(startReplayServer({ records, maxBodyBytes: 0 })).rejects.toSatisfy(
      (error) => ConfigError.isInstance(error) && error.field === 'maxBodyBytes',
    );
    await expect(startReplayServer({ path: '' })).rejects.toSatisfy(
      (error) => ConfigError.isInstance(error) && error.field === 'path',
    );
  });

  it('closes cleanly: aborts requests in flight, drops kept-alive connections, leaves no handle open', async () => {
    const servers = () => process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap').length;
    const before = servers();
    const slow = await startReplayServer({ records, latencyMs: 600_000 });
    const slowClient = new OpenAI({ apiKey: 'x', baseURL: slow.baseURL, maxRetries: 0 });
    expect(servers()).toBe(before + 1);
    // A kept-alive connection from a finished request, and one request waiting out its simulated latency.
    expect((await fetch(`${slow.baseURL}/models`)).status).toBe(200);
    const inFlight = slowClient.chat.completions.create({ model: 'gpt-4o-mini', messages: sentiment }).then(
      () => 'answered',
      () => 'failed',
    );
    // Give the request time to reach the server and start its wait (the test holds either way).
    await new Promise((resolve) => setTimeout(resolve, 100));
    await slow.close();
    expect(await inFlight).toBe('failed');
    expect(servers()).toBe(before);
    await expect(fetch(`${slow.baseURL}/models`)).rejects.toThrow();
    await slow.close();
  });
});

describe('startReplayServer address', () => {
  it('reports the address it is bound to, in its URL too, and whether it is loopback', async () => {
    const local = await startReplayServer({ records });
    const everywhere = await startReplayServer({ records, host: '0.0.0.0' });
    try {
      expect(local).toMatchObject({ host: '127.0.0.1', address: '127.0.0.1', loopback: true });
      expect(local.baseURL).toBe(`http://127.0.0.1:${local.port}/v1`);
      // Not 127.0.0.1: the server listens on every interface, and says so.
      expect(everywhere).toMatchObject({ host: '0.0.0.0', address: '0.0.0.0', loopback: false });
      expect(everywhere.url).toBe(`http://0.0.0.0:${everywhere.port}`);
      const response = await fetch(`http://127.0.0.1:${everywhere.port}/v1/models`);
      expect(response.status).toBe(200);
    } finally {
      await local.close();
      await everywhere.close();
    }
  });

  it('tells loopback addresses from the others', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
      expect(isLoopbackAddress(address), address).toBe(true);
    }
    for (const address of ['0.0.0.0', '::', '192.168.1.2', '10.0.0.1', '::ffff:10.0.0.1', 'fe80::1', '128.0.0.1']) {
      expect(isLoopbackAddress(address), address).toBe(false);
    }
  });
});
