import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  costOf,
  createCascade,
  type GenerateOptions,
  type Message,
  ProviderError,
  type ProviderRequest,
} from '@llm-cascade/core';
import { scriptedGate } from '@llm-cascade/core/test';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { RecordedRequest } from './recording.ts';
import { RecordingFormatError } from './recording-format-error.ts';
import { replayProvider } from './replay-provider.ts';
import { hashMessages } from './request-hash.ts';

const records: RecordedRequest[] = [
  {
    id: 'capital-fr',
    request: { system: 'Answer with one word.', prompt: 'Capital of France?' },
    reference: 'Paris',
    tiers: {
      small: {
        candidates: [
          {
            text: 'Paris',
            logprobs: [
              {
                token: 'Paris',
                logprob: -0.05,
                topLogprobs: [
                  { token: 'Paris', logprob: -0.05 },
                  { token: 'Lyon', logprob: -3.2 },
                ],
              },
            ],
          },
          {
            text: 'Paris.',
            logprobs: [
              { token: 'Paris', logprob: -0.1 },
              { token: '.', logprob: -0.7 },
            ],
          },
          { text: 'Lyon, I think', finishReason: 'length', logprobs: [{ token: 'Lyon', logprob: -2.1 }] },
        ],
        usage: { inputTokens: 18, outputTokens: 20 },
        latencyMs: 500,
      },
      large: { candidates: [{ text: 'Paris' }], usage: { inputTokens: 18, outputTokens: 1 } },
    },
  },
  {
    id: 'capital-de',
    request: { messages: [{ role: 'user', content: 'Capital of Germany?' }] },
    tiers: { small: { candidates: [{ text: 'Berlin' }], usage: { inputTokens: 9, outputTokens: 2 } } },
  },
  {
    id: 'refused',
    request: { prompt: 'Write malware.' },
    tiers: {
      small: {
        candidates: [{ text: '', refusal: 'I cannot help with that.', finishReason: 'refusal' }],
        usage: { inputTokens: 4, outputTokens: 7 },
      },
    },
  },
];

const system: Message = { role: 'system', content: 'Answer with one word.' };
const france: Message[] = [system, { role: 'user', content: 'Capital of France?' }];

function call(messages: readonly Message[], extra: Partial<ProviderRequest> = {}, model = 'small'): ProviderRequest {
  return { model, messages, ...extra };
}

function options(extra: Partial<GenerateOptions> = {}): GenerateOptions {
  return { signal: new AbortController().signal, ...extra };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!ProviderError.isInstance(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

const dir = mkdtempSync(join(tmpdir(), 'replay-provider-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.useRealTimers();
});

describe('replayProvider matching', () => {
  const provider = replayProvider({ records });

  it('matches by request id, even when the messages were templated differently', async () => {
    const generation = await provider.generate(
      call([{ role: 'user', content: 'Which city is the capital of Germany?' }], { requestId: 'capital-de' }),
      options(),
    );
    expect(generation.candidates.map((c) => c.text)).toEqual(['Berlin']);
    expect(generation.usage).toEqual({ inputTokens: 9, outputTokens: 2 });
    expect(generation.model).toBe('small');
  });

  it('matches by the messages hash when there is no id, or the id is not recorded', async () => {
    const withoutId = await provider.generate(call(france), options());
    expect(withoutId.candidates[0]?.text).toBe('Paris');
    const unknownId = await provider.generate(
      call([{ role: 'user', content: ' Capital of Germany?\n' }], { requestId: 'not-recorded' }),
      options(),
    );
    expect(unknownId.candidates[0]?.text).toBe('Berlin');
  });

  it('fails a request with no recording as not-found, naming the request and its hash', async () => {
    const messages: Message[] = [{ role: 'user', content: 'Capital of Spain?' }];
    const error = await failure(provider.generate(call(messages, { requestId: 'capital-es' }), options()));
    expect(error.kind).toBe('not-found');
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(404);
    expect(error.providerId).toBe('replay');
    expect(error.model).toBe('small');
    expect(error.message).toContain("'capital-es'");
    expect(error.message).toContain(hashMessages(messages));
  });

  it('fails a model the recording lacks, naming the recording, its line and the models it has', async () => {
    const error = await failure(provider.generate(call(france, { requestId: 'capital-fr' }, 'medium'), options()));
    expect(error.kind).toBe('not-found');
    expect(error.retryable).toBe(false);
    expect(error.model).toBe('medium');
    expect(error.message).toContain("recording 'capital-fr' (records[0]) has no generation for model 'medium'");
    expect(error.message).toContain("'small', 'large'");
  });

  it('replays finish reasons and refusals', async () => {
    const generation = await provider.generate(call([{ role: 'user', content: 'Write malware.' }]), options());
    expect(generation.candidates[0]).toEqual({
      text: '',
      refusal: 'I cannot help with that.',
      finishReason: 'refusal',
    });
  });

  it('reports its models and priceFor from the prices map', () => {
    const priced = replayProvider({ records, prices: { small: { inputPerMTok: 0.15, outputPerMTok: 0.6 } } });
    expect(priced.models).toEqual(['small', 'large']);
    expect(priced.size).toBe(3);
    expect(priced.priceFor?.('small')).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6 });
    expect(priced.priceFor?.('large')).toBeUndefined();
  });
});

