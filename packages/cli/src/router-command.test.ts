import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRouter, parseRouterFile } from '@llm-cascade/router';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';
import type { CommandIo } from './command-io.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./testing/fixtures/${name}`, import.meta.url));

async function cli(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

const TOPICS = [
  'rivers',
  'planets',
  'poems',
  'bridges',
  'engines',
  'forests',
  'markets',
  'storms',
  'violins',
  'glaciers',
];

/** Easy and hard requests whose wording varies, so the router must learn from the leading word. */
function requests(count: number): { id: string; prompt: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const kind = i % 2 === 0 ? 'easy' : 'hard';
    const topic = TOPICS[(i * 7) % TOPICS.length] as string;
    return { id: `q${i}`, prompt: `${kind} question number ${i} about ${topic} and ${TOPICS[i % TOPICS.length]}` };
  });
}

describe('llm-cascade router', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'router-cli-'));
  });

  it('log -> label -> train -> route: trains on the decisions of a real run', async () => {
    const input = join(dir, 'requests.jsonl');
    const decisions = join(dir, 'decisions.jsonl');
    const out = join(dir, 'router.json');
    writeFileSync(
      input,
      `${requests(60)
        .map((r) => JSON.stringify(r))
        .join('\n')}\n`,
    );
    const run = await cli([
      'run',
      '--config',
      fixture('scripted.config.ts'),
      '--input',
      input,
      '--output',
      decisions,
      '--progress',
      'off',
    ]);
    expect(run.code).toBe(0);
    const trained = await cli([
      'router',
      'train',
      '--data',
      decisions,
      '--requests',
      input,
      '--tiers',
      'small,large',
      '--out',
      out,
      '--folds',
      '3',
      '--learner',
      'logistic',
    ]);
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/Trained on 60 requests \(decisions, label gates-passed\)/);
    expect(trained.stdout).toMatch(/\| small \| 60 \| 30 \|/);
    const file = parseRouterFile(readFileSync(out, 'utf8'));
    expect(file.training.source).toBe('decisions');
    const router = createRouter({ file: out, thresholds: 0.5 });
    expect(router.decide({ prompt: 'easy question number 61 about deserts and rivers' }).tier).toBe('small');
    expect(router.decide({ prompt: 'hard question number 61 about deserts and rivers' }).tier).toBe('large');
  });

  it('trains on eval data and prints calibration and the router-only frontier', async () => {
    const data = join(dir, 'eval.jsonl');
    const records = requests(60).map((r) => {
      const easy = r.prompt.startsWith('easy');
      const tier = (correct: boolean) => ({
        candidates: [{ text: correct ? 'right' : 'wrong', correct }],
        usage: { inputTokens: 1000, outputTokens: 100 },
      });
      return { id: r.id, request: { prompt: r.prompt }, tiers: { mini: tier(easy), big: tier(true) } };
    });
    writeFileSync(data, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const prices = join(dir, 'prices.json');
    writeFileSync(
      prices,
      JSON.stringify({ mini: { inputPerMTok: 0.1, outputPerMTok: 0.4 }, big: { inputPerMTok: 5, outputPerMTok: 20 } }),
    );
    const out = join(dir, 'eval-router.json');
    const common = ['--data', data, '--tiers', 'mini,big', '--folds', '3', '--learner', 'logistic'];
    expect((await cli(['router', 'train', ...common, '--out', out])).code).toBe(0);
    const json = join(dir, 'evaluation.json');
    const cross = await cli([
      'router',
      'eval',
      ...common,
      '--prices',
      prices,
      '--json',
      json,
      '--learning-curve',
      '10,40',
    ]);
    expect(cross.stderr).toBe('');
    expect(cross.code).toBe(0);
    expect(cross.stdout).toMatch(/Held-out calibration, 3-fold cross-validation of training/);
    expect(cross.stdout).toMatch(/\| mini \| 50\.0% \| \$140 \|/); // right on the easy half only
    expect(cross.stdout).toMatch(/Best single tier: big \(100\.0%/);
    expect(cross.stdout).toMatch(/Learning curve/);
    const evaluation = JSON.parse(readFileSync(json, 'utf8'));
    expect(evaluation.frontier.singles).toEqual([
      { tier: 'mini', accuracy: 0.5, costUsd: expect.closeTo(0.00014, 9) },
      { tier: 'big', accuracy: 1, costUsd: expect.closeTo(0.007, 9) },
    ]);
    expect(evaluation.frontier.withinOfBest.costUsd).toBeLessThan(0.005);
    const held = await cli(['router', 'eval', '--data', data, '--router', out, '--prices', prices]);
    expect(held.code).toBe(0);
    expect(held.stdout).toMatch(/a trained router on data it was not trained on, 60 requests/);
  });

  it('reports usage and data errors with exit code 2', async () => {
    expect((await cli(['router'])).stderr).toMatch(/usage error: missing action/);
    expect((await cli(['router', 'fit', '--data', 'x'])).code).toBe(2);
    const noTiers = await cli(['router', 'train', '--data', fixture('recorded.jsonl'), '--out', join(dir, 'x.json')]);
    expect(noTiers.code).toBe(2);
    expect(noTiers.stderr).toMatch(/missing --tiers/);
    const badLearner = await cli([
      'router',
      'eval',
      '--data',
      fixture('recorded.jsonl'),
      '--tiers',
      'a,b',
      '--learner',
      'deep',
    ]);
    expect(badLearner.stderr).toMatch(/--learner must be one of auto, logistic, stumps/);
    const missing = await cli([
      'router',
      'train',
      '--data',
      join(dir, 'none.jsonl'),
      '--tiers',
      'a,b',
      '--out',
      join(dir, 'y.json'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/llm-cascade router: error: .*ENOENT/);
    const help = await cli(['help', 'router']);
    expect(help.stdout).toMatch(/Usage: llm-cascade router train/);
  });
});
