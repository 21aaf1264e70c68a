/**
 * Imports the real recorded datasets in ../shared/data and replays a little of each through the example
 * configs, checking the conversion against the published figures. Skips with a message when the data is
 * absent; never copies it (outputs go to a temporary folder, removed afterwards).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRecordings } from '@llm-cascade/provider-replay';
import { afterAll, describe, expect, it } from 'vitest';
import { importMot } from './import-mot.ts';
import { importStructuredRag } from './import-structured-rag.ts';
import { importZellinger, ZELLINGER_PRICES } from './import-zellinger.ts';
import { runEval } from './run-eval.ts';
import { tune } from './tune.ts';

const dataDir = process.env.LLM_CASCADE_SHARED_DATA ?? '';
if (dataDir === '')
  console.info('[eval] LLM_CASCADE_SHARED_DATA is empty: skipping the shared-data import and replay test.');

const example = (name: string) => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));

describe.skipIf(dataDir === '')('real recorded data', () => {
  const out = mkdtempSync(join(tmpdir(), 'llm-cascade-eval-shared-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('MoT DATE: 369 questions; MoT-1D-Vote at 0.65 matches the reference replay over the 8 pairings', async () => {
    const output = join(out, 'date.jsonl');
    const summary = await importMot({ folder: join(dataDir, 'mot_cascade'), output, samples: 7 });
    expect(summary.records).toBe(369);
    const report = await runEval({
      data: output,
      config: example('mot-date.config.ts'),
      sweep: ['pairing=0:7:1'],
      baselines: false,
    });
    const accuracy = report.points.reduce((sum, p) => sum + p.measures.accuracy, 0) / report.points.length;
    const cost = report.points.reduce((sum, p) => sum + p.measures.costUsd, 0) / report.points.length;
    // date_reference_replay.json, mot_1d_vote at threshold 0.65: acc 0.88855, $5.09963 in total.
    expect(Math.abs(accuracy - 0.88855)).toBeLessThan(0.005);
    expect(Math.abs(cost / 5.09963 - 1)).toBeLessThan(0.01);
  }, 120_000);

  it('Zellinger train splits: 1485 queries; the always-strongest baseline matches the recorded labels', async () => {
    const output = join(out, 'zellinger.jsonl');
    const summary = await importZellinger({ folder: join(dataDir, 'zellinger_llm_cascades'), output });
    expect(summary.records).toBe(1485);
    const report = await runEval({ data: output, config: example('zellinger-openai.config.ts'), limit: 285 });
    // The first 285 records are GSM8K's (files in name order); every model answered every query.
    expect(report.baselines[1]?.measures.scored).toBe(285);
    expect(report.baselines[1]?.measures.unanswered).toBe(0);
  }, 120_000);

  it('StructuredRAG: 784 queries; Llama-3-8B and Claude alone reproduce the published f-string success rates', async () => {
    const output = join(out, 'srag.jsonl');
    const summary = await importStructuredRag({
      folder: join(dataDir, 'structured_rag_json'),
      output,
      method: 'fstring',
    });
    expect(summary.records).toBe(784);
    const report = await runEval({ data: output, config: example('structured-rag.config.ts') });
    // README: mean over 7 tasks of the f-string success rates (112 queries each): llama 0.5216, claude 0.8737.
    expect(report.baselines[0]?.measures.accuracy).toBeCloseTo(0.5216, 3);
    expect(report.baselines[1]?.measures.accuracy).toBeCloseTo(0.8737, 3);
  }, 120_000);

  it('Zellinger MedMCQA: tune fits on 70%, the engine replays the profile as the search does, billing every call', async () => {
    const output = join(out, 'medmcqa-tune.jsonl');
    await importZellinger({ folder: join(dataDir, 'zellinger_llm_cascades'), output, benchmarks: ['medmcqa'] });
    const report = await tune({ data: output, config: example('zellinger-space.config.ts'), holdout: 0.3, seed: 1 });
    expect(report.profile.fit.requests).toBe(210);
    expect(report.profile.test?.requests).toBe(90);
    expect(report.engineCheck).toMatchObject({ on: 'test', agree: true });
    expect(report.found).toBe(true);
    // The best single model on the fit data is one of the two strongest Llama models.
    expect(['llama3.1-405b', 'llama3.1-70b']).toContain(report.profile.reference.model);
  }, 180_000);

  it('Zellinger TriviaQA: the plain name is billed the recorded cost_usd (verification included), answer-only is not', async () => {
    const output = join(out, 'triviaqa-billing.jsonl');
    await importZellinger({ folder: join(dataDir, 'zellinger_llm_cascades'), output, benchmarks: ['triviaqa'] });
    const price = ZELLINGER_PRICES['gpt-4o-mini'] as { inputPerMTok: number; outputPerMTok: number };
    const cost = (u: { inputTokens: number; outputTokens: number }) =>
      (u.inputTokens * price.inputPerMTok + u.outputTokens * price.outputPerMTok) / 1e6;
    let plain = 0;
    let answer = 0;
    for (const { record } of loadRecordings(output)) {
      plain += cost(record.tiers['gpt-4o-mini']?.usage as { inputTokens: number; outputTokens: number });
      answer += cost(record.tiers['gpt-4o-mini/answer-only']?.usage as { inputTokens: number; outputTokens: number });
    }
    let recorded = 0;
    for (const line of readFileSync(join(dataDir, 'zellinger_llm_cascades', 'triviaqa_train.jsonl'), 'utf8').split(
      '\n',
    )) {
      if (line.trim() !== '') recorded += JSON.parse(line).models['gpt-4o-mini'].cost_usd;
    }
    expect(plain / recorded).toBeCloseTo(1, 6);
    // The data's README: the verification call is about 69% of the recorded cost on TriviaQA.
    expect(answer / recorded).toBeGreaterThan(0.25);
    expect(answer / recorded).toBeLessThan(0.4);
  }, 120_000);
});
