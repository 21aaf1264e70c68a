import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRecordings, type RecordedRequest, readRecordings } from '@llm-cascade/provider-replay';
import { afterAll, describe, expect, it } from 'vitest';
import { finqaEqual, importMot } from './import-mot.ts';
import { estimateTokens, importStructuredRag } from './import-structured-rag.ts';
import { importZellinger, ZELLINGER_PRICES } from './import-zellinger.ts';
import { toJsonLine } from './json-lines.ts';

const fixtures = fileURLToPath(new URL('./testing/fixtures/', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'llm-cascade-eval-import-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const read = (path: string): RecordedRequest[] => loadRecordings(path).map((entry) => entry.record);

describe('toJsonLine', () => {
  it('escapes the line separators JSON allows raw', () => {
    expect(toJsonLine({ a: 'x\u2028y\u2029z' })).toBe('{"a":"x\\u2028y\\u2029z"}');
    expect(JSON.parse(toJsonLine({ a: 'x\u2028y' }))).toEqual({ a: 'x\u2028y' });
  });
});

describe('finqaEqual (the MoT repo rule)', () => {
  it('compares strings exactly and numbers at the fewer written decimals', () => {
    expect(finqaEqual('05/01/2021', '05/01/2021')).toBe(true);
    expect(finqaEqual('5/1/2021', '05/01/2021')).toBe(false);
    expect(finqaEqual(18, 18)).toBe(true);
    expect(finqaEqual(18, 18, { prediction: '18.0' })).toBe(true);
    expect(finqaEqual(18.04, 18)).toBe(false);
    // 0.54 and 0.5 agree at one decimal, the fewer of the two.
    expect(finqaEqual(0.54, 0.5)).toBe(true);
    expect(finqaEqual('18', 18)).toBe(true);
    expect(finqaEqual(null, 18)).toBe(false);
  });
});

describe('importMot', () => {
  it('writes one model per config with labelled parsed answers, prompt input tokens and recorded output tokens', async () => {
    const output = join(out, 'date.jsonl');
    const summary = await importMot({ folder: join(fixtures, 'mot'), output });
    expect(summary).toMatchObject({ output, records: 2, skipped: 0, warnings: [] });
    const [first, second] = read(output);
    expect(first?.id).toBe('date-0');
    expect(first?.request).toEqual({ prompt: 'Yesterday was April 30, 2021. What is the date today in MM/DD/YYYY?' });
    expect(first?.reference).toBe('05/01/2021');
    expect(Object.keys(first?.tiers ?? {})).toEqual([
      'gpt-3.5-turbo/cot1_runA',
      'gpt-3.5-turbo/pot1_runA',
      'gpt-4/cot1',
      'gpt-4/greedy_cot1',
    ]);
    expect(first?.tiers['gpt-3.5-turbo/cot1_runA']).toEqual({
      candidates: [
        { text: '05/01/2021', correct: true },
        { text: '5/1/2021', correct: false },
        { text: '', correct: false },
        { text: '05/01/2021', correct: true },
      ],
      usage: { inputTokens: 639, outputTokens: 170 },
    });
    expect(first?.tiers['gpt-3.5-turbo/pot1_runA']?.usage).toEqual({ inputTokens: 849, outputTokens: 250 });
    expect(first?.tiers['gpt-4/greedy_cot1']?.usage).toEqual({ inputTokens: 639, outputTokens: 47 });
    expect(second?.tiers['gpt-3.5-turbo/pot1_runA']?.candidates.map((c) => c.text)).toEqual([
      '12/25/1937',
      '',
      '',
      '12/26/1937',
    ]);
  });

  it('keeps the first samples with their own token counts', async () => {
    const output = join(out, 'date2.jsonl');
    await importMot({ folder: join(fixtures, 'mot'), output, samples: 2 });
    const tier = read(output)[0]?.tiers['gpt-3.5-turbo/cot1_runA'];
    expect(tier?.candidates).toHaveLength(2);
    expect(tier?.usage).toEqual({ inputTokens: 639, outputTokens: 81 });
  });

  it('labels numeric answers by the written decimals of the source', async () => {
    const output = join(out, 'gsm8k.jsonl');
    const summary = await importMot({ folder: join(fixtures, 'mot'), output, dataset: 'gsm8k' });
    expect(summary.records).toBe(2);
    const [first, second] = read(output);
    expect(first?.reference).toBe(18);
    expect(first?.tiers['gpt-4/cot1']).toEqual({
      candidates: [
        { text: '18', correct: true },
        { text: '18.04', correct: false },
        { text: '18', correct: true },
        { text: '', correct: false },
      ],
      usage: { inputTokens: 1589, outputTokens: 89 },
    });
    expect(second?.tiers['gpt-4/cot1']?.candidates.map((c) => c.correct)).toEqual([true, true, false]);
  });

  it('warns when a prompt has no token count and refuses an unknown dataset or folder', async () => {
    const folder = join(out, 'mot-without-counts');
    mkdirSync(folder);
    copyFileSync(join(fixtures, 'mot', 'date.jsonl'), join(folder, 'date.jsonl'));
    writeFileSync(join(folder, 'prompt_token_counts.json'), '{"date.date_CoT1_prompting": 639}');
    const output = join(out, 'date-nocount.jsonl');
    const summary = await importMot({ folder, output });
    expect(summary.warnings).toEqual(['no prompt token count for pot1_runA: input tokens recorded as 0']);
    expect(read(output)[0]?.tiers['gpt-3.5-turbo/pot1_runA']?.usage.inputTokens).toBe(0);
    await expect(importMot({ folder: join(fixtures, 'mot'), output, dataset: 'nope' as never })).rejects.toThrow(
      /dataset: must be one of/,
    );
    await expect(importMot({ folder: join(fixtures, 'zellinger'), output })).rejects.toThrow(
      /is this the mot_cascade folder/,
    );
    await expect(importMot({ folder: join(fixtures, 'mot'), output, samples: 0 })).rejects.toThrow(/samples/);
  });
});

describe('importZellinger', () => {
  it('writes one labelled candidate per model with the confidence as one logprob entry', async () => {
    const output = join(out, 'zellinger.jsonl');
    const summary = await importZellinger({ folder: join(fixtures, 'zellinger'), output });
    expect(summary.records).toBe(3);
    expect(summary.warnings).toEqual([
      expect.stringMatching(
        /gsm8k_train.jsonl: no published price for small-model: its self-verification call is not billed/,
      ),
      expect.stringMatching(/gsm8k_train.jsonl: no published price for big-model/),
      expect.stringMatching(/mmlu_train.jsonl line 3: model big-model has no usable answer/),
    ]);
    const records = read(output);
    // Files in name order: gsm8k first.
    expect(records.map((r) => r.id)).toEqual(['gsm8k-train-0', 'mmlu-train-0', 'mmlu-train-1']);
    const gsm = records[0] as RecordedRequest & { source?: unknown };
    // A raw U+2028 inside a string is part of the line, not a line break; -1e9 stands for probability 0.
    expect(gsm.tiers['small-model']?.candidates[0]).toEqual({
      text: '3 + 2 = 5\u2028#### 5',
      correct: true,
      logprobs: [{ token: '3 + 2 = 5\u2028#### 5', logprob: -1e9 }],
    });
    expect(gsm.reference).toBe(5);
    // Written escaped, so line readers that break at U+2028 (Node's readline) read the file whole too.
    const raw = readFileSync(output, 'utf8');
    expect(raw).not.toContain('\u2028');
    expect(raw).toContain('5\\u2028####');
    const streamed: string[] = [];
    for await (const { record } of readRecordings(output)) streamed.push(record.id);
    expect(streamed).toEqual(['gsm8k-train-0', 'mmlu-train-0', 'mmlu-train-1']);
    expect(gsm.source).toMatchObject({ benchmark: 'gsm8k', confidence: 'self-verification-p-true' });
    const mmlu = records[1] as RecordedRequest & { source?: unknown };
    expect(mmlu.request).toEqual({ prompt: expect.stringContaining('Question: 2 + 2 = ?') });
    expect(mmlu.reference).toBe('B');
    expect(mmlu.tiers['big-model']).toEqual({
      candidates: [{ text: 'B', correct: true, logprobs: [{ token: 'B', logprob: -0.01 }] }],
      usage: { inputTokens: 128, outputTokens: 1 },
      latencyMs: 390,
    });
    expect(mmlu.source).toMatchObject({ benchmark: 'mmlu', subject: 'arithmetic', confidence: 'answer-token-logprob' });
    expect(Object.keys(records[2]?.tiers ?? {})).toEqual(['small-model', 'small-model/answer-only']);
    // MMLU's confidence comes with the answer: the answer-only name keeps it, at the same usage.
    expect(mmlu.tiers['big-model/answer-only']).toEqual(mmlu.tiers['big-model']);
  });

  it('bills the self-verification call behind a GSM8K, TriviaQA or TruthfulQA confidence', async () => {
    const output = join(out, 'zellinger-billing.jsonl');
    await importZellinger({ folder: join(fixtures, 'zellinger'), output, benchmarks: ['gsm8k'] });
    const [gsm] = read(output);
    // cost_usd 4.2e-5 = the answer (40 in, 12 out at $0.15/$0.60) + the verification (188 in, 1 out).
    expect(gsm?.tiers['gpt-4o-mini']?.usage).toEqual({ inputTokens: 40 + 188, outputTokens: 12 + 1 });
    expect(gsm?.tiers['gpt-4o-mini']?.candidates[0]?.logprobs).toEqual([{ token: '5', logprob: -0.05 }]);
    // The answering call alone: its own tokens, and no confidence (that took the second call).
    expect(gsm?.tiers['gpt-4o-mini/answer-only']).toEqual({
      candidates: [{ text: '5', correct: true }],
      usage: { inputTokens: 40, outputTokens: 12 },
      latencyMs: 700,
    });
    // The replayed cost of the confidence-bearing name is the recorded cost_usd.
    const price = ZELLINGER_PRICES['gpt-4o-mini'] as { inputPerMTok: number; outputPerMTok: number };
    const usage = gsm?.tiers['gpt-4o-mini']?.usage as { inputTokens: number; outputTokens: number };
    expect((usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok) / 1e6).toBeCloseTo(
      4.2e-5,
      12,
    );
    expect(ZELLINGER_PRICES['gpt-4o-mini/answer-only']).toEqual(price);
  });

  it('converts only the benchmarks asked for', async () => {
    const output = join(out, 'mmlu.jsonl');
    const summary = await importZellinger({ folder: join(fixtures, 'zellinger'), output, benchmarks: ['mmlu'] });
    expect(summary.records).toBe(2);
    await expect(
      importZellinger({ folder: join(fixtures, 'zellinger'), output, benchmarks: ['xsum'] }),
    ).rejects.toThrow(/no .*xsum_train.jsonl/);
    await expect(importZellinger({ folder: join(fixtures, 'zellinger'), output, split: 'test' })).rejects.toThrow(
      /no \*_test.jsonl file/,
    );
  });
});

describe('importStructuredRag', () => {
  it('keeps every model|method cell, labels by validity and carries the task schema', async () => {
    const output = join(out, 'srag.jsonl');
    const summary = await importStructuredRag({ folder: join(fixtures, 'structured-rag'), output });
    expect(summary.records).toBe(2);
    const [first, second] = read(output) as (RecordedRequest & { source?: unknown })[];
    expect(Object.keys(first?.tiers ?? {})).toEqual([
      'llama3:instruct|fstring',
      'llama3:instruct|dspy',
      'gpt-4o|fstring',
      'gpt-4o|dspy',
    ]);
    const prompt = 'The Eiffel Tower is in Paris.\nWhere is the Eiffel Tower?';
    expect(first?.request).toEqual({
      prompt,
      responseFormat: {
        type: 'json_schema',
        name: 'RateContext',
        schema: {
          type: 'object',
          properties: { context_score: { type: 'integer', minimum: 0, maximum: 5 } },
          required: ['context_score'],
        },
      },
    });
    expect(first?.tiers['llama3:instruct|fstring']).toEqual({
      candidates: [{ text: 'Here is my rating: {"context_score": 5}', correct: false }],
      usage: { inputTokens: estimateTokens(prompt), outputTokens: 10 },
    });
    expect(first?.reference).toBeUndefined();
    expect(first?.source).toEqual({ dataset: 'structured_rag_json', task: 'RateContext', usageEstimated: true });
    expect(Object.keys(second?.tiers ?? {})).toEqual(['llama3:instruct|fstring', 'gpt-4o|dspy']);
  });

  it('keeps one method and names the models without it, skipping rows left without a model', async () => {
    const output = join(out, 'srag-dspy.jsonl');
    const summary = await importStructuredRag({ folder: join(fixtures, 'structured-rag'), output, method: 'dspy' });
    expect(summary).toMatchObject({ records: 2, skipped: 0 });
    expect(read(output).map((r) => Object.keys(r.tiers))).toEqual([['llama3:instruct', 'gpt-4o'], ['gpt-4o']]);
    const fstring = join(out, 'srag-fstring.jsonl');
    await importStructuredRag({
      folder: join(fixtures, 'structured-rag', 'structured_rag_fixture.jsonl'),
      output: fstring,
      method: 'fstring',
    });
    expect(read(fstring).map((r) => Object.keys(r.tiers))).toEqual([
      ['llama3:instruct', 'gpt-4o'],
      ['llama3:instruct'],
    ]);
  });

  it('estimates tokens from UTF-8 bytes', () => {
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('é')).toBe(1);
    expect(readFileSync(join(fixtures, 'structured-rag', 'structured_rag_fixture.jsonl'), 'utf8')).toContain(
      'RateContext',
    );
  });
});