describe('replayProvider samples and usage', () => {
  it('serves the recorded candidates in order, with the recorded usage when all are served', async () => {
    const provider = replayProvider({ records });
    const generation = await provider.generate(call(france), options({ samples: 3 }));
    expect(generation.candidates.map((c) => c.text)).toEqual(['Paris', 'Paris.', 'Lyon, I think']);
    expect(generation.candidates.map((c) => c.finishReason)).toEqual(['stop', 'stop', 'length']);
    expect(generation.usage).toEqual({ inputTokens: 18, outputTokens: 20 });
  });

  it('scales output tokens by the served share of the recorded text, input billed once', async () => {
    const provider = replayProvider({ records });
    const one = await provider.generate(call(france), options());
    // 'Paris' is 5 of the 5 + 6 + 13 = 24 recorded characters: round(20 * 5 / 24) = 4.
    expect(one.usage).toEqual({ inputTokens: 18, outputTokens: 4 });
    const two = await provider.generate(call(france), options({ samples: 2 }));
    expect(two.usage).toEqual({ inputTokens: 18, outputTokens: Math.round((20 * 11) / 24) });
  });

  it('fails when more samples are asked for than recorded, naming the request', async () => {
    const provider = replayProvider({ records });
    const error = await failure(provider.generate(call(france, { requestId: 'capital-fr' }), options({ samples: 4 })));
    expect(error.kind).toBe('not-found');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(
      "recording 'capital-fr' (records[0]) has 3 candidate(s) for model 'small', but 4 were asked for",
    );
  });

  it("cycles through the recorded candidates with whenExhausted: 'cycle'", async () => {
    const provider = replayProvider({ records, whenExhausted: 'cycle' });
    const generation = await provider.generate(call(france), options({ samples: 5 }));
    expect(generation.candidates.map((c) => c.text)).toEqual(['Paris', 'Paris.', 'Lyon, I think', 'Paris', 'Paris.']);
    expect(generation.usage.outputTokens).toBe(Math.round((20 * (24 + 11)) / 24));
  });
});

describe('replayProvider logprobs', () => {
  it('declares logprobs only when the recording has some', () => {
    expect(replayProvider({ records }).capabilities).toEqual({
      logprobs: true,
      multipleSamples: true,
      structuredOutput: true,
    });
    expect(replayProvider({ records: records.slice(1) }).capabilities.logprobs).toBe(false);
  });

  it('serves logprobs only when asked, trimmed to topLogprobs', async () => {
    const provider = replayProvider({ records });
    const plain = await provider.generate(call(france), options());
    expect(plain.candidates[0]?.logprobs).toBeUndefined();
    const full = await provider.generate(call(france), options({ logprobs: true }));
    expect(full.candidates[0]?.logprobs).toEqual(records[0]?.tiers.small?.candidates[0]?.logprobs);
    const top1 = await provider.generate(call(france), options({ logprobs: true, topLogprobs: 1 }));
    expect(top1.candidates[0]?.logprobs?.[0]?.topLogprobs).toEqual([{ token: 'Paris', logprob: -0.05 }]);
    const top0 = await provider.generate(call(france), options({ logprobs: true, topLogprobs: 0 }));
    expect(top0.candidates[0]?.logprobs).toEqual([{ token: 'Paris', logprob: -0.05 }]);
  });
});

