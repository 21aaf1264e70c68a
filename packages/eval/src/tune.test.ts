import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gate, TierConfig } from '@llm-cascade/core';
import { logprobGate } from '@llm-cascade/gate-logprob';
import type { RecordedRequest } from '@llm-cascade/provider-replay';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile } from './cascade-profile.ts';
import { seededRandom } from './seeded-random.ts';
import { tune } from './tune.ts';
import { tuneCommand } from './tune-command.ts';
import { defineTuneSpace } from './tune-space.ts';

const out = mkdtempSync(join(tmpdir(), 'llm-cascade-tune-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const PRICES = {
  small: { inputPerMTok: 1, outputPerMTok: 1 },
  mid: { inputPerMTok: 5, outputPerMTok: 5 },
  large: { inputPerMTok: 20, outputPerMTok: 20 },
};

/**
 * A synthetic recording: small is right on easy questions and knows it (high confidence), mid a bit better,
 * large right 95% of the time. Written for the test, not the output of real models.
 */
function recording(n: number, seed: number): RecordedRequest[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const difficulty = random();
    const answer = (skill: number) => {
      const correct = random() < skill - difficulty * 0.6;
      const confidence = Math.min(0.999, Math.max(0.01, (correct ? 0.75 : 0.45) + (random() - 0.5) * 0.5));
      return {
        candidates: [
          { text: correct ? 'right' : 'wrong', correct, logprobs: [{ token: 'x', logprob: Math.log(confidence) }] },
        ],
        usage: { inputTokens: 100, outputTokens: 10 },
      };
    };
    return {
      id: `q${i}`,
      request: { prompt: `question ${i}` },
      tiers: { small: answer(0.95), mid: answer(1.1), large: answer(1.3) },
    };
  });
}

const space = defineTuneSpace({
  name: 'synthetic',
  models: ['small', 'mid', 'large'],
  prices: PRICES,
  scoring: 'label',
  probeThreshold: 0.5,
  tier: ({ provider, model, threshold }): TierConfig => ({
    name: model,
    provider,
    model,
    repairs: 0,
    retries: 0,
    gates: threshold === undefined ? [] : [logprobGate({ measure: 'first-token-probability', threshold })],
  }),
});

describe('tune on a synthetic recording', () => {
  const data = recording(200, 7);

  it('chooses a ladder, reports fit and held-out figures, and the engine agrees with the search', async () => {
    const report = await tune({ data, config: space, holdout: 0.3, seed: 2 });
    const profile = report.profile;
    expect(profile.fit.requests).toBe(140);
    expect(profile.test?.requests).toBe(60);
    expect(profile.reference.model).toBe('large');
    expect(report.found).toBe(true);
    // The last tier has no threshold; every other tier does.
    expect(profile.tiers[profile.tiers.length - 1]?.threshold).toBeUndefined();
    for (const tier of profile.tiers.slice(0, -1)) expect(typeof tier.threshold).toBe('number');
    expect(profile.expected.accuracyDelta.low).toBeLessThanOrEqual(profile.expected.accuracyDelta.estimate);
    expect(profile.search).toMatchObject({ folds: 5, order: 'cost', maxTiers: 4, selectionConfidence: 0.7 });
    expect(report.engineCheck).toMatchObject({ on: 'test', agree: true });
    expect(report.frontier.length).toBeGreaterThan(1);
    expect(report.models.map((m) => m.model)).toEqual(['small', 'mid', 'large']);
    expect(report.warnings).toEqual([]);
  });

  it('is reproducible from its seed', async () => {
    const a = await tune({ data, config: space, holdout: 0.3, seed: 5, verify: false });
    const b = await tune({ data, config: space, holdout: 0.3, seed: 5, verify: false });
    expect(b.profile.tiers).toEqual(a.profile.tiers);
  });

  it('the command writes the profile, report and chart; a cascade loads the profile', async () => {
    const file = join(out, 'data.jsonl');
    writeFileSync(file, `${data.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const config = join(out, 'space.config.ts');
    writeFileSync(
      config,
      `import { logprobGate } from '@llm-cascade/gate-logprob';
export default {
  models: ['small', 'mid', 'large'],
  prices: ${JSON.stringify(PRICES)},
  scoring: 'label',
  probeThreshold: 0.5,
  tier: ({ provider, model, threshold }) => ({ name: model, provider, model, repairs: 0, retries: 0,
    gates: threshold === undefined ? [] : [logprobGate({ measure: 'first-token-probability', threshold })] }),
};
`,
    );
    const io = { stdout: '', stderr: '' };
    const streams = {
      stdout: { write: (t: string) => (io.stdout += t) },
      stderr: { write: (t: string) => (io.stderr += t) },
    };
    const files = { profile: join(out, 'p.json'), svg: join(out, 'f.svg'), md: join(out, 'r.md') };
    const code = await tuneCommand(
      [
        '--fit',
        file,
        '--config',
        config,
        '--within',
        '2pt',
        '--holdout',
        '0.3',
        '--profile',
        files.profile,
        '--svg',
        files.svg,
        '--markdown',
        files.md,
      ],
      streams,
    );
    expect(io.stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(io.stdout).toContain('target: within 2pt of the best single model');
    expect(io.stdout).toMatch(/\| held-out data \(realized\) \| 60 \|/);
    expect(io.stdout).toContain('they agree');
    const profile = await loadProfile(files.profile);
    expect(profile.target).toMatchObject({ kind: 'within', points: 0.02 });
    expect(readFileSync(files.svg, 'utf8')).toContain('class="selected"');
    expect(existsSync(files.md)).toBe(true);

    const bad = { stdout: '', stderr: '' };
    const badStreams = {
      stdout: { write: (t: string) => (bad.stdout += t) },
      stderr: { write: (t: string) => (bad.stderr += t) },
    };
    expect(
      await tuneCommand(['--data', file, '--config', config, '--within', '1pt', '--lambda', '1'], badStreams),
    ).toBe(2);
    expect(
      await tuneCommand(['--data', file, '--config', config, '--test', file, '--holdout', '0.3'], badStreams),
    ).toBe(2);
  });

  it('rejects a space whose confidence gate is not the last gate, or an unknown key', async () => {
    const extra: Gate = { name: 'format', evaluate: () => ({ status: 'pass', reason: 'ok' }) };
    const wrongOrder = defineTuneSpace({
      ...space,
      confidenceGate: 'logprob',
      tier: async (context) => {
        const tier = await space.tier(context);
        return { ...tier, gates: [...(tier.gates ?? []), extra] };
      },
    });
    await expect(tune({ data, config: wrongOrder })).rejects.toMatchObject({ field: 'config.confidenceGate' });
    await expect(tune({ data, config: { ...space, model: 'x' } as never })).rejects.toMatchObject({
      field: 'config.model',
    });
  });
});
