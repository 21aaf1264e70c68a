import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CascadeRequest,
  type CascadeResult,
  ConfigError,
  createCascade,
  type Provider,
  type ProviderRequest,
} from '@llm-cascade/core';
import { scriptedGate, scriptedProvider } from '@llm-cascade/core/test';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecording } from './parse-recording.ts';
import { loadRecordings } from './read-recordings.ts';
import type { RecordedRequest } from './recording.ts';
import { recordingProvider } from './recording-provider.ts';
import { replayProvider } from './replay-provider.ts';
import { hashMessages } from './request-hash.ts';

const dir = mkdtempSync(join(tmpdir(), 'replay-recorder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const signal = new AbortController().signal;

/** A scripted "live" provider answering by question, so the cascade's calls can come in any order. */
function live(): Provider {
  return scriptedProvider({
    prices: { small: { inputPerMTok: 0.1, outputPerMTok: 0.4 } },
    script: (call) => {
      const question = call.request.messages.find((m) => m.role === 'user')?.content;
      const repair = call.request.messages.some((m) => m.role === 'assistant');
      if (call.request.model === 'large')
        return { candidates: ['{"total": 9}'], usage: { inputTokens: 38, outputTokens: 5 } };
      if (question === 'Add 5 and 7.') {
        return {
          candidates: ['{"total": 12}', '{"total": 12}', '{"total": 13}'],
          logprobs: -0.2,
          usage: { inputTokens: 40, outputTokens: 21 },
        };
      }
      if (question === 'Add 3 and 4.' && !repair) {
        return {
          candidates: ['{"total": 7', '{"total"', '{'],
          finishReason: 'length',
          logprobs: -2,
          usage: { inputTokens: 35, outputTokens: 6 },
        };
      }
      if (question === 'Add 3 and 4.') {
        return {
          candidates: ['{"total": 7}', '{"total": 7}', '{"total": 7}'],
          logprobs: -0.1,
          usage: { inputTokens: 52, outputTokens: 18, cachedInputTokens: 32 },
        };
      }
      return { candidates: ['9', 'nine', '{"total": 9}'], logprobs: -1.5, usage: { inputTokens: 38, outputTokens: 9 } };
    },
  });
}

/**
 * Small tier: three samples with logprobs, a majority vote over those that parse as JSON. Nothing parses:
 * fail with feedback (a repair). No majority: fail without feedback (escalate to large).
 */
function cascadeOver(provider: Provider) {
  const vote = scriptedGate({
    name: 'json-vote',
    requires: { samples: 3, logprobs: true },
    results: (context) => {
      const parsed = context.candidates.flatMap((candidate) => {
        try {
          return [JSON.stringify(JSON.parse(candidate.text))];
        } catch {
          return [];
        }
      });
      if (parsed.length === 0) return { status: 'fail', reason: 'invalid-json', feedback: 'Return complete JSON.' };
      const top = parsed.find((value) => parsed.filter((other) => other === value).length >= 2);
      return top === undefined
        ? { status: 'fail', reason: 'no-majority' }
        : { status: 'pass', reason: 'ok', value: JSON.parse(top) };
    },
  });
  return createCascade({
    tiers: [
      { name: 'small', provider, model: 'small', repairs: 1, retries: 0, gates: [vote] },
      { name: 'large', provider, model: 'large', price: { inputPerMTok: 2, outputPerMTok: 8 }, gates: [] },
    ],
    builtinGates: false,
  });
}

const requests: CascadeRequest[] = [
  { id: 'inv-1', system: 'Return JSON.', prompt: 'Add 5 and 7.' },
  { id: 'inv-2', system: 'Return JSON.', prompt: 'Add 3 and 4.' },
  // No id: recorded under its messages hash, replayed by hash.
  { system: 'Return JSON.', prompt: 'Add 4 and 5.' },
];

function summary(result: CascadeResult) {
  return {
    tier: result.tier,
    text: result.text,
    usage: result.usage,
    costUsd: result.costUsd,
    attempts: result.attempts.map((a) => ({
      tier: a.tier,
      kind: a.kind,
      outcome: a.outcome,
      candidates: a.candidates,
      usage: a.usage,
      costUsd: a.costUsd,
    })),
  };
}

describe('recordingProvider', () => {
  it('records a cascade (samples with logprobs, a repair, an escalation, no id) that replays identically', async () => {
    const path = join(dir, 'round-trip.jsonl');
    const recorder = recordingProvider({ provider: live(), path });
    const recordedRuns: ReturnType<typeof summary>[] = [];
    for (const request of requests) recordedRuns.push(summary(await cascadeOver(recorder).run(request)));
    await recorder.flush();
    expect(recorder.recorded).toBe(5);
    expect(recordedRuns.map((run) => run.attempts.map((a) => `${a.tier}:${a.kind}:${a.outcome}`))).toEqual([
      ['small:first:accepted'],
      ['small:first:repaired', 'small:repair:accepted'],
      ['small:first:gate-failed', 'large:escalation:accepted'],
    ]);

    const replay = replayProvider({ path, prices: { small: { inputPerMTok: 0.1, outputPerMTok: 0.4 } } });
    expect(replay.capabilities.logprobs).toBe(true);
    const replayedRuns: ReturnType<typeof summary>[] = [];
    for (const request of requests) replayedRuns.push(summary(await cascadeOver(replay).run(request)));
    expect(replayedRuns).toEqual(recordedRuns);

    const lines = loadRecordings(path).map(({ record }) => record);
    const noIdHash = hashMessages([
      { role: 'system', content: 'Return JSON.' },
      { role: 'user', content: 'Add 4 and 5.' },
    ]);
    expect(lines.map((record) => [record.id, Object.keys(record.tiers)[0]])).toEqual([
      ['inv-1', 'small'],
      ['inv-2', 'small'],
      ['inv-2', 'small'],
      [noIdHash, 'small'],
      [noIdHash, 'large'],
    ]);
    expect(lines[2]?.request.messages?.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(lines[2]?.tiers.small?.usage).toEqual({ inputTokens: 52, outputTokens: 18, cachedInputTokens: 32 });
    expect(lines[1]?.tiers.small?.candidates[0]).toMatchObject({ text: '{"total": 7', finishReason: 'length' });
    expect(lines[0]?.tiers.small?.candidates[0]?.logprobs?.length).toBeGreaterThan(0);
  });

  it('records samples with their logprobs, and replays the same candidates and usage', async () => {
    const path = join(dir, 'samples.jsonl');
    const recorder = recordingProvider({ provider: live(), path });
    const request: ProviderRequest = {
      model: 'small',
      messages: [{ role: 'user', content: 'Add 5 and 7.' }],
      requestId: 's-1',
    };
    const live1 = await recorder.generate(request, { signal, samples: 3, logprobs: true });
    await recorder.flush();
    const replayed = await replayProvider({ path }).generate(request, { signal, samples: 3, logprobs: true });
    expect(replayed).toEqual(live1);
    expect(replayed.candidates[0]?.logprobs?.length).toBeGreaterThan(0);
    const line = parseRecording(readFileSync(path, 'utf8'));
    expect(line.tiers.small?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('appends whole lines under heavy concurrency', async () => {
    const path = join(dir, 'concurrent.jsonl');
    const big = 'x'.repeat(300_000);
    const provider = scriptedProvider({
      script: (call) => ({
        text: call.index % 10 === 0 ? `${big}${call.index}` : `answer ${call.index}`,
        delayMs: call.index % 3,
      }),
    });
    const recorder = recordingProvider({ provider, path });
    const calls = Array.from({ length: 200 }, (_, i) =>
      recorder.generate(
        { model: 'm', messages: [{ role: 'user', content: `question ${i}` }], requestId: `c-${i}` },
        { signal },
      ),
    );
    await Promise.all(calls);
    await recorder.flush();
    const records = loadRecordings(path);
    expect(records).toHaveLength(200);
    expect(new Set(records.map(({ record }) => record.id)).size).toBe(200);
    for (const { record } of records) {
      const index = Number(record.id.slice(2));
      expect(record.tiers.m?.candidates[0]?.text).toBe(index % 10 === 0 ? `${big}${index}` : `answer ${index}`);
    }
  });

  it('calls a sink one line at a time, in order', async () => {
    const lines: string[] = [];
    let busy = 0;
    let maxBusy = 0;
    const recorder = recordingProvider({
      provider: scriptedProvider({ script: (call) => ({ text: `a${call.index}` }) }),
      sink: async (line, record) => {
        busy += 1;
        maxBusy = Math.max(maxBusy, busy);
        await new Promise((resolve) => setTimeout(resolve, 1));
        expect(JSON.parse(line)).toEqual(record);
        lines.push(record.id);
        busy -= 1;
      },
    });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        recorder.generate(
          { model: 'm', messages: [{ role: 'user', content: `q${i}` }], requestId: `r${i}` },
          { signal },
        ),
      ),
    );
    await recorder.flush();
    expect(maxBusy).toBe(1);
    expect(lines).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`));
  });

  it('passes errors through without recording them, and delegates priceFor', async () => {
    const lines: RecordedRequest[] = [];
    const recorder = recordingProvider({
      provider: scriptedProvider({
        script: [{ error: { status: 429, message: 'slow down' } }],
        prices: { m: { inputPerMTok: 1, outputPerMTok: 2 } },
      }),
      sink: (_, record) => {
        lines.push(record);
      },
    });
    await expect(
      recorder.generate({ model: 'm', messages: [{ role: 'user', content: 'q' }] }, { signal }),
    ).rejects.toMatchObject({ kind: 'rate-limit', retryable: true });
    await recorder.flush();
    expect(lines).toEqual([]);
    expect(recorder.priceFor?.('m')).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
    expect(recorder.capabilities).toEqual({ logprobs: true, multipleSamples: true, structuredOutput: true });
  });

  it('reports a failed write through onError and flush, while the generation still reaches the caller', async () => {
    const errors: unknown[] = [];
    const recorder = recordingProvider({
      provider: scriptedProvider({ script: [{ text: 'fine' }] }),
      path: join(dir, 'missing-folder', 'out.jsonl'),
      onError: (error) => errors.push(error),
    });
    const generation = await recorder.generate({ model: 'm', messages: [{ role: 'user', content: 'q' }] }, { signal });
    expect(generation.candidates[0]?.text).toBe('fine');
    await expect(recorder.flush()).rejects.toMatchObject({ code: 'ENOENT' });
    expect(errors).toHaveLength(1);
    await expect(recorder.flush()).resolves.toBeUndefined();
  });

  it('validates its options', () => {
    const field = (build: () => unknown) => {
      try {
        build();
      } catch (error) {
        return ConfigError.isInstance(error) ? error.field : `not a ConfigError: ${String(error)}`;
      }
      return 'no error';
    };
    const provider = scriptedProvider({ script: [{ text: 'x' }] });
    expect(field(() => recordingProvider({ provider }))).toBe('path');
    expect(field(() => recordingProvider({ provider, path: 'a.jsonl', sink: () => {} }))).toBe('path');
    expect(field(() => recordingProvider({ provider: {} as Provider, path: 'a.jsonl' }))).toBe('provider');
    expect(field(() => recordingProvider({ provider, sink: 'file' as unknown as () => void }))).toBe('sink');
  });
});
