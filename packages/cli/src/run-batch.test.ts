import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConfigError, createCascade, type Gate } from '@llm-cascade/core';
import { type ScriptedProvider, scriptedProvider } from '@llm-cascade/core/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailureRecord, OutputRecord, SuccessRecord } from './output-record.ts';
import { createProgress } from './progress.ts';
import { runBatch } from './run-batch.ts';

const quiet = createProgress({ mode: 'off', stream: { write: () => true } });

function collectingProgress(messages: string[]) {
  return createProgress({ mode: 'off', stream: { write: (text: string) => messages.push(text.trimEnd()) } });
}

const answerGate: Gate = {
  name: 'answer',
  evaluate: ({ candidate }) =>
    candidate.text.startsWith('ok')
      ? { status: 'pass', reason: 'ok', value: candidate.text.toUpperCase() }
      : { status: 'fail', reason: 'not-ok' },
};

function twoTierCascade(provider: ScriptedProvider, extra: { onExhausted?: 'throw' | 'best' } = {}) {
  return createCascade({
    name: 'batch-test',
    tiers: [
      { name: 'small', provider, model: 'small', price: { inputPerMTok: 1, outputPerMTok: 1 }, repairs: 0, retries: 0 },
      {
        name: 'large',
        provider,
        model: 'large',
        price: { inputPerMTok: 10, outputPerMTok: 10 },
        repairs: 0,
        retries: 0,
      },
    ],
    gates: [answerGate],
    ...extra,
  });
}

/** "fail" prompts are unsure everywhere; "up" prompts need the large tier; the rest pass on the small tier. */
function promptProvider(delayMs = 0): ScriptedProvider {
  return scriptedProvider({
    script: ({ request }) => {
      const prompt = request.messages.at(-1)?.content ?? '';
      const good = !prompt.startsWith('fail') && (!prompt.startsWith('up') || request.model === 'large');
      return { text: good ? `ok ${prompt}` : 'unsure', usage: { inputTokens: 10, outputTokens: 5 }, delayMs };
    },
  });
}

function readRecords(path: string): OutputRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as OutputRecord);
}