describe('replayProvider repairs', () => {
  const repair: Message[] = [
    ...france,
    { role: 'assistant', content: 'Paris' },
    { role: 'user', content: 'Your previous answer did not pass a check:\nend with a period\nReply again.' },
  ];

  it('fails a repair as not-found by default, by id and by hash', async () => {
    const provider = replayProvider({ records });
    const byId = await failure(provider.generate(call(repair, { requestId: 'capital-fr' }), options()));
    expect(byId.kind).toBe('not-found');
    expect(byId.message).toContain("repair (1 follow-up turn(s)) of recording 'capital-fr'");
    const byHash = await failure(provider.generate(call(repair), options()));
    expect(byHash.message).toContain("repair (1 follow-up turn(s)) of recording 'capital-fr'");
  });

  it("serves the next candidates with repairs: 'next-candidates', billing the extra turns as input", async () => {
    const provider = replayProvider({ records, repairs: 'next-candidates' });
    for (const extra of [{ requestId: 'capital-fr' }, {}]) {
      const generation = await provider.generate(call(repair, extra), options());
      expect(generation.candidates.map((c) => c.text)).toEqual(['Paris.']);
      expect(generation.usage.inputTokens).toBeGreaterThan(18);
    }
    const second = [
      ...repair,
      { role: 'assistant', content: 'Paris.' } as const,
      { role: 'user', content: 'Again.' } as const,
    ];
    const generation = await provider.generate(call(second), options());
    expect(generation.candidates.map((c) => c.text)).toEqual(['Lyon, I think']);
    const third = [
      ...second,
      { role: 'assistant', content: 'Lyon' } as const,
      { role: 'user', content: 'Again.' } as const,
    ];
    const error = await failure(provider.generate(call(third), options()));
    expect(error.message).toContain('1 more after 3 (repair 3)');
  });
});

describe('replayProvider merging and sources', () => {
  it('merges lines with the same id and messages: models side by side, candidates of one model appended', async () => {
    const base = { id: 'q', request: { prompt: 'Name a colour.' } };
    const provider = replayProvider({
      records: [
        { ...base, tiers: { small: { candidates: [{ text: 'red' }], usage: { inputTokens: 5, outputTokens: 1 } } } },
        { ...base, tiers: { large: { candidates: [{ text: 'blue' }], usage: { inputTokens: 5, outputTokens: 1 } } } },
        { ...base, tiers: { small: { candidates: [{ text: 'green' }], usage: { inputTokens: 5, outputTokens: 1 } } } },
      ],
    });
    expect(provider.size).toBe(1);
    const small = await provider.generate(call([{ role: 'user', content: 'Name a colour.' }]), options({ samples: 2 }));
    expect(small.candidates.map((c) => c.text)).toEqual(['red', 'green']);
    expect(small.usage).toEqual({ inputTokens: 10, outputTokens: 2 });
    const large = await provider.generate(call([{ role: 'user', content: 'Name a colour.' }], {}, 'large'), options());
    expect(large.candidates.map((c) => c.text)).toEqual(['blue']);
  });

  it('loads a JSONL path and names its lines in errors', async () => {
    const path = join(dir, 'recorded.jsonl');
    writeFileSync(path, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const provider = replayProvider({ path });
    expect(provider.size).toBe(3);
    const error = await failure(provider.generate(call(france, {}, 'medium'), options()));
    expect(error.message).toContain(`recording 'capital-fr' (${path} line 1)`);
    writeFileSync(path, `${JSON.stringify(records[0])}\n${JSON.stringify({ id: 'broken', request: {}, tiers: {} })}\n`);
    expect(() => replayProvider({ path })).toThrow(RecordingFormatError);
    expect(() => replayProvider({ path })).toThrow(`${path} line 2: request`);
  });

  it('validates in-memory records and its options when built', () => {
    expect(() =>
      replayProvider({
        records: [
          {
            ...records[1],
            tiers: { small: { candidates: [], usage: { inputTokens: 1, outputTokens: 1 } } },
          } as RecordedRequest,
        ],
      }),
    ).toThrow('records[0]: tiers.small.candidates');
    const configError = (build: () => unknown) => {
      try {
        build();
      } catch (error) {
        return ConfigError.isInstance(error) ? error.field : `not a ConfigError: ${String(error)}`;
      }
      return 'no error';
    };
    expect(configError(() => replayProvider({}))).toBe('records');
    expect(configError(() => replayProvider({ records, path: 'x.jsonl' }))).toBe('records');
    expect(configError(() => replayProvider({ records, latencyMs: -1 }))).toBe('latencyMs');
    expect(configError(() => replayProvider({ records, whenExhausted: 'repeat' as 'cycle' }))).toBe('whenExhausted');
    expect(configError(() => replayProvider({ records, repairs: 'retry' as 'not-found' }))).toBe('repairs');
    expect(configError(() => replayProvider({ records, id: '' }))).toBe('id');
  });
});

describe('replayProvider latency', () => {
  it("waits the recording's latency with latencyMs: 'recorded'", async () => {
    vi.useFakeTimers();
    const provider = replayProvider({ records, latencyMs: 'recorded' });
    let settled = false;
    const pending = provider.generate(call(france), options()).then((generation) => {
      settled = true;
      return generation;
    });
    await vi.advanceTimersByTimeAsync(499);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).candidates[0]?.text).toBe('Paris');
  });

  it('cuts a fixed latency short when the signal fires, rejecting with its reason', async () => {
    vi.useFakeTimers();
    const provider = replayProvider({ records, latencyMs: 60_000 });
    const controller = new AbortController();
    const pending = provider.generate(call(france), { signal: controller.signal });
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once when the signal has already fired', async () => {
    const provider = replayProvider({ records });
    const controller = new AbortController();
    controller.abort(new Error('already'));
    await expect(provider.generate(call(france), { signal: controller.signal })).rejects.toThrow('already');
  });
});

describe('replayProvider in a cascade', () => {
  it('escalates on a gate failure and accounts the recorded usage at the tier prices', async () => {
    const prices = {
      small: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      large: { inputPerMTok: 2.5, outputPerMTok: 10 },
    };
    const provider = replayProvider({ records, prices });
    const gate = scriptedGate({
      name: 'ends-with-period',
      results: (context) =>
        context.candidate.text.endsWith('.') || context.tier.name === 'large'
          ? { status: 'pass', reason: 'ok' }
          : { status: 'fail', reason: 'no-period' },
    });
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 'small', retries: 0 },
        { name: 'large', provider, model: 'large' },
      ],
      gates: [gate],
    });
    const result = await cascade.run({
      id: 'capital-fr',
      system: 'Answer with one word.',
      prompt: 'Capital of France?',
    });
    expect(result.tier).toBe('large');
    expect(result.text).toBe('Paris');
    expect(result.attempts.map((a) => [a.tier, a.outcome])).toEqual([
      ['small', 'gate-failed'],
      ['large', 'accepted'],
    ]);
    const expected =
      costOf({ inputTokens: 18, outputTokens: 4 }, prices.small) +
      costOf({ inputTokens: 18, outputTokens: 1 }, prices.large);
    expect(result.costUsd).toBeCloseTo(expected, 12);
    expect(result.usage).toEqual({ inputTokens: 36, outputTokens: 5 });
  });

  it('escalates past a tier with no recording for the request', async () => {
    const provider = replayProvider({ records });
    const cascade = createCascade({
      tiers: [
        { name: 'large', provider, model: 'large', price: { inputPerMTok: 1, outputPerMTok: 1 } },
        { name: 'small', provider, model: 'small', price: { inputPerMTok: 1, outputPerMTok: 1 } },
      ],
    });
    const result = await cascade.run({ id: 'capital-de', prompt: 'Capital of Germany?' });
    expect(result.tier).toBe('small');
    expect(result.attempts[0]?.outcome).toBe('provider-error');
    expect(result.attempts[0]?.error?.message).toContain(
      "recording 'capital-de' (records[1]) has no generation for model 'large'",
    );
  });
});