function jsonl(requests: readonly object[]): string {
  return `${requests.map((r) => JSON.stringify(r)).join('\n')}\n`;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cascade-batch-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('runBatch', () => {
  it('writes one record per request, successes and failures, with every attempt kept', async () => {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out', 'results.jsonl');
    writeFileSync(
      input,
      jsonl([
        { id: 'a', prompt: 'easy' },
        { id: 'b', prompt: 'up here' },
        { id: 'c', prompt: 'fail' },
      ]),
    );
    const summary = await runBatch({ cascade: twoTierCascade(promptProvider()), input, output, progress: quiet });
    const records = readRecords(output);
    expect(records.map((r) => r.id).sort()).toEqual(['a', 'b', 'c']);
    const b = records.find((r) => r.id === 'b') as SuccessRecord;
    expect(b).toMatchObject({ ok: true, accepted: true, tier: 'large', value: 'OK UP HERE', text: 'ok up here' });
    expect(b.escalations).toBe(1);
    expect(b.topTierCost.estimated).toBe(false);
    expect(b.attempts.map((a) => a.tier)).toEqual(['small', 'large']);
    expect(b.attempts[0]?.candidates[0]?.text).toBe('unsure');
    expect(b.attempts[0]?.failedGate).toBe('answer');
    const c = records.find((r) => r.id === 'c') as FailureRecord;
    expect(c.ok).toBe(false);
    expect(c.error.code).toBe('CASCADE_EXHAUSTED');
    expect(c.attempts).toHaveLength(2);
    expect(c.attempts.every((a) => a.candidates[0]?.text === 'unsure')).toBe(true);
    expect(c.costUsd).toBeGreaterThan(0);

    expect(summary.counts).toMatchObject({ processed: 3, accepted: 2, errors: 1, failed: 1, malformed: 0 });
    expect(summary.tiers).toEqual({ small: { answered: 1, share: 0.5 }, large: { answered: 1, share: 0.5 } });
    expect(summary.gateFailures).toEqual({ answer: 3 });
    expect(summary.escalations).toBe(2);
    expect(summary.interrupted).toBe(false);
  });

  it('serialises provider errors as { code, message, kind, status }', async () => {
    const provider = scriptedProvider({
      script: {
        small: [{ text: 'unsure' }],
        large: [{ error: { status: 503, message: 'overloaded' } }],
      },
    });
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, jsonl([{ id: 'x', prompt: 'q' }]));
    await runBatch({ cascade: twoTierCascade(provider), input, output, progress: quiet });
    const [record] = readRecords(output) as FailureRecord[];
    expect(record?.attempts[1]?.error).toEqual({
      code: 'PROVIDER_ERROR',
      message: 'overloaded',
      kind: 'server',
      status: 503,
    });
    expect(record?.attempts[0]?.candidates).toEqual([{ text: 'unsure', finishReason: 'stop' }]);
  });

  it('counts a best-effort answer as answered but not accepted', async () => {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, jsonl([{ id: 'x', prompt: 'fail' }]));
    const summary = await runBatch({
      cascade: twoTierCascade(promptProvider(), { onExhausted: 'best' }),
      input,
      output,
      progress: quiet,
    });
    expect(readRecords(output)[0]).toMatchObject({ id: 'x', ok: true, accepted: false, outcome: 'exhausted' });
    expect(summary.counts).toMatchObject({ accepted: 0, notAccepted: 1, failed: 1 });
  });

  it('reports malformed lines with their line number, skips them and finishes the rest', async () => {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(
      input,
      [
        '{"id":"a","prompt":"one"}',
        '{"id":"b","prompt":',
        '',
        '[1,2]',
        '{"prompt":"no id"}',
        '{"id":{"x":1},"prompt":"bad id"}',
        '{"id":"c"}',
        '{"id":7,"prompt":"numeric id"}',
        '{"id":"a","prompt":"again"}',
      ].join('\r\n'),
    );
    const messages: string[] = [];
    const summary = await runBatch({
      cascade: twoTierCascade(promptProvider()),
      input,
      output,
      progress: collectingProgress(messages),
    });
    expect(
      readRecords(output)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['7', 'a', 'line-5']);
    expect(summary.counts).toMatchObject({ processed: 3, malformed: 4, duplicates: 1 });
    expect(messages.filter((m) => m.startsWith('input line')).map((m) => m.split(':')[0])).toEqual([
      'input line 2',
      'input line 4',
      'input line 6',
      'input line 7',
      'input line 9',
    ]);
    expect(messages.find((m) => m.startsWith('input line 2'))).toMatch(/not JSON/);
    expect(messages.find((m) => m.startsWith('input line 7'))).toMatch(/"prompt" string or a "messages" array/);
  });

  it('writes an engine-rejected request as a failure naming the field', async () => {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, jsonl([{ id: 'r', messages: [{ role: 'robot', content: 'hi' }] }]));
    await runBatch({ cascade: twoTierCascade(promptProvider()), input, output, progress: quiet });
    expect(readRecords(output)[0]).toMatchObject({
      id: 'r',
      ok: false,
      error: { code: 'CONFIG_INVALID', field: 'request.messages[0]' },
    });
  });

  it('resumes: ids already in the output are skipped, the others appended', async () => {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, jsonl(['a', 'b', 'c', 'd'].map((id) => ({ id, prompt: `p ${id}` }))));
    const earlier = { id: 'b', ok: true, accepted: true, tier: 'small', attempts: [] };
    const failedEarlier = { id: 'c', ok: false, error: { code: 'CASCADE_EXHAUSTED', message: 'x' }, attempts: [] };
    writeFileSync(output, `${JSON.stringify(earlier)}\n${JSON.stringify(failedEarlier)}\n`);
    const provider = promptProvider();
    const summary = await runBatch({ cascade: twoTierCascade(provider), input, output, progress: quiet });
    expect(readRecords(output).map((r) => r.id)).toEqual(['b', 'c', expect.any(String), expect.any(String)]);
    expect(new Set(readRecords(output).map((r) => r.id))).toEqual(new Set(['a', 'b', 'c', 'd']));
    expect(provider.calls.map((c) => c.request.requestId).sort()).toEqual(['a', 'd']);
    expect(summary.counts).toMatchObject({ processed: 2, skipped: 2 });
    expect(summary.previous).toEqual({ ok: 1, failed: 1 });
  });

  it('cuts a torn last line left by a crash and redoes its item', async () => {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, jsonl(['a', 'b'].map((id) => ({ id, prompt: `p ${id}` }))));
    writeFileSync(output, `${JSON.stringify({ id: 'a', ok: true, accepted: true, attempts: [] })}\n{"id":"b","ok":tr`);
    const messages: string[] = [];
    const summary = await runBatch({
      cascade: twoTierCascade(promptProvider()),
      input,
      output,
      progress: collectingProgress(messages),
    });
    const text = readFileSync(output, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as OutputRecord).id),
    ).toEqual(['a', 'b']);
    expect(summary.counts).toMatchObject({ processed: 1, skipped: 1 });
    expect(messages.some((m) => m.includes('torn last line'))).toBe(true);
  });

  it('completes a last line that lacks only its newline instead of redoing it', async () => {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, jsonl(['a', 'b'].map((id) => ({ id, prompt: `p ${id}` }))));
    writeFileSync(output, JSON.stringify({ id: 'a', ok: true, accepted: true, attempts: [] }));
    const summary = await runBatch({ cascade: twoTierCascade(promptProvider()), input, output, progress: quiet });
    expect(readRecords(output).map((r) => r.id)).toEqual(['a', 'b']);
    expect(summary.counts).toMatchObject({ processed: 1, skipped: 1 });
  });

  it('keeps at most `concurrency` requests in flight and reads the input no faster than it runs', async () => {
    const total = 2000;
    let produced = 0;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < total; i += 1) {
          produced += 1;
          yield `${JSON.stringify({ id: `r${i}`, prompt: `p ${i}` })}\n`;
        }
      })(),
    );
    const provider = promptProvider(1);
    let producedAtFirstRecord: number | undefined;
    const summary = await runBatch({
      cascade: twoTierCascade(provider),
      input: source,
      output: join(dir, 'out.jsonl'),
      concurrency: 4,
      progress: quiet,
      onRecord: () => {
        producedAtFirstRecord ??= produced;
      },
    });
    expect(summary.counts.processed).toBe(total);
    expect(provider.maxInFlight).toBeLessThanOrEqual(4);
    expect(provider.maxInFlight).toBe(4);
    // Only the stream's small read-ahead buffer is ahead of the work, never the whole input.
    expect(producedAtFirstRecord).toBeLessThan(100);
  });

  it('on interrupt stops taking lines, aborts runs in flight without writing them, and a rerun finishes', async () => {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    const ids = Array.from({ length: 30 }, (_, i) => `item-${i}`);
    writeFileSync(input, jsonl(ids.map((id) => ({ id, prompt: `p ${id}` }))));
    const controller = new AbortController();
    let written = 0;
    const first = await runBatch({
      cascade: twoTierCascade(promptProvider(20)),
      input,
      output,
      concurrency: 3,
      signal: controller.signal,
      progress: quiet,
      onRecord: () => {
        written += 1;
        if (written === 6) controller.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.counts.interrupted).toBeGreaterThan(0);
    const afterFirst = readRecords(output);
    expect(afterFirst.length).toBe(first.counts.processed);
    expect(afterFirst.length).toBeLessThan(ids.length);
    expect(afterFirst.every((r) => r.ok)).toBe(true);

    const second = await runBatch({ cascade: twoTierCascade(promptProvider()), input, output, progress: quiet });
    expect(second.interrupted).toBe(false);
    expect(second.counts.skipped).toBe(afterFirst.length);
    const final = readRecords(output);
    expect(final).toHaveLength(ids.length);
    expect(new Set(final.map((r) => r.id))).toEqual(new Set(ids));
  });

  it('rejects bad options and a missing input with ConfigError before doing any work', async () => {
    const cascade = twoTierCascade(promptProvider());
    const output = join(dir, 'out.jsonl');
    await expect(runBatch({ cascade, input: join(dir, 'missing.jsonl'), output, progress: quiet })).rejects.toThrow(
      /input: file not found/,
    );
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, jsonl([{ prompt: 'x' }]));
    const error = await runBatch({ cascade, input, output, concurrency: 0, progress: quiet }).catch((e: unknown) => e);
    expect(ConfigError.isInstance(error) && error.field).toBe('concurrency');
    await expect(runBatch({ cascade, input, output: input, progress: quiet })).rejects.toThrow(/output: must not be/);
  });
});
